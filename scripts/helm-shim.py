"""A `helm` command over helm-python-sdk (Helm v4's Go SDK), for machines with no helm binary.

scripts/setup installs it as .tools/bin/helm, run by the tools venv's Python. It implements what
launchbay's validators and checkov's helm framework call, offline, and nothing else:
  helm version [--short]
  helm template [NAME] CHART [-f/--values FILE]... [--set/--set-string K=V]... [-n/--namespace NS]
                [--dependency-update] [--kube-version V] [--output-dir DIR is refused]
  helm lint CHART [-f FILE]... [--set/--set-string K=V]... [--strict] [-n NS] [--kube-version V]
  helm dependency list CHART
Like helm, the namespace defaults to $HELM_NAMESPACE, else "default". Exit 1 with the error on stderr.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import sys
from typing import Any

import helm_python as helm

DOC_SPLIT = re.compile(r"^---[ \t]*$", re.M)


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Helm's coalescing of values files: maps merge key by key, anything else is replaced."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def user_values(args: argparse.Namespace) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for path in args.values:
        with open(path, encoding="utf-8") as handle:
            values = merge(values, helm.values_from_yaml(handle.read()))
    for expr in args.set:
        values = merge(values, helm.parse_set_string(expr))
    for expr in args.set_string:
        values = merge(values, helm.parse_set_string_values(expr))
    return values


def common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-f", "--values", action="append", default=[])
    parser.add_argument("--set", action="append", default=[])
    parser.add_argument("--set-string", action="append", default=[])
    parser.add_argument("-n", "--namespace", default=os.environ.get("HELM_NAMESPACE") or "default")
    parser.add_argument("--kube-version", default=None)


def cmd_version(args: argparse.Namespace) -> int:
    version = helm.helm_sdk_version()
    version = version if version.startswith("v") else f"v{version}"
    if args.short:
        print(version)
    else:
        print(f'version.BuildInfo{{Version:"{version}", GitCommit:"", GitTreeState:"", '
              f'GoVersion:"helm-python-sdk {helm.__version__}"}}')
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    if len(args.args) > 2:
        print("Error: expected [NAME] CHART", file=sys.stderr)
        return 1
    name, chart_dir = args.args if len(args.args) == 2 else ("release-name", args.args[0])
    with helm.Chart.load(chart_dir) as chart:
        rendered = chart.render(values=user_values(args), name=name, namespace=args.namespace,
                                is_install=True)
    for source in sorted(rendered):
        if source.endswith("NOTES.txt") or source.rsplit("/", 1)[-1].startswith("_"):
            continue
        # As helm prints it: every document under its own `---` and `# Source:` line, empty ones dropped.
        for doc in DOC_SPLIT.split(rendered[source]):
            if any(line.strip() and not line.lstrip().startswith("#") for line in doc.splitlines()):
                sys.stdout.write(f"---\n# Source: {source}\n{doc.strip()}\n")
    return 0


def cmd_lint(args: argparse.Namespace) -> int:
    failed = 0
    for chart_dir in args.args:
        report = helm.lint(chart_dir, user_values(args) or None, strict=args.strict, namespace=args.namespace,
                           kube_version=args.kube_version)
        print(f"==> Linting {chart_dir}")
        worst = 0
        for msg in report.get("messages", []):
            level = {1: "INFO", 2: "WARNING", 3: "ERROR"}.get(int(msg.get("severity", 0)), "UNKNOWN")
            worst = max(worst, int(msg.get("severity", 0)))
            print(f"[{level}] {msg.get('path', '')}: {str(msg.get('error', '')).strip()}")
        if worst >= 3 or (args.strict and worst >= 2) or report.get("errors"):
            failed += 1
        print()
    print(f"{len(args.args)} chart(s) linted, {failed} chart(s) failed")
    return 1 if failed else 0


def cmd_dependency(args: argparse.Namespace) -> int:
    if args.action != "list":
        print(f"Error: helm dependency {args.action} is not supported by this shim", file=sys.stderr)
        return 1
    deps = helm.dependency_list(args.chart)
    print("NAME\tVERSION\tREPOSITORY\tSTATUS")
    for dep in deps:
        print(f"{dep.get('name')}\t{dep.get('version')}\t{dep.get('repository')}\t{dep.get('status')}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="helm")
    sub = parser.add_subparsers(dest="command", required=True)
    version = sub.add_parser("version")
    version.add_argument("--short", action="store_true")
    version.set_defaults(run=cmd_version)
    template = sub.add_parser("template")
    template.add_argument("args", nargs="+")
    template.add_argument("--dependency-update", action="store_true")  # no dependencies: nothing to fetch
    common(template)
    template.set_defaults(run=cmd_template)
    lint = sub.add_parser("lint")
    lint.add_argument("args", nargs="+")
    lint.add_argument("--strict", action="store_true")
    common(lint)
    lint.set_defaults(run=cmd_lint)
    dependency = sub.add_parser("dependency", aliases=["dep", "dependencies"])
    dependency.add_argument("action")
    dependency.add_argument("chart")
    dependency.set_defaults(run=cmd_dependency)
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except helm.HelmError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
