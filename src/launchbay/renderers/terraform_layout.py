"""The shape of the Terraform kit shared by its parts: the environment-independent layout (which
modules exist, with which options), the per-root records (module calls, inputs, outputs) and the
small HCL helpers that write them."""

from __future__ import annotations

from dataclasses import dataclass, field

from launchbay.models.design import Design
from launchbay.renderers import terraform_facts as facts
from launchbay.renderers.terraform_hcl import HclValue, Raw, align, quote, value

POSTGRES_MAJOR = "16"  # the Design carries no engine version yet: current RDS default major
REDIS_VERSION = "7.1"
AZ_SUFFIXES = ("a", "b")  # two AZs (the plan prices two), pinned so the set never grows by itself
PORTS = {"postgres": 5432, "redis": 6379}
ROOT_TF = ">= 1.10.0"  # S3 lock files (use_lockfile) need 1.10
MODULE_TF = ">= 1.6.0"
EXAMPLE_ID = "00000000-0000-0000-0000-000000000000"  # a well-formed placeholder in tfvars examples
AWS_PROVIDER = "~> 5.0"


@dataclass
class Module:
    name: str
    args: dict[str, HclValue]
    comment: str = ""


@dataclass
class Variable:
    name: str
    description: str
    type: str
    default: HclValue = None
    has_default: bool = False
    validation: tuple[str, str] | None = None
    example: HclValue = None
    note: str = ""  # when set (an optional variable), the tfvars example shows it commented out under this note


@dataclass
class Root:
    """Everything one environment root renders: module calls, inputs, outputs, example values."""

    env: str
    name: str
    modules: list[Module] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)
    outputs: list[tuple[str, str, str]] = field(default_factory=list)
    dr_region: str | None = None
    edge_region: str | None = None  # a provider for CloudFront's web ACL (us-east-1), when one exists


@dataclass(frozen=True)
class Layout:
    """Env-independent shape of the kit (which modules exist and with which options)."""

    platform: str
    services: tuple[facts.Service, ...]
    default: facts.Service | None
    secrets: tuple[str, ...]
    postgres: bool
    redis: bool
    domain: facts.Domain | None
    dr_region: str | None
    sites: tuple[facts.Service, ...]

    @property
    def http(self) -> bool:
        return self.default is not None

    @property
    def containers(self) -> bool:
        return self.platform == "containers"

    @property
    def data(self) -> bool:
        return self.platform != "vm" and (self.postgres or self.redis)

    @property
    def dns(self) -> bool:
        """Route 53 records (and, for a load balancer, a DNS-validated certificate) for the domain."""
        return self.domain is not None and self.domain.route53 and (self.http or self.platform == "vm")

    def routed(self) -> tuple[facts.Service, ...]:
        """HTTP services reached by their own host name (all but the default one)."""
        return tuple(s for s in self.services if s.http and s is not self.default)


def layout(design: Design) -> Layout:
    # Only the services that run on the design's platform (a retargeted design may mix targets).
    svcs = facts.services(design, {design.platform})
    envs = design.environments
    return Layout(
        platform=design.platform,
        services=svcs,
        default=facts.default_service(svcs) if design.platform == "containers" else None,
        secrets=tuple(sorted({*facts.secret_names(svcs), *_stack_secrets(design), *_chain_secrets(design, svcs)})),
        postgres=any(facts.managed_store(design, "postgres", e) for e in envs),
        redis=any(facts.managed_store(design, "redis", e) for e in envs),
        domain=facts.domain(design),
        dr_region=facts.dr_region(design) if design.platform != "vm" else None,
        sites=facts.static_sites(design),
    )


def _stack_secrets(design: Design) -> tuple[str, ...]:
    """Secrets the monitoring (and the VM's chain) stack read from the same store: created with the app's."""
    # Imported here: the stacks' modules reach this one through the monitoring renderer (import cycle).
    from launchbay.renderers.terraform_eks import stack_secret_names

    return stack_secret_names(design)


def _chain_secrets(design: Design, svcs: tuple[facts.Service, ...]) -> tuple[str, ...]:
    """Secrets the chain services beside the services read (provider keys, reference RPC URLs), any environment."""
    from launchbay.renderers.chain_services import chain_secret_names

    if not svcs:
        return ()
    return tuple(sorted({n for env in design.environments for n in chain_secret_names(design, env)}))


def ref(expr: str) -> Raw:
    return Raw(expr)


def host_expr(env: str, production: str, sub: str | None = None) -> Raw:
    """A host name built from var.domain_name: `api.staging.<domain>` and the like."""
    parts = ([sub] if sub else []) + ([] if env == production else [env])
    lead = "".join(f"{p}." for p in parts)
    return Raw("var.domain_name" if not lead else f'"{lead}${{var.domain_name}}"')


def secret_ref(name: str) -> Raw:
    return Raw(f"module.secrets.secret_arns[{quote(name)}]")


def secrets_key(lay: Layout) -> HclValue:
    return ref("module.secrets.kms_key_arn") if lay.secrets else ref("module.kms.key_arn")


def variable_block(v: Variable) -> str:
    head = [("description", quote(v.description))]
    lines = [f'variable "{v.name}" {{']
    if "\n" in v.type:
        lines += align(head, 1)
        lines.append(f"  type = {v.type.replace(chr(10), chr(10) + '  ')}")
        tail = [("default", value(v.default, 1))] if v.has_default else []
        lines += align(tail, 1)
    else:
        pairs = [*head, ("type", v.type)]
        if v.has_default:
            pairs.append(("default", value(v.default, 1)))
        lines += align(pairs, 1)
    if v.validation:
        lines += ["", "  validation {", *align([("condition", v.validation[0]),
                                                 ("error_message", quote(v.validation[1]))], 2), "  }"]
    lines.append("}")
    return "\n".join(lines)


def output_block(name: str, description: str, expr: str) -> str:
    return "\n".join([f'output "{name}" {{', *align([("description", quote(description)), ("value", expr)], 1), "}"])
