"""Alertmanager routing from the Design's alert channels: one receiver per severity, secrets read from
files (never written), critical inhibiting warning and warning inhibiting info for the same target.

Alertmanager 0.25 (what `amtool check-config` here checks) has `*_file` fields for Slack, PagerDuty,
Opsgenie and email, but not for Discord or Telegram. Discord accepts Slack-format messages on its
webhook URL with `/slack` appended, so Discord goes through `slack_configs` with `api_url_file`.
Telegram's receiver needs the bot token inline in 0.25, so it goes to a webhook relay (an open item
the docs name) rather than putting a token in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from launchbay.models.kit import KitFile
from launchbay.renderers.monitoring_facts import Facts
from launchbay.renderers.monitoring_rules import MONITORING_DIR, SEVERITIES, dump_yaml

SECRET_NAME = "launchbay-alertmanager"  # the Kubernetes Secret (and the VM's secrets directory name)
SECRETS_DIR = f"/etc/alertmanager/secrets/{SECRET_NAME}"
PAGING = ("pagerduty", "opsgenie")
CHAT = ("slack", "discord", "email", "telegram")
TELEGRAM_RELAY = "http://alertmanager-telegram-relay:8080/alert"
OFF_HOURS = "outside-business-hours"


@dataclass(frozen=True)
class SecretFile:
    """A secret the receivers read from a file: its key in the store and where Alertmanager finds it."""

    channel: str
    key: str
    store_name: str
    meaning: str

    @property
    def path(self) -> str:
        return f"{SECRETS_DIR}/{self.key}"


SECRETS = {
    "slack": SecretFile("slack", "slack_webhook_url", "ALERTMANAGER_SLACK_WEBHOOK_URL", "Slack incoming-webhook URL"),
    "discord": SecretFile("discord", "discord_webhook_url", "ALERTMANAGER_DISCORD_WEBHOOK_URL",
                          "Discord webhook URL with `/slack` appended"),
    "pagerduty": SecretFile("pagerduty", "pagerduty_routing_key", "ALERTMANAGER_PAGERDUTY_ROUTING_KEY",
                            "PagerDuty Events API v2 integration (routing) key"),
    "opsgenie": SecretFile("opsgenie", "opsgenie_api_key", "ALERTMANAGER_OPSGENIE_API_KEY", "Opsgenie API key"),
    "email": SecretFile("email", "smtp_password", "ALERTMANAGER_SMTP_PASSWORD", "SMTP password"),
}


def channels(f: Facts) -> tuple[str, ...]:
    known = (*PAGING, *CHAT)
    return tuple(c for c in known if c in f.design.monitoring.alert_channels)


def secret_files(f: Facts) -> tuple[SecretFile, ...]:
    return tuple(SECRETS[c] for c in channels(f) if c in SECRETS)


def paging_enabled(f: Facts) -> bool:
    return f.design.monitoring.paging not in ("none", "no")


def business_hours(f: Facts) -> bool:
    return f.design.monitoring.oncall == "business-hours"


def _configs(f: Facts, channel: str, severity: str) -> tuple[str, dict[str, Any]]:
    title = f"[{severity.upper()}] {f.project}: " + "{{ .CommonLabels.alertname }}"
    text = ("{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.description }}\n"
            "Runbook: {{ .Annotations.runbook_url }}\n{{ end }}")
    if channel in ("slack", "discord"):
        return "slack_configs", {"api_url_file": SECRETS[channel].path, "send_resolved": True, "title": title,
                                 "text": text}
    if channel == "pagerduty":
        return "pagerduty_configs", {"routing_key_file": SECRETS["pagerduty"].path, "send_resolved": True,
                                     "severity": severity, "description": title}
    if channel == "opsgenie":
        return "opsgenie_configs", {"api_key_file": SECRETS["opsgenie"].path, "send_resolved": True,
                                    "message": title, "priority": {"critical": "P1", "warning": "P3"}.get(severity,
                                                                                                           "P5")}
    if channel == "email":
        domain = f.domain or "example.com"
        return "email_configs", {"to": f"oncall@{domain}", "from": f"alertmanager@{domain}",
                                 "smarthost": f"smtp.{domain}:587", "auth_username": f"alertmanager@{domain}",
                                 "auth_password_file": SECRETS["email"].path, "send_resolved": True,
                                 "headers": {"Subject": title}}
    return "webhook_configs", {"url": TELEGRAM_RELAY, "send_resolved": True}


def receivers_for(f: Facts, severity: str) -> tuple[str, ...]:
    """Channels a severity goes to: critical pages (and posts to chat); the rest go to chat only."""
    chosen = channels(f)
    paging = tuple(c for c in chosen if c in PAGING) if paging_enabled(f) else ()
    chat = tuple(c for c in chosen if c in CHAT)
    if severity == "critical":
        return paging + chat or chosen
    return chat or tuple(c for c in chosen if c in PAGING)


def config(f: Facts) -> dict[str, Any]:
    receivers: list[dict[str, Any]] = []
    routes: list[dict[str, Any]] = []
    for severity in SEVERITIES:
        receiver: dict[str, Any] = {"name": severity}
        for channel in receivers_for(f, severity):
            key, body = _configs(f, channel, severity)
            receiver.setdefault(key, []).append(body)
        receivers.append(receiver)
        route: dict[str, Any] = {"receiver": severity, "matchers": [f'severity="{severity}"']}
        route["repeat_interval"] = {"critical": "1h", "warning": "4h", "info": "24h"}[severity]
        if severity != "critical" and business_hours(f):
            route["mute_time_intervals"] = [OFF_HOURS]
        routes.append(route)
    out: dict[str, Any] = {
        "route": {"receiver": "warning", "group_by": ["alertname", "job", "instance"], "group_wait": "30s",
                  "group_interval": "5m", "repeat_interval": "4h", "routes": routes},
        "inhibit_rules": [
            {"source_matchers": ['severity="critical"'], "target_matchers": ['severity="warning"'],
             "equal": ["job", "instance"]},
            {"source_matchers": ['severity=~"critical|warning"'], "target_matchers": ['severity="info"'],
             "equal": ["job", "instance"]},
        ],
        "receivers": receivers,
    }
    if business_hours(f):
        out["time_intervals"] = [{"name": OFF_HOURS, "time_intervals": [
            {"weekdays": ["saturday", "sunday"], "location": "UTC"},
            {"weekdays": ["monday:friday"], "location": "UTC",
             "times": [{"start_time": "00:00", "end_time": "09:00"}, {"start_time": "17:00", "end_time": "24:00"}]},
        ]}]
    return out


def alertmanager_file(f: Facts) -> KitFile:
    return KitFile(path=f"{MONITORING_DIR}/alertmanager/alertmanager.yml", content=dump_yaml(config(f)))
