"""Terraform for AWS designs: local modules in the standard structure, one root per environment and
a bootstrap root for the state bucket — under `deploy/terraform/`. Nothing for other clouds.

HCL comes from Jinja templates (package data) plus `terraform_hcl` for design-driven values, written
already formatted (`terraform fmt -check` passes). Scanner skips are inline comments with a reason in
the generated file; the README lists every one of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from launchbay.models.design import Design
from launchbay.models.kit import KitFile
from launchbay.renderers import ci_roles, monitoring_cloudwatch, security_facts, terraform_chain, terraform_eks
from launchbay.renderers import terraform_facts as facts
from launchbay.renderers.terraform_docs import module_readme, skips_of, top_readme
from launchbay.renderers.terraform_hcl import environment, value
from launchbay.renderers.terraform_layout import (
    AWS_PROVIDER,
    MODULE_TF,
    ROOT_TF,
    Layout,
    Root,
    layout,
    output_block,
    variable_block,
)
from launchbay.renderers.terraform_roots import build_root

BASE = "deploy/terraform"
FILES = ("main.tf", "variables.tf", "outputs.tf")


def _clean(text: str) -> str:
    """LF, no trailing spaces, exactly one final newline (what `terraform fmt` and text_file keep)."""
    return "\n".join(line.rstrip() for line in text.splitlines()).strip("\n") + "\n"


class TerraformRenderer:
    name = "terraform"

    def render(self, design: Design) -> Iterable[KitFile]:
        if design.cloud != "aws":
            return []
        lay = layout(design)
        env = environment()
        out: dict[str, str] = {}
        for module, template, flags in _modules(design, lay):
            for fname in FILES:
                out[f"{BASE}/modules/{module}/{fname}"] = _clean(
                    env.get_template(f"modules/{template}/{fname}.j2").render(**flags))
            out[f"{BASE}/modules/{module}/versions.tf"] = _clean(env.get_template("versions.tf.j2").render(
                required_version=MODULE_TF, aws_version=AWS_PROVIDER, aliases=()))
        roots = [build_root(design, e, lay, i) for i, e in enumerate(design.environments)]
        for root in roots:
            out.update(_root_files(design, root, env))
        out.update(_bootstrap(design, lay, env, out))
        for module, _template, _flags in _modules(design, lay):
            base = f"{BASE}/modules/{module}"
            extra = terraform_eks.readme_section(design) if _template == "compute_eks" else ""
            out[f"{base}/README.md"] = _clean(module_readme(module, {f: out[f"{base}/{f}"] for f in FILES}, extra))
        names = [m for m, _t, _f in _modules(design, lay)]
        out[f"{BASE}/.gitignore"] = _clean(env.get_template("gitignore.j2").render())
        out[f"{BASE}/README.md"] = _clean(top_readme(design, lay, roots, skips_of(out), names))
        return [KitFile(path=p, content=out[p]) for p in sorted(out)]


def _modules(design: Design, lay: Layout) -> list[tuple[str, str, dict[str, Any]]]:
    """(module folder, template folder, template flags) for every module this design needs."""
    base = {"platform": lay.platform}
    mods: list[tuple[str, str, dict[str, Any]]] = [
        ("kms", "kms", base),
        ("network", "network", {**base, "load_balanced": lay.http, "has_app": lay.platform != "vm",
                                "has_data": lay.data}),
    ]
    if lay.secrets:
        mods.append(("secrets", "secrets", base))
    if (lay.containers and lay.services) or lay.platform == "vm":
        mods.append(("iam", "iam", base))
    if lay.data:
        mods.append(("data", "data", {**base, "postgres": lay.postgres, "redis": lay.redis}))
    if lay.containers and lay.services:
        mods.append(("compute", "compute_ecs", {**base, "http": lay.http, "waf": _waf(design, "waf")}))
    elif lay.platform == "vm" and any(facts.vm_instance(design, e) for e in design.environments):
        mods.append(("compute", "compute_vm", base))
    elif lay.platform == "kubernetes" and lay.services and any(facts.eks_nodes(design, e)
                                                               for e in design.environments):
        mods.append(("compute", "compute_eks", {**base, "ebs_csi": bool(terraform_eks.volume_reasons(design)),
                                                "monitoring_account": terraform_eks.monitoring_subject(design)}))
    if terraform_chain.applies(design, lay):
        mods.append((terraform_chain.MODULE, terraform_chain.MODULE, terraform_chain.flags(lay)))
    if lay.dns:
        mods.append(("dns_tls", "dns_tls", {**base, "certificate": lay.containers, "alias": lay.containers}))
    if lay.dr_region and lay.postgres:
        mods.append(("backup_replication", "backup_replication", base))
    mods.append(("audit", "audit", base))
    mods += [(acl.module, "waf", {**base, **acl.flags()}) for acl in security_facts.web_acls(design)]
    if lay.sites:
        mods.append(("static_site", "static_site", {**base, "waf": _waf(design, "waf_edge")}))
    if design.budget.budget_usd is not None:
        mods.append(("budgets", "budgets", base))
    if monitoring_cloudwatch.applies(design, lay):
        mods.append(("monitoring", "monitoring", monitoring_cloudwatch.flags(design, lay)))
    return mods


def _waf(design: Design, module: str) -> bool:
    """Whether the web ACL of that module fronts (and Terraform attaches it to) the resource."""
    return any(acl.module == module and acl.associated for acl in security_facts.web_acls(design))


def _root_files(design: Design, root: Root, env: Any) -> dict[str, str]:
    base = f"{BASE}/envs/{root.env}"
    tags = {"Project": design.project, "Environment": root.env, "ManagedBy": "launchbay"}
    main = env.get_template("envs/main.tf.j2").render(project=design.project, env=root.env, tags=tags,
                                                      modules=root.modules, dr_region=root.dr_region,
                                                      edge_region=root.edge_region)
    variables = env.get_template("envs/blocks.tf.j2").render(blocks=[variable_block(v) for v in root.variables])
    outputs = env.get_template("envs/blocks.tf.j2").render(blocks=[output_block(*o) for o in root.outputs])
    backend = env.get_template("envs/backend.tf.j2").render(
        state_key=f"{facts.slug(design.project)}/{root.env}/terraform.tfstate", region=design.region)
    examples = [(v.name, value(v.example if v.example is not None else v.default), _note_lines(v.note))
                for v in root.variables]
    tfvars = env.get_template("envs/terraform.tfvars.example.j2").render(tfvars=examples)
    versions = env.get_template("versions.tf.j2").render(required_version=ROOT_TF, aws_version=AWS_PROVIDER,
                                                         aliases=())
    return {f"{base}/main.tf": _clean(main), f"{base}/variables.tf": _clean(variables),
            f"{base}/outputs.tf": _clean(outputs), f"{base}/backend.tf": _clean(backend),
            f"{base}/versions.tf": _clean(versions), f"{base}/terraform.tfvars.example": _clean(tfvars)}


def _note_lines(note: str, width: int = 98) -> list[str]:
    """A note as `# ` comment lines of at most `width` characters (empty: the example is not commented)."""
    lines: list[str] = []
    for word in note.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(f"# {word}")
    return lines


def _bootstrap(design: Design, lay: Layout, env: Any, rendered: dict[str, str]) -> dict[str, str]:
    base = f"{BASE}/bootstrap"
    zone = lay.dns
    flags = {"project": design.project, "slug": facts.slug(design.project, 30), "region": design.region,
             "zone": zone, "domain": lay.domain.name if lay.domain else None,
             **ci_roles.bootstrap_flags(design, rendered)}  # the CI roles (ci.tf), from the modules and roots
    out = {f"{base}/{f}": _clean(env.get_template(f"bootstrap/{f}.j2").render(**flags)) for f in FILES}
    if flags["ci"] is not None:
        for name in ("ci.tf", "terraform.tfvars.example"):
            out[f"{base}/{name}"] = _clean(env.get_template(f"bootstrap/{name}.j2").render(**flags))
    out[f"{base}/versions.tf"] = _clean(env.get_template("versions.tf.j2").render(
        required_version=MODULE_TF, aws_version=AWS_PROVIDER, aliases=()))
    out[f"{base}/README.md"] = _clean(env.get_template("bootstrap/README.md.j2").render(**flags))
    return out
