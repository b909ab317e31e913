"""`caddy validate --adapter caddyfile` over every Caddyfile of the kit: it adapts the file to Caddy's
JSON and provisions every module (as a reload would), without starting a server.

What a Caddyfile needs that the kit cannot hold, and how it is supplied (all in a temp folder; the
kit is never changed):
- environment placeholders (`{$DOMAIN}`): validated once per environment file of the kit
  (`environments/*.env` beside the Caddyfile, the values deploy.sh installs); a placeholder an
  environment leaves empty, or every placeholder when there is no environment file, gets a harmless
  stand-in (`example.com`-style host, port 8080, plain word otherwise);
- `import` of a file written at deploy time (the active colour's upstream, `/etc/caddy/active/*.caddy`):
  the path is pointed at a stand-in snippet (`respond 503`), named in the summary. `check_caddyfile`
  takes the snippets' real content instead, for callers that have it (tests render deploy.sh's);
- Caddy's storage and HOME point into the temp folder (validate provisions the TLS app).
A warning from the adapter (an unformatted file, a deprecated directive) is a finding too.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from launchbay.models.kit import Finding
from launchbay.validators.base import Result, Tool, run_tool
from launchbay.validators.scope import generated, read_text

PLACEHOLDER = re.compile(r"\{\$([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}")
IMPORT = re.compile(r"^(\s*import\s+)(\S+)(.*)$")
ERROR_AT = re.compile(r"(?P<file>[^\s:]+):(?P<line>\d+)")
STAND_IN_SNIPPET = "# stand-in for a snippet written at deploy time\nrespond 503\n"


def caddyfiles(root: Path, files: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for rel in generated(root, files):
        name = PurePosixPath(rel).name
        if name == "Caddyfile" or name.startswith("Caddyfile.") or name.endswith(".Caddyfile"):
            out.append(rel)
    return tuple(out)


def stand_in_value(name: str) -> str:
    """A harmless value of the kind a placeholder's name suggests."""
    upper = name.upper()
    if upper.endswith("PORT"):
        return "8080"
    if "EMAIL" in upper:
        return "ops@example.com"
    if any(word in upper for word in ("DOMAIN", "HOST", "SITE", "FQDN")):
        return "example.com"
    return "placeholder"


def environment_files(root: Path, caddyfile: str, kit: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """Name → settings of each `environments/*.env` beside the Caddyfile."""
    folder = PurePosixPath(caddyfile).parent / "environments"
    out: dict[str, dict[str, str]] = {}
    for rel in kit:
        path = PurePosixPath(rel)
        if path.parent == folder and path.suffix == ".env" and (text := read_text(root, rel)) is not None:
            values = {}
            for line in text.splitlines():
                key, sep, value = line.strip().partition("=")
                if sep and not key.startswith("#"):
                    values[key.removeprefix("export ").strip()] = value.strip().strip("'\"")
            out[path.stem] = values
    return out


def check_caddyfile(exe: str, text: str, label: str, env: Mapping[str, str],
                    snippets: Mapping[str, str] | None = None, *, adapt: bool = False
                    ) -> tuple[list[Finding], str, tuple[str, ...]]:
    """Validate one Caddyfile text; returns (findings against `label`, adapted JSON if asked, imports
    stood in). `snippets` maps an imported path to its content; others get the stand-in snippet."""
    with tempfile.TemporaryDirectory(prefix="launchbay-caddy-") as tmp:
        base = Path(tmp)
        lines: list[str] = []
        stood_in: list[str] = []
        import_lines: dict[str, int] = {}
        for n, line in enumerate(text.splitlines(), 1):
            m = IMPORT.match(line)
            if m and ("/" in m.group(2) or m.group(2).endswith(".caddy")) and "{" not in m.group(2):
                local = base / "imports" / f"{len(import_lines)}.caddy"
                local.parent.mkdir(exist_ok=True)
                content = (snippets or {}).get(m.group(2))
                if content is None:
                    content = STAND_IN_SNIPPET
                    stood_in.append(m.group(2))
                local.write_text(content, encoding="utf-8")
                import_lines[str(local)] = n
                line = f"{m.group(1)}{local}{m.group(3)}"
            lines.append(line)
        config = base / "Caddyfile"
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        home = str(base / "home")
        proc = run_tool([exe, "validate", "--adapter", "caddyfile", "--config", str(config)], base, 60,
                        env={**env, "HOME": home, "XDG_DATA_HOME": f"{home}/data", "XDG_CONFIG_HOME": f"{home}/config"})
        adapted = ""
        if adapt and proc.returncode == 0:
            adapted_run = run_tool([exe, "adapt", "--adapter", "caddyfile", "--config", str(config)], base, 60,
                             env={**env, "HOME": home})
            adapted = adapted_run.stdout
        findings = _findings(proc.stdout + "\n" + proc.stderr, proc.returncode, label, str(config), import_lines)
    return findings, adapted, tuple(stood_in)


def _findings(output: str, code: int, label: str, config: str, import_lines: dict[str, int]) -> list[Finding]:
    out: list[Finding] = []
    failed_loudly = False  # an error line that explains a non-zero exit
    for raw in output.splitlines():
        line = raw.strip()
        if line.startswith("{"):
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("level") in {"warn", "error"}:
                where = _line_in(str(entry.get("file", "")), int(entry.get("line") or 1), config, import_lines)
                out.append((label, where, f"{entry['level']}: {entry.get('msg', '')}"))
                failed_loudly = failed_loudly or entry["level"] == "error"
        elif line.startswith("Error:"):
            out.append((label, _error_line(line, config, import_lines), line.removeprefix("Error:").strip()))
            failed_loudly = True
    if code != 0 and not failed_loudly:
        tail = output.strip().splitlines()[-1] if output.strip() else "no output"
        out.append((label, 1, f"caddy validate exited {code}: {tail}"))
    return [(f, n, m.replace(config, label)) for f, n, m in out]


def _line_in(file: str, line: int, config: str, import_lines: dict[str, int]) -> int:
    return import_lines.get(file, line) if file != config else line


def _error_line(message: str, config: str, import_lines: dict[str, int]) -> int:
    """The Caddyfile line an error names; an error inside an imported snippet points at its import."""
    for m in ERROR_AT.finditer(message):
        if m["file"] == config:
            return int(m["line"])
        if m["file"] in import_lines:
            return import_lines[m["file"]]
    return 1


class CaddyValidator:
    name = "caddy"
    tool: str | None = "caddy"

    def applies(self, root: Path, files: tuple[str, ...]) -> bool:
        return bool(caddyfiles(root, files))

    def run(self, root: Path, files: tuple[str, ...], tool: Tool | None) -> Result:
        targets = caddyfiles(root, files)
        if not targets:
            return Result(self.name, "FAIL", "no Caddyfile to validate")
        exe = tool.path if tool and tool.path else "caddy"
        kit = generated(root, files)
        seen: dict[Finding, list[str]] = {}  # finding → environments it showed up with
        runs = 0
        stood_in: set[str] = set()
        placeholders_stood_in: set[str] = set()
        for rel in targets:
            text = (root / rel).read_text(encoding="utf-8")
            names = {m.group(1): m.group(2) for m in PLACEHOLDER.finditer(text)}
            envs = environment_files(root, rel, kit) or {"stand-in": {}}
            for label, values in sorted(envs.items()):
                env = {}
                for name, default in names.items():
                    if values.get(name):
                        env[name] = values[name]
                    elif default is None:
                        env[name] = stand_in_value(name)
                        placeholders_stood_in.add(name)
                found, _, imports = check_caddyfile(exe, text, rel, env)
                for finding in found:
                    seen.setdefault(finding, []).append(label)
                stood_in.update(imports)
                runs += 1
            for finding, labels in list(seen.items()):
                if 0 < len(labels) < len(envs):  # only some environments' settings break it: say which
                    seen[(finding[0], finding[1], f"{finding[2]} (with {', '.join(labels)} settings)")] = []
                    del seen[finding]
                elif labels:
                    seen[finding] = []
        findings = sorted(seen)
        notes = []
        if stood_in:
            notes.append(f"deploy-time imports stood in: {', '.join(sorted(stood_in))}")
        if placeholders_stood_in:
            notes.append(f"placeholders stood in: {', '.join(sorted(placeholders_stood_in))}")
        summary = (f"{len(targets)} Caddyfile(s), {runs} validation(s) (one per environment): "
                   f"{len(findings)} finding(s)" + (f"; {'; '.join(notes)}" if notes else ""))
        return Result(self.name, "FAIL" if findings else "PASS", summary, tuple(findings))
