"""Announce a deploy's outcome on the Design's alert channels.

A webhook URL is a credential (whoever has it can post), so it is read only from an environment
variable whose *name* is fixed here and shown in the plan; the URL is never printed or recorded.
Paging channels (PagerDuty, Opsgenie) and email take no deploy notices: they are for alerts.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

from launchbay.deploy_model import Notice
from launchbay.models.design import Design

WEBHOOK_VARS = {"slack": "LAUNCHBAY_SLACK_WEBHOOK_URL", "discord": "LAUNCHBAY_DISCORD_WEBHOOK_URL"}


def notices(design: Design) -> tuple[Notice, ...]:
    out = []
    for channel in design.monitoring.alert_channels:
        var = WEBHOOK_VARS.get(channel)
        out.append(Notice(channel=channel, env_var=var, configured=bool(var and os.environ.get(var))))
    return tuple(out)


def _body(channel: str, text: str) -> bytes:
    key = "content" if channel == "discord" else "text"
    return json.dumps({key: text}).encode("utf-8")


def send(notice: Notice, text: str, *, timeout_s: float = 10) -> str:
    """Post `text` to the channel's webhook; returns what happened, in words (never the URL)."""
    if notice.env_var is None:
        return f"{notice.channel}: takes alerts, not deploy notices (not sent)"
    url = os.environ.get(notice.env_var)
    if not url:
        return f"{notice.channel}: would notify; set {notice.env_var} to send"
    if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        return f"{notice.channel}: {notice.env_var} is not an https URL (not sent)"
    request = urllib.request.Request(url, data=_body(notice.channel, text), method="POST",
                                     headers={"Content-Type": "application/json", "User-Agent": "launchbay"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({})) if "://127.0.0.1" in url or \
        "://localhost" in url else urllib.request.build_opener()
    try:
        with opener.open(request, timeout=timeout_s) as resp:
            return f"{notice.channel}: sent (HTTP {resp.status})"
    except urllib.error.HTTPError as err:
        return f"{notice.channel}: webhook answered HTTP {err.code} (not delivered)"
    except (urllib.error.URLError, OSError) as err:
        return f"{notice.channel}: webhook unreachable ({type(err).__name__})"
