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
    text = env.get_template("fragment.md.j2").render(d=design, f=facts, p=facts.proxy, uid=pins().proxy.uid,
                                                     compiled=pins().compiled, rates=_rates(facts),
                                                     ns=namespace(design), monitoring_ns=MONITORING_NAMESPACE)
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:  # collapse runs of blank lines left by template branches; a heading gets one before it
        if line.startswith("#") and out and out[-1]:
            out.append("")
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n") + "\n"
