"""`systemd-analyze verify` over every systemd unit of the kit, offline, inside a throwaway root.

Why a temporary `--root`: verify loads each unit with its dependencies and checks that every `Exec*`
command is an executable file. Run against this machine (a container: systemd is not PID 1, and
neither Docker nor `/opt/<project>` need exist here) it would report the machine, not the units.
So the units of each kit folder are verified in a temp root that holds only:
- the kit's units, in `/etc/systemd/system`;
- the vendor units shipped with systemd itself (copied from the host's unit folder: the targets such
  as `multi-user.target` and `sysinit.target` every unit depends on);
- a stand-in for a unit that comes from a package the VM's provisioning installs (`PACKAGE_UNITS`:
  `docker.service` …), only when the host has no such unit;
- the `Exec*` commands: a kit script (same file name, nearest to the units in the kit) is copied with
  its real mode, so a script that lost its executable bit is caught; a command in a system folder
  (`/usr/bin/docker` …) gets an executable stand-in, named in the summary.
Everything else verify prints is a finding with file and line: an unknown key or section, a value it
cannot parse, an `Exec*` path that is neither a kit script nor a system command, a dependency that
exists nowhere. Messages about the copied vendor units are the host's business and are not counted.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from collections import defaultdict
from pathlib import Path, PurePosixPath

from launchbay.models.kit import Finding
from launchbay.validators.base import Result, Tool, run_tool
from launchbay.validators.scope import generated, read_text

UNIT_SUFFIXES = (".service", ".timer", ".socket", ".path", ".mount", ".automount", ".target", ".slice")
SECTION = re.compile(r"^\[(Unit|Service|Timer|Socket|Path|Mount|Automount|Slice|Install)\]\s*$", re.M)
EXEC = re.compile(r"^(Exec(?:Start|StartPre|StartPost|Stop|StopPost|Reload|Condition))=\s*(.*)$")
DEPENDENCY = re.compile(r"^(?:Requires|Wants|Requisite|BindsTo|PartOf|Upholds|After|Before|WantedBy|"
                        r"RequiredBy|Unit)=(.*)$")
SYSTEM_BIN = ("/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/", "/usr/local/bin/", "/usr/local/sbin/",
              "/usr/libexec/", "/usr/lib/")
# Units that Debian packages the provisioning script installs bring with them.
PACKAGE_UNITS = {"docker.service": "docker.io", "docker.socket": "docker.io", "containerd.service": "containerd"}
VENDOR_DIRS = (Path("/usr/lib/systemd/system"), Path("/lib/systemd/system"))
LOCATED = re.compile(r"^(?P<path>/\S+?):(?P<line>\d+): (?P<msg>.*)$")
NAMED = re.compile(r"^(?P<unit>[^\s:/]+\.(?:service|timer|socket|path|mount|automount|target|slice)): (?P<msg>.*)$")
COMMAND = re.compile(r"Command (\S+) ")


def unit_files(root: Path, files: tuple[str, ...]) -> tuple[str, ...]:
    """Generated files named like a unit that contain a unit section header."""
    out = []
    for rel in generated(root, files):
        if rel.endswith(UNIT_SUFFIXES) and (text := read_text(root, rel)) is not None and SECTION.search(text):
            out.append(rel)
    return tuple(out)


def exec_commands(text: str) -> list[str]:
    """The program of every Exec* line (prefixes `-@:+!` dropped; `$VAR` programs cannot be resolved)."""
    out = []
    for line in text.splitlines():
        m = EXEC.match(line.strip())
        if not m or not m.group(2):
            continue
        program = m.group(2).lstrip("-@:+!").split(None, 1)[0] if m.group(2).lstrip("-@:+!") else ""
        if program and "$" not in program:
            out.append(program)
    return out


def dependencies(text: str) -> set[str]:
    names: set[str] = set()
    for line in text.splitlines():
        if m := DEPENDENCY.match(line.strip()):
            names.update(n for n in m.group(1).split() if "$" not in n and "%" not in n)
    return names


def _kit_script(program: str, unit_dir: str, kit: tuple[str, ...]) -> str | None:
    """The kit file a unit runs: same file name, nearest the units' folder going up."""
    name = PurePosixPath(program).name
    here = PurePosixPath(unit_dir)
    for folder in (here, *here.parents):
        rel = name if str(folder) == "." else f"{folder}/{name}"
        if rel in kit:
            return rel
    return None


def _stand_in(path: Path, note: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n# stand-in: {note}\nexit 0\n", encoding="utf-8")
    path.chmod(0o755)


class SystemdValidator:
    name = "systemd"
    tool: str | None = "systemd-analyze"

    def applies(self, root: Path, files: tuple[str, ...]) -> bool:
        return bool(unit_files(root, files))

    def run(self, root: Path, files: tuple[str, ...], tool: Tool | None) -> Result:
        units = unit_files(root, files)
        if not units:
            return Result(self.name, "FAIL", "no systemd unit to verify")
        vendor = next((d for d in VENDOR_DIRS if d.is_dir()), None)
        if vendor is None:
            return Result(self.name, "FAIL", "systemd's own units (multi-user.target …) are not installed here: "
                                             "cannot verify dependencies", hint="apt-get install systemd")
        exe = tool.path if tool and tool.path else "systemd-analyze"
        kit = generated(root, files)
        groups: dict[str, list[str]] = defaultdict(list)
        for rel in units:
            groups[str(PurePosixPath(rel).parent)].append(rel)
        findings: list[Finding] = []
        stood_in: set[str] = set()
        for folder, members in sorted(groups.items()):
            found, stand_ins = _verify_group(exe, root, folder, members, kit, vendor)
            findings += found
            stood_in |= stand_ins
        findings.sort()
        summary = (f"{len(units)} unit(s) verified in a temporary root: {len(findings)} finding(s)"
                   + (f"; stand-ins for {', '.join(sorted(stood_in))}" if stood_in else ""))
        return Result(self.name, "FAIL" if findings else "PASS", summary, tuple(findings))


def _verify_group(exe: str, root: Path, folder: str, members: list[str], kit: tuple[str, ...],
                  vendor: Path) -> tuple[list[Finding], set[str]]:
    texts = {rel: (root / rel).read_text(encoding="utf-8") for rel in members}
    by_name = {PurePosixPath(rel).name: rel for rel in members}
    stood_in: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="launchbay-systemd-") as tmp:
        base = Path(tmp)
        units_dir = base / "etc/systemd/system"
        units_dir.mkdir(parents=True)
        shutil.copytree(vendor, base / "usr/lib/systemd/system", symlinks=True)
        for name, rel in by_name.items():
            shutil.copyfile(root / rel, units_dir / name)
        for text in texts.values():
            for dep in sorted(dependencies(text)):
                if dep in PACKAGE_UNITS and dep not in by_name and not (base / "usr/lib/systemd/system" / dep).exists():
                    stub = f"/usr/libexec/launchbay-stand-in/{dep}"
                    _stand_in(base / stub.lstrip("/"), "unit of a package")
                    (units_dir / dep).write_text(f"[Unit]\nDescription=stand-in for {dep} ({PACKAGE_UNITS[dep]})\n"
                                                 f"[Service]\nExecStart={stub}\n", encoding="utf-8")
                    stood_in.add(dep)
            for program in exec_commands(text):
                target = base / program.lstrip("/") if program.startswith("/") else base / "usr/bin" / program
                if target.exists():
                    continue
                script = _kit_script(program, folder, kit)
                if script is not None:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(root / script, target)
                    target.chmod(stat.S_IMODE(os.stat(root / script).st_mode))
                elif not program.startswith("/") or program.startswith(SYSTEM_BIN):
                    _stand_in(target, "system command the VM's packages provide")
                    stood_in.add(program)
        proc = run_tool([exe, "verify", "--man=no", f"--root={base}", *(str(units_dir / n) for n in sorted(by_name))],
                        base, 120, env={"SYSTEMD_LOG_COLOR": "0", "SYSTEMD_PAGER": "cat"})
        findings = _parse(proc.stdout + "\n" + proc.stderr, str(units_dir), by_name, texts)
    if proc.returncode != 0 and not findings:
        tail = (proc.stderr.strip() or proc.stdout.strip() or f"exit {proc.returncode}").splitlines()[-1]
        findings.append((members[0], 1, f"systemd-analyze verify failed: {tail}"))
    return findings, stood_in


def _parse(output: str, units_dir: str, by_name: dict[str, str], texts: dict[str, str]) -> list[Finding]:
    out: list[Finding] = []
    for raw in output.splitlines():
        line = raw.strip()
        if not line:
            continue
        if (m := LOCATED.match(line)) and m["path"].startswith(units_dir + "/"):
            name = m["path"].removeprefix(units_dir + "/")
            if name in by_name:
                out.append((by_name[name], int(m["line"]), m["msg"]))
                continue
        if m := NAMED.match(line):
            if m["unit"] in by_name:
                rel = by_name[m["unit"]]
                out.append((rel, _line_of(texts[rel], m["msg"]), m["msg"]))
            continue  # about a vendor or stand-in unit: not the kit's
        named = next((n for n in by_name if re.search(rf"\b{re.escape(n)}\b", line)), None)
        if named is not None:
            out.append((by_name[named], 1, line))
        elif not LOCATED.match(line):
            out.append((next(iter(by_name.values())), 1, line))
    return out


def _line_of(text: str, message: str) -> int:
    """The line of the Exec* command a message names (1 when it names none)."""
    m = COMMAND.search(message)
    if m:
        for n, line in enumerate(text.splitlines(), 1):
            if EXEC.match(line.strip()) and m.group(1) in line:
                return n
    return 1
