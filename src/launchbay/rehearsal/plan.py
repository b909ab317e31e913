"""Which Design the rehearsal deploys: the project's own when it is a VM kit with a Vault-style store,
else the same answers changed to the self-hosted VM target and Vault, in memory (the answers file is
never touched), and the changes are reported. A raw signing key the services read but the kit, by
design, never delivers (key management answered: a signer replaces it) is wired as a dummy secret.

Why those changes: the Docker engine here can run exactly one of launchbay's deploy procedures, the
VM kit's blue-green (ECS, Kubernetes and clouds cannot run on this machine), and the one secret store
that runs here is OpenBao's dev server, which speaks Vault's API and CLI.
"""

from __future__ import annotations

from pathlib import Path

from launchbay.errors import LaunchbayError
from launchbay.models.answers import Topic
from launchbay.models.design import Design


def vm_design(project: Path) -> tuple[Design, list[str]]:
    from launchbay.answersfile import FILENAME, load_answers
    from launchbay.plan import build_design
    from launchbay.review import review_project

    answers_path = project / FILENAME
    if not answers_path.exists():
        raise LaunchbayError(f"{answers_path}: no answers yet", hint=f"run `launchbay interview {project}` first")
    profile = review_project(project)
    doc = load_answers(answers_path)
    design = build_design(profile, doc)
    changes: list[str] = []
    signer = sorted({e.name for s in design.services for e in s.env if e.wiring == "signer"})
    if design.platform == "vm" and design.security.get("secrets") == "vault" and not signer:
        return design, changes
    answers = doc.answers
    update: dict[str, Topic] = {}
    if design.platform != "vm":
        update["deployment"] = answers.deployment.model_copy(update={"cloud": "self-hosted"})
        changes.append(f"deployment.cloud: {answers.deployment.cloud} → self-hosted (platform {design.platform} → vm)")
    if design.security.get("secrets") != "vault":
        update["security"] = answers.security.model_copy(update={"secrets_manager": "vault"})
        changes.append(f"security.secrets_manager: {answers.security.secrets_manager} → vault (OpenBao dev server)")
    if signer:
        # Under key management the kit never delivers a raw signing key (a signer replaces it), yet the code
        # reads one; py-web3's api then exits at startup (rehearsed). The rehearsal wires a dummy key instead.
        update["blockchain"] = answers.blockchain.model_copy(update={"key_management": "none"})
        changes.append(f"blockchain.key_management: {answers.blockchain.key_management} → none (the kit delivers "
                       f"no {', '.join(signer)} under key management — a signer replaces it — but the code reads it; "
                       "the rehearsal wires a dummy key)")
    doc = doc.model_copy(update={"answers": answers.model_copy(update=update)})
    design = build_design(profile, doc)
    if design.platform != "vm":
        raise LaunchbayError(f"{project}: even self-hosted, the plan picks {design.platform}, not a VM",
                             hint="the rehearsal runs the VM kit's blue-green procedure only")
    return design, changes
