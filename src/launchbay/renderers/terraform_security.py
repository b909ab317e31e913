"""Security wiring of an environment root: the WAF web ACLs (rate limit from the planned peak, managed
rules, admin allow-list) and the audit trail's retention — figures from `security_facts`."""

from __future__ import annotations

from launchbay.models.design import Design
from launchbay.renderers import security_facts as sec
from launchbay.renderers.terraform_hcl import HclValue, Raw
from launchbay.renderers.terraform_layout import Module, Root, Variable, ref


def wire_waf(design: Design, root: Root, retention: int) -> None:
    """One module call per web ACL; the admin allow-list is a root variable whose default admits nobody."""
    for acl in sec.web_acls(design):
        edge = acl.scope == "CLOUDFRONT"
        args: dict[str, HclValue] = {"source": f"../../modules/{acl.module}"}
        if edge:
            args["providers"] = {"aws": Raw("aws.edge")}
            root.edge_region = sec.EDGE_REGION
        args["name"] = f"{root.name}-edge" if edge else root.name
        if not edge:
            args["kms_key_arn"] = ref("module.kms.key_arn")
        args["log_retention_days"] = retention
        if acl.rate is not None:
            args["rate_limit"] = acl.rate.limit
            args["rate_window_seconds"] = acl.rate.window_seconds
            if not edge:
                args["rate_exempt_cidrs"] = Raw('[for ip in module.network.nat_public_ips : "${ip}/32"]')
        if acl.admin:
            args["admin_allow_cidrs"] = ref("var.admin_allow_cidrs")
            args["admin_path_prefixes"] = ref("var.admin_path_prefixes")
            root.variables.append(Variable(
                "admin_allow_cidrs", "CIDR blocks that may reach the admin paths; empty lets nobody in.",
                "list(string)", [], True, example=["203.0.113.0/24"]))
            root.variables.append(Variable(
                "admin_path_prefixes", "Path prefixes only admin_allow_cidrs may reach.", "list(string)",
                list(sec.ADMIN_PATHS), True))
        what = ("rate limit per address, " if acl.rate else "") + ("admin allow-list, " if acl.admin else "")
        root.modules.append(Module(acl.module, args, comment=f"AWS WAF in front of {acl.fronts}: {what}"
                                                             "managed rules, request logs (security.md)."))
        root.outputs.append((f"{acl.module}_web_acl_arn", f"WAF web ACL in front of {acl.fronts}.",
                             f"module.{acl.module}.web_acl_arn"))


def acl_ref(design: Design, module: str) -> HclValue | None:
    """`module.<waf>.web_acl_arn` when that web ACL exists and Terraform attaches it."""
    found = any(a.module == module and a.associated for a in sec.web_acls(design))
    return ref(f"module.{module}.web_acl_arn") if found else None


def audit_args(design: Design) -> dict[str, HclValue]:
    """The audit module's retention inputs: S3 trail files and the CloudWatch copy."""
    kept = sec.audit_retention(design)
    return {"trail_retention_days": kept.days, "trail_log_retention_days": kept.log_group_days}
