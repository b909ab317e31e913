"""The vocabulary the docs detector looks for: compliance regimes, scale targets, technologies,
integrations, and the headings under which goals, features and debt are listed."""

from __future__ import annotations

import re
from collections.abc import Callable

BULLET = re.compile(r"^(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?")

COMPLIANCE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("SOC 2", re.compile(r"\bSOC[\s-]?(?:2|II)\b", re.I)),
    ("ISO 27001", re.compile(r"\bISO[/\s-]?(?:IEC\s)?27001\b", re.I)),
    ("GDPR", re.compile(r"\bGDPR\b")),
    ("HIPAA", re.compile(r"\bHIPAA\b")),
    ("PCI DSS", re.compile(r"\bPCI[\s-]?DSS\b", re.I)),
    ("CCPA", re.compile(r"\bCCPA\b")),
    ("MiCA", re.compile(r"\bMiCA\b")),
    ("KYC/AML", re.compile(r"\b(?:KYC|AML)\b")),
    ("FedRAMP", re.compile(r"\bFedRAMP\b", re.I)),
)

_NUM = r"(?P<n>\d{1,3}(?:[,\s]\d{3})+|\d+(?:\.\d+)?)\s*(?P<k>[kKmM]\b|thousand|million)?"


def _number(m: re.Match[str]) -> int:
    raw = re.sub(r"[,\s]", "", m.group("n"))
    value = float(raw)
    scale = (m.group("k") or "").lower()
    if scale in {"k", "thousand"}:
        value *= 1_000
    elif scale in {"m", "million"}:
        value *= 1_000_000
    return int(value)


def _latency(m: re.Match[str]) -> int | None:
    ms = float(m.group("ms"))
    if (m.group("unit") or "ms").lower().startswith("s"):
        ms *= 1000
    return int(ms)


Normaliser = Callable[[re.Match[str]], "int | str | None"]

TARGETS: tuple[tuple[str, re.Pattern[str], Normaliser], ...] = (
    ("uptime", re.compile(
        r"(?P<u>\d{2}(?:\.\d+)?)\s*%\s*(?:uptime|availability|SLA|SLO)"
        r"|(?:uptime|availability)(?:\s+(?:of|target|SLA|SLO|goal))*\s*(?:[:=≥>]|of|at least)?\s*"
        r"(?P<u2>\d{2}(?:\.\d+)?)\s*%",
        re.I), lambda m: _uptime_any(m)),
    ("rps", re.compile(_NUM + r"\s*(?:requests?\s*(?:per|/)\s*(?:second|sec|s)\b|req/s\b|RPS\b)", re.I), _number),
    ("dau", re.compile(_NUM + r"\s*(?:daily active users|DAU\b)", re.I), _number),
    ("mau", re.compile(_NUM + r"\s*(?:monthly active users|MAU\b)", re.I), _number),
    ("latency_p95_ms", re.compile(
        r"\bp95\b[^.;\n]{0,40}?(?P<ms>\d+(?:\.\d+)?)\s*(?P<unit>ms|milliseconds|s|seconds)\b", re.I), _latency),
    ("latency_p99_ms", re.compile(
        r"\bp99\b[^.;\n]{0,40}?(?P<ms>\d+(?:\.\d+)?)\s*(?P<unit>ms|milliseconds|s|seconds)\b", re.I), _latency),
    ("data_volume_gb", re.compile(
        r"(?P<v>\d+(?:\.\d+)?)\s*(?P<unit>GB|TB)\b(?=[^.\n]{0,40}(?:data|storage|database|per (?:month|year)))",
        re.I), lambda m: _gigabytes(m)),
)


def _uptime_any(m: re.Match[str]) -> str | None:
    raw = m.group("u") or m.group("u2")
    if raw is None:
        return None
    value = float(raw)
    return raw if 90 <= value < 100 else None


def _gigabytes(m: re.Match[str]) -> int:
    value = float(m.group("v"))
    return int(value * 1000) if m.group("unit").upper() == "TB" else int(value)


_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "a couple of": 2, "a few": 3}


def _team_size(m: re.Match[str]) -> int | None:
    raw = m.group("t").lower()
    value = _WORD_NUMBERS.get(raw) or (int(raw) if raw.isdigit() else 0)
    return value if 1 <= value <= 500 else None


def _usd(m: re.Match[str]) -> int:
    value = float(m.group("usd").replace(",", ""))
    return int(value * 1000) if (m.group("usdk") or "").lower() == "k" else int(value)


TARGETS = (
    *TARGETS,
    ("budget_usd_month", re.compile(
        r"(?:\$\s?|\bUSD\s?)(?P<usd>\d[\d,]*(?:\.\d+)?)\s*(?P<usdk>k)?\s*(?:/\s*|per\s+|a\s+)(?:month|mo)\b",
        re.I), _usd),
    ("team_size", re.compile(
        r"\b(?P<t>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few)\s+"
        r"(?:(?:full[- ]time|part[- ]time|backend|platform|devops|ops)\s+)?"
        r"(?:engineers?|developers?|devs|people on the team|maintainers?)\b", re.I), _team_size),
)

TECHNOLOGY = re.compile(
    r"\b(?:PostgreSQL|Postgres|MySQL|MariaDB|MongoDB|Redis|Valkey|SQLite|Kafka|RabbitMQ|NATS|"
    r"Node(?:\.js)?|Python|Go|Rust|TypeScript|Next\.js|FastAPI|Django|Solidity|"
    r"Ethereum|Base|Optimism|Arbitrum|Polygon|Solana|Cosmos|Bitcoin|Sui|Aptos)"
    r"\s+v?\d+(?:\.\d+)*\b"
    r"|\b(?:Ethereum|Base|Optimism|Arbitrum|Polygon|Solana|Avalanche|BNB Chain|Sepolia|Base Sepolia)"
    r"\s+(?:mainnet|testnet|devnet|L2)\b",
    re.I,
)

INTEGRATIONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(r"\b" + pattern + r"\b", re.I if name[0].isupper() else 0))
    for name, pattern in (
        ("Alchemy", r"Alchemy"), ("Infura", r"Infura"), ("QuickNode", r"QuickNode"), ("Ankr", r"Ankr"),
        ("Chainstack", r"Chainstack"), ("Helius", r"Helius"), ("Tenderly", r"Tenderly"),
        ("Etherscan", r"(?:Etherscan|Basescan)"), ("WalletConnect", r"WalletConnect|Reown"),
        ("MetaMask", r"MetaMask"), ("Privy", r"Privy"), ("Dynamic", r"Dynamic\.xyz"),
        ("RainbowKit", r"RainbowKit"), ("Sign-In with Ethereum", r"SIWE|Sign[- ]In[- ]With[- ]Ethereum"),
        ("Auth0", r"Auth0"), ("Clerk", r"Clerk"), ("Supabase", r"Supabase"), ("Firebase", r"Firebase"),
        ("Stripe", r"Stripe"), ("Sentry", r"Sentry"), ("Datadog", r"Datadog"), ("Twilio", r"Twilio"),
        ("SendGrid", r"SendGrid"), ("Postmark", r"Postmark"), ("Discord", r"Discord"),
        ("Telegram", r"Telegram"), ("Slack", r"Slack"), ("The Graph", r"The Graph"),
        ("Pinata", r"Pinata"), ("Chainlink", r"Chainlink"), ("Coinbase", r"Coinbase"),
        ("Safe", r"Safe\{Wallet\}|Gnosis Safe"), ("Fireblocks", r"Fireblocks"), ("OpenAI", r"OpenAI"),
        ("Cloudflare", r"Cloudflare"), ("Vercel", r"Vercel"), ("PagerDuty", r"PagerDuty"),
    )
)

CATEGORY_HEADINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("business_goal", re.compile(r"\b(?:goals?|objectives?|vision|success (?:metrics|criteria)|kpis?)\b")),
    ("critical_feature", re.compile(r"\b(?:features?|functional requirements|mvp|scope|user stories|capabilities)\b")),
    ("security", re.compile(r"\b(?:security|threat model|compliance)\b")),
    ("tech_debt", re.compile(r"\b(?:tech(?:nical)? debt|known (?:issues|limitations)|follow[- ]ups?|future work)\b")),
)

TECH_DEBT_WORDS = re.compile(
    r"\b(?:tech(?:nical)? debt|TODO|FIXME|follow[- ]up|future (?:work|improvement)|known (?:issue|limitation)|"
    r"deferred|workaround|not yet implemented|out of scope)\b",
    re.I,
)
INFRA_WORDS = re.compile(
    r"\b(?:deploy(?:ment|ed|ing)?|infrastructure|docker|container|kubernetes|k8s|terraform|"
    r"CI/CD|monitoring|alert(?:ing|s)?|backups?|scal(?:e|ing)|rate[- ]limit(?:ing)?|"
    r"environment variables?|env vars?|secrets?|migrations?|load balancer|CDN|TLS|SSL)\b",
    re.I,
)

PORT_MENTION = re.compile(
    r"(?:(?:listens?|runs?|serves?|available|exposed|starts?)\s+(?:\w+\s+){0,3}?on\s+port\s+|"
    r"\bport\s+(?:is\s+|of\s+)?|localhost:|127\.0\.0\.1:|0\.0\.0\.0:)(?P<port>\d{2,5})\b",
    re.I,
)

_APPROVED = re.compile(r"\b(?:all good|approved|lgtm|ready for (?:production|deployment))\b", re.I)
_CHANGES = re.compile(r"\b(?:changes required|changes requested|not approved|blocking issues?|rejected)\b", re.I)


def approval_of(line: str) -> str | None:
    """'changes-requested', 'approved' or None for one line of a review note."""
    if _CHANGES.search(line):
        return "changes-requested"
    if _APPROVED.search(line):
        return "approved"
    return None
