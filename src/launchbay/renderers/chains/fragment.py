"""The Markdown fragment about the chain kit (Jinja, from the facts only): included in
`blockchain-ops.md` and written as `deploy/chains/README.md`."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

from launchbay.models.design import Design
from launchbay.renderers.chains.facts import ChainFacts
from launchbay.renderers.chains.k8s import namespace
from launchbay.renderers.chains.pins import pins
from launchbay.renderers.helm_values import MONITORING_NAMESPACE


def _rates(facts: ChainFacts) -> str:
    return "; ".join(f"{r.max_count}/{r.period} for `{r.method}` ({r.scope})" for r in facts.proxy.rate_limits)


def render_fragment(design: Design, facts: ChainFacts) -> str:
    env = Environment(loader=PackageLoader("launchbay.renderers", "templates/chains"), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    from launchbay.renderers import chain_services as cs  # imports the chain facts' modules (cycle)
    from launchbay.renderers.terraform_chain import operator_names

    tasks = [(e, t) for e, ts in cs.all_tasks(design).items() for t in ts]
    _plain, _secret, operator = cs.exporter_env(design, design.environments[-1]) if tasks else ({}, (), ())
    text = env.get_template("fragment.md.j2").render(
        d=design, f=facts, p=facts.proxy, uid=pins().proxy.uid, compiled=pins().compiled, rates=_rates(facts),
        ns=namespace(design), monitoring_ns=MONITORING_NAMESPACE, tasks=tasks,
        service_names=sorted({t.name for _e, t in tasks if t.port}),
        has_exporter=any(t.kind == "chain-exporter" for _e, t in tasks),
        has_signer=any(t.kind == "web3signer" for _e, t in tasks), gateway_env=cs.gateway_env(design),
        operator=operator_names(design) if design.platform == "containers" else operator)
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:  # collapse runs of blank lines left by template branches; a heading gets one before it
        if line.startswith("#") and out and out[-1]:
            out.append("")
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n") + "\n"
