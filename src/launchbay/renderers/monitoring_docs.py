"""Monitoring docs from the same Design and rule groups as the configs: `monitoring.md`, the alert
runbook (one section per alert, its heading the alert name so `runbook_url` anchors resolve),
incident response and troubleshooting. Jinja2 templates under `templates/monitoring/`."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from launchbay.models.kit import KitFile
from launchbay.renderers.monitoring_alertmanager import (
    SECRET_NAME,
    SECRETS_DIR,
    business_hours,
    channels,
    paging_enabled,
    receivers_for,
    secret_files,
)
from launchbay.renderers.monitoring_alerts import backup_age_minutes
from launchbay.renderers.monitoring_cloudwatch import alarms
from launchbay.renderers.monitoring_dashboards import DASHBOARDS_DIR
from launchbay.renderers.monitoring_facts import (
    BACKUP_METRIC,
    BACKUP_TEXTFILE_DIR,
    DURATION_BUCKET,
    REQUESTS,
    Facts,
    number,
)
from launchbay.renderers.monitoring_k8s import BLACKBOX_SERVICE, CHART_VERSION, GRAFANA_ADMIN_SECRET
from launchbay.renderers.monitoring_k8s_secrets import doc_context
from launchbay.renderers.monitoring_rules import (
    MONITORING_DIR,
    SEVERITIES,
    RuleGroup,
    runbook_heading,
    runbook_url,
)
from launchbay.renderers.monitoring_slo import BURN_WINDOWS, threshold
from launchbay.renderers.monitoring_vm import IMAGES, runtime_dir, wants_logs

PAGES = ("monitoring.md", "runbooks/monitoring.md", "runbooks/incident-response.md", "troubleshooting.md")


@cache
def _env() -> Environment:
    return Environment(loader=PackageLoader("launchbay.renderers", "templates/monitoring"), undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)


def _burn(f: Facts) -> list[dict[str, str]]:
    budget = f.error_budget
    if budget is None:
        return []
    return [{"name": w.name, "long": w.long, "short": w.short, "factor": number(w.factor),
             "threshold": number(threshold(w, budget)), "severity": w.severity, "share": w.budget_share,
             "active": "yes" if threshold(w, budget) < 1 else "no (threshold reaches 1)"} for w in BURN_WINDOWS]


def doc_files(f: Facts, groups: tuple[RuleGroup, ...]) -> list[KitFile]:
    env = _env()
    d = f.design
    context = {
        "d": f.design, "f": f, "groups": groups, "mon": MONITORING_DIR, "severities": SEVERITIES,
        "runbook_url": runbook_url, "heading": runbook_heading, "channels": channels(f),
        "routes": {s: receivers_for(f, s) for s in SEVERITIES}, "secrets": secret_files(f),
        "secret_name": SECRET_NAME, "secrets_dir": SECRETS_DIR, "paging": paging_enabled(f),
        "business_hours": business_hours(f), "burn": _burn(f), "budget": number(f.error_budget)
        if f.error_budget is not None else None, "requests": REQUESTS, "duration": DURATION_BUCKET,
        "backup_metric": BACKUP_METRIC, "textfile_dir": BACKUP_TEXTFILE_DIR,
        "backup_age": backup_age_minutes(f), "dashboards_dir": DASHBOARDS_DIR, "images": IMAGES,
        "runtime_dir": runtime_dir(f), "logs": wants_logs(f), "chart_version": CHART_VERSION,
        "blackbox": BLACKBOX_SERVICE, "grafana_secret": GRAFANA_ADMIN_SECRET,
        "alarms": alarms(d) if d.cloud == "aws" else [], "external_secrets": doc_context(f),
    }
    out = []
    for page in PAGES:
        text = env.get_template(page + ".j2").render(**context)
        body = "\n".join(line.rstrip() for line in text.splitlines()).strip("\n") + "\n"
        out.append(KitFile(path=f"{d.docs_root}/{page}", content=body))
    return out
