"""Infrastructure steps of a deploy: `terraform init`, `plan -out` and `apply` of the saved plan for each
root of `deploy/terraform/envs/ENV`, the bootstrap root first when it has no state yet.

With an AWS emulator endpoint the kit's Terraform tree is copied to `.launchbay/aws-emulator/terraform`
and an override file there points the provider at the emulator and keeps state local: the kit on disk
is never modified, so an interrupted run cannot leave the real roots aimed at a fake cloud.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from launchbay.aws_emulator import OVERRIDE_FILE, provider_override
from launchbay.deploy_model import Command, Step
from launchbay.validators.terraform import MIRROR_ENV, plugin_mirror

TF_DIR = "deploy/terraform"
EMULATOR_DIR = ".launchbay/aws-emulator"
PLAN_DIR = ".launchbay/deploy"
_SKIP_COPY = shutil.ignore_patterns(".terraform", "*.tfstate", "*.tfstate.*", ".terraform.lock.hcl", OVERRIDE_FILE)


@dataclass(frozen=True)
class TerraformTree:
    """Where the roots are (the kit's tree, or the emulator copy) and which of them a deploy touches."""

    base: str  # relative to the project root
    roots: tuple[str, ...]  # environment roots, relative to the project root
    bootstrap: str | None
    emulator: str | None  # the emulator endpoint when the tree is the emulator copy
    mirror: str | None  # -plugin-dir for init (offline provider mirror), when one is to be used

    def needs_bootstrap(self, root: Path) -> bool:
        return self.bootstrap is not None and not (root / self.bootstrap / "terraform.tfstate").exists()


def _has_tf(path: Path) -> bool:
    return path.is_dir() and any(path.glob("*.tf"))


def env_roots(root: Path, base: str, env: str) -> tuple[str, ...]:
    """`envs/ENV` and any nested root under it (folders with .tf files), relative to the project root."""
    top = root / base / "envs" / env
    if not top.is_dir():
        return ()
    found = [top] if _has_tf(top) else []
    found += sorted(p for p in top.rglob("*") if _has_tf(p) and ".terraform" not in p.parts)
    return tuple(p.relative_to(root).as_posix() for p in found)


def terraform_tree(root: Path, env: str, *, emulator: str | None) -> TerraformTree:
    """The tree a deploy of `env` uses; in emulator mode, the paths of the copy `prepare_emulator` makes."""
    kit_roots = env_roots(root, TF_DIR, env)
    has_boot = _has_tf(root / TF_DIR / "bootstrap")
    mirror_path = plugin_mirror() if (emulator or os.environ.get(MIRROR_ENV)) else None
    mirror = str(mirror_path) if mirror_path else None
    if emulator is None:
        return TerraformTree(TF_DIR, kit_roots, f"{TF_DIR}/bootstrap" if has_boot else None, None, mirror)
    base = f"{EMULATOR_DIR}/terraform"
    roots = tuple(base + r[len(TF_DIR):] for r in kit_roots)
    return TerraformTree(base, roots, f"{base}/bootstrap" if has_boot else None, emulator, mirror)


def prepare_emulator(root: Path, tree: TerraformTree, region: str) -> None:
    """Copy the kit's Terraform into the emulator folder (state kept) and write the override files."""
    assert tree.emulator is not None
    shutil.copytree(root / TF_DIR, root / tree.base, ignore=_SKIP_COPY, dirs_exist_ok=True)
    if tree.bootstrap:
        (root / tree.bootstrap / OVERRIDE_FILE).write_text(provider_override(tree.emulator, region), encoding="utf-8")
    for env_root in tree.roots:
        folder = root / env_root
        (folder / OVERRIDE_FILE).write_text(provider_override(tree.emulator, region, local_backend=True),
                                            encoding="utf-8")
        example, tfvars = folder / "terraform.tfvars.example", folder / "terraform.tfvars"
        if example.exists() and not tfvars.exists():  # emulator only: the example's placeholders will do
            tfvars.write_text(example.read_text(encoding="utf-8"), encoding="utf-8")


def image_tag_keys(root: Path, env_root: str) -> tuple[str, ...]:
    """The service keys of the root's `image_tags` variable (from its tfvars example), or () if it has none."""
    variables = root / env_root / "variables.tf"
    if not variables.exists() or not re.search(r'variable\s+"image_tags"', variables.read_text(encoding="utf-8")):
        return ()
    for name in ("terraform.tfvars.example", "terraform.tfvars"):
        path = root / env_root / name
        if path.exists():
            block = re.search(r"^image_tags\s*=\s*\{(.*?)^\}", path.read_text(encoding="utf-8"), re.S | re.M)
            if block:
                return tuple(re.findall(r"^\s*([A-Za-z0-9_-]+)\s*=", block.group(1), re.M))
    return ()


def _plan_file(env: str, version: str, chdir: str, root_dir: str) -> str:
    """The saved plan's path as terraform sees it after -chdir (kept under .launchbay/, never in the kit)."""
    name = re.sub(r"[^A-Za-z0-9]+", "-", root_dir).strip("-")
    return os.path.relpath(f"{PLAN_DIR}/{env}/{name}-{version}.tfplan", chdir)


def _init(chdir: str, tree: TerraformTree, extra: tuple[str, ...] = ()) -> Command:
    plugin = (f"-plugin-dir={tree.mirror}",) if tree.mirror else ()
    return Command(("terraform", f"-chdir={chdir}", "init", "-input=false", *plugin, *extra))


def _s3_backend(root: Path, env_root: str) -> bool:
    backend = root / env_root / "backend.tf"
    return backend.exists() and 'backend "s3"' in backend.read_text(encoding="utf-8")


def root_steps(root: Path, tree: TerraformTree, env: str, version: str, *, targets: tuple[str, ...] = (),
               title: str = "") -> list[Step]:
    """init → plan -out → apply of the saved plan, for every environment root (image tags set to `version`)."""
    steps: list[Step] = []
    real_backend = tree.emulator is None and tree.bootstrap is not None
    for env_root in tree.roots:
        label = env_root.removeprefix(tree.base + "/")
        backend: tuple[str, ...] = ()
        if real_backend and _s3_backend(root, env_root):
            backend = ("-backend-config=bucket=${state_bucket}",)
        steps.append(Step("infra", f"{title}terraform init ({label})", _init(env_root, tree, backend)))
        plan_file = _plan_file(env, version, env_root, env_root.removeprefix(tree.base + "/"))
        args = ["terraform", f"-chdir={env_root}", "plan", "-input=false", f"-out={plan_file}"]
        keys = image_tag_keys(root, TF_DIR + env_root.removeprefix(tree.base))  # the kit's files, not the copy
        if keys:
            args.append("-var=image_tags=" + json.dumps({k: version for k in keys}, separators=(",", ":")))
        args += [f"-target={t}" for t in targets]
        steps.append(Step("infra", f"{title}terraform plan ({label})", Command(tuple(args))))
        steps.append(Step("infra", f"{title}terraform apply of the saved plan ({label})",
                          Command(("terraform", f"-chdir={env_root}", "apply", "-input=false", plan_file))))
    return steps


def infra_steps(root: Path, tree: TerraformTree, env: str, version: str, *,
                targets: tuple[str, ...] = ()) -> list[Step]:
    """The bootstrap (when it has no state yet), the state bucket's name, then every environment root."""
    steps: list[Step] = []
    if tree.emulator is not None and tree.bootstrap:
        steps.append(Step("infra", "bootstrap root not applied", note=(
            "against the emulator each root keeps its state locally in the copy, so no state bucket is needed")))
    elif tree.bootstrap and tree.needs_bootstrap(root):
        boot = tree.bootstrap
        plan_file = _plan_file(env, version, boot, "bootstrap")
        steps += [
            Step("infra", "terraform init (bootstrap: no state yet)", _init(boot, tree)),
            Step("infra", "terraform plan (bootstrap)",
                 Command(("terraform", f"-chdir={boot}", "plan", "-input=false", f"-out={plan_file}"))),
            Step("infra", "terraform apply of the saved plan (bootstrap)",
                 Command(("terraform", f"-chdir={boot}", "apply", "-input=false", plan_file))),
        ]
    return steps + state_bucket_step(root, tree) + root_steps(root, tree, env, version, targets=targets)


def state_bucket_step(root: Path, tree: TerraformTree) -> list[Step]:
    """`${state_bucket}` from the bootstrap's output, when an environment root keeps its state in S3."""
    if tree.emulator is None and tree.bootstrap and any(_s3_backend(root, r) for r in tree.roots):
        return [Step("infra", "state bucket name (bootstrap output)", Command(
            ("terraform", f"-chdir={tree.bootstrap}", "output", "-raw", "state_bucket"), capture="state_bucket"))]
    return []


def missing_inputs(root: Path, tree: TerraformTree) -> list[str]:
    """Env roots whose terraform.tfvars (operator-filled, kept out of git) does not exist yet."""
    if tree.emulator is not None:
        return []
    roots = list(tree.roots)
    if tree.bootstrap is not None and tree.needs_bootstrap(root):
        roots.insert(0, tree.bootstrap)  # the bootstrap asks for the repository the CI roles trust
    return [f"{r}/terraform.tfvars" for r in roots
            if (root / r / "terraform.tfvars.example").exists() and not (root / r / "terraform.tfvars").exists()]
