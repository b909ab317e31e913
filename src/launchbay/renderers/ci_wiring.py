"""`deploy/launchbay-wiring.json`: the Design's env wiring and pipeline names, as a file.

Validators see only files, never the Design. This small JSON carries what the consistency check
needs to prove that every variable the code reads is wired somewhere in the kit (config, secret
reference or build argument), plus the names the pipelines use, so a reviewer can read them in one
place. Exactly one CI renderer writes it (GitLab CI for GitLab designs, GitHub Actions otherwise).
"""

from __future__ import annotations

import json

from launchbay.models.design import Design
from launchbay.models.kit import KitFile
from launchbay.renderers.ci_plan import WIRING_PATH, ServiceCI, ecr_repository, needs_approval, service_ci

SCHEMA = 1


def _service(design: Design, svc: ServiceCI) -> dict[str, object]:
    image: dict[str, object] | None = None
    if svc.has_image:
        image = {"dockerfile": svc.dockerfile, "context": svc.context, "build_args": list(svc.build_args),
                 "registry": svc.registry, "per_environment": svc.per_env,
                 "repository": ({env: ecr_repository(design, svc, env) for env in design.environments}
                                if svc.registry == "ecr" else svc.key)}
    return {
        "name": svc.plan.name,
        "key": svc.key,
        "component": svc.plan.component,
        "target": svc.plan.target,
        "deploy": svc.deploy,
        "port": svc.plan.port,
        "smoke_path": svc.smoke_path,
        "smoke_url_variable": f"SMOKE_URL_{svc.var_suffix}" if svc.smoke_path else None,
        "image": image,
        "env": [{"name": e.name, "wiring": e.wiring} for e in svc.plan.env],
    }


def wiring_document(design: Design, ci_system: str) -> dict[str, object]:
    return {
        "schema": SCHEMA,
        "generator": "launchbay",
        "purpose": "env wiring the consistency check verifies against the rest of the kit; regenerate, do not edit",
        "project": design.project,
        "ci": ci_system,
        "environments": list(design.environments),
        "manual_approval": [env for env in design.environments if needs_approval(design, env)],
        "services": [_service(design, s) for s in service_ci(design)],
        "skipped_checks": _skipped(design, ci_system),
    }


def _skipped(design: Design, ci_system: str) -> list[dict[str, str]]:
    """Scanner checks the CI files suppress inline, with the reason (for the kit's docs)."""
    if ci_system != "github" or not design.services:
        return []
    from launchbay.renderers.ci_github_deploy import ROLLBACK_SKIP

    return [{"check": ROLLBACK_SKIP[0], "file": ".github/workflows/launchbay-deploy.yml", "reason": ROLLBACK_SKIP[1]}]


def wiring_file(design: Design, ci_system: str) -> KitFile:
    body = json.dumps(wiring_document(design, ci_system), indent=2, sort_keys=True) + "\n"
    return KitFile(path=WIRING_PATH, content=body)
