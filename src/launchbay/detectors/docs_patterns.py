"""The vocabulary the docs detector looks for: compliance regimes, scale targets, technologies,
integrations, and the headings under which goals, features and debt are listed.

Every pattern carries its *gate*: lowercase letter-only words at least one of which appears in any
text the pattern can match. The detector splits a line into such words once and runs a pattern
only when its gate is hit, so the many prose lines of a long doc cost one tokenisation each."""

from __future__ import annotations

import re
from collections.abc import Callable

BULLET = re.compile(r"^(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?")

COMPLIANCE: tuple[tuple[str, re.Pattern[str], frozenset[str]], ...] = tuple(
    (name, pattern, frozenset(gate.split()))
    for name, pattern, gate in (
        ("SOC 2", re.compile(r"\bSOC[\s-]?(?:2|II)\b", re.I), "soc"),
        ("ISO 27001", re.compile(r"\bISO[/\s-]?(?:IEC\s)?27001\b", re.I), "iso"),
        ("GDPR", re.compile(r"\bGDPR\b"), "gdpr"),
        ("HIPAA", re.compile(r"\bHIPAA\b"), "hipaa"),
        ("PCI DSS", re.compile(r"\bPCI[\s-]?DSS\b", re.I), "pci"),
        ("CCPA", re.compile(r"\bCCPA\b"), "ccpa"),
        ("MiCA", re.compile(r"\bMiCA\b"), "mica"),
        ("KYC/AML", re.compile(r"\b(?:KYC|AML)\b"), "kyc aml"),
        ("FedRAMP", re.compile(r"\bFedRAMP\b", re.I), "fedramp"),
    )
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


def _latency(m: re.Match[str]) -> int:
    ms = float(m.group("ms") or m.group("ms2"))
    if (m.group("unit") or m.group("unit2") or "ms").lower().startswith("s"):
        ms *= 1000
    return int(ms)


def _percentile(p: str) -> str:
    """`p95 < 100ms`, `p95 latency under 300 ms`, `< 100ms p95`, `100 ms (p95)`: the figure next to
    the percentile. A figure directly followed by another percentile (`p95 100ms p99 300ms`) is that
    one's, and the gap never crosses another percentile."""
    value = r"(?<![\d.])(?P<ms{s}>\d+(?:\.\d+)?)\s*(?P<unit{s}>ms|milliseconds|s|seconds)\b"
    return (
        value.format(s="") + rf"\s*\(?\s*{p}\b"
        + rf"|\b{p}\b(?:(?!\bp\d\d\b)[^.;\n]){{0,40}}?" + value.format(s="2") + r"(?!\s*\(?\s*p\d\d\b)"
    )


Normaliser = Callable[[re.Match[str]], "int | str | None"]


def _gate(words: str) -> frozenset[str]:
    return frozenset(words.split())


TARGETS: tuple[tuple[str, re.Pattern[str], Normaliser, frozenset[str]], ...] = (
    ("uptime", re.compile(
        r"(?P<u>\d{2}(?:\.\d+)?)\s*%\s*(?:uptime|availability|SLA|SLO)"
        r"|(?:uptime|availability)(?:\s+(?:of|target|SLA|SLO|goal))*\s*(?:[:=≥>]|of|at least)?\s*"
        r"(?P<u2>\d{2}(?:\.\d+)?)\s*%",
        re.I), lambda m: _uptime_any(m), _gate("uptime availability sla slas slo slos")),
    ("rps", re.compile(_NUM + r"\s*(?:requests?\s*(?:per|/)\s*(?:second|sec|s)\b|req/s\b|RPS\b)", re.I), _number,
     _gate("request requests req rps")),
    ("dau", re.compile(_NUM + r"\s*(?:daily active users|DAU\b)", re.I), _number, _gate("daily dau")),
    ("mau", re.compile(_NUM + r"\s*(?:monthly active users|MAU\b)", re.I), _number, _gate("monthly mau")),
    ("latency_p95_ms", re.compile(_percentile("p95"), re.I), _latency, _gate("p")),
    ("latency_p99_ms", re.compile(_percentile("p99"), re.I), _latency, _gate("p")),
    ("data_volume_gb", re.compile(
        r"(?P<v>\d+(?:\.\d+)?)\s*(?P<unit>GB|TB)\b(?=[^.\n]{0,40}(?:data|storage|database|per (?:month|year)))",
        re.I), lambda m: _gigabytes(m), _gate("gb tb")),
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
        re.I), _usd, _gate("month mo")),
    ("team_size", re.compile(
        r"\b(?P<t>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few)\s+"
        r"(?:(?:full[- ]time|part[- ]time|backend|platform|devops|ops)\s+)?"
        r"(?:engineers?|developers?|devs|people on the team|maintainers?)\b", re.I), _team_size,
     _gate("engineer engineers developer developers devs people maintainer maintainers")),
)

_CHAINS = r"Ethereum|Base|Optimism|Arbitrum|Polygon|Solana"
TECHNOLOGY = re.compile(
    r"\b(?:PostgreSQL|Postgres|MySQL|MariaDB|MongoDB|Redis|Valkey|SQLite|Kafka|RabbitMQ|NATS|"
    r"Node(?:\.js)?|Python|Go|Rust|TypeScript|Next\.js|FastAPI|Django|Solidity|"
    rf"{_CHAINS}|Cosmos|Bitcoin|Sui|Aptos)"
    r"\s+v?\d{1,3}(?:\.\d+)*\b"  # a major version has at most three digits: "Base 8453" is a chain id
    rf"|\b(?:{_CHAINS}|Avalanche|BNB Chain|Sepolia|Base Sepolia)"
    r"\s+(?:mainnet|testnet|devnet|L2)\b",
    re.I,
)
TECHNOLOGY_GATE = _gate(
    "postgresql postgres mysql mariadb mongodb redis valkey sqlite kafka rabbitmq nats node python go rust "
    "typescript next fastapi django solidity ethereum base optimism arbitrum polygon solana cosmos bitcoin "
    "sui aptos avalanche bnb sepolia"
)

# (name, pattern, gate words: one per alternative of the pattern, lowercase letters only)
INTEGRATIONS: tuple[tuple[str, re.Pattern[str], frozenset[str]], ...] = tuple(
    (name, re.compile(r"\b(?:" + pattern + r")\b", re.I), _gate(gate or name.lower()))
    for name, pattern, gate in (
        ("Alchemy", r"Alchemy", ""), ("Infura", r"Infura", ""), ("QuickNode", r"QuickNode", ""),
        ("Ankr", r"Ankr", ""), ("Chainstack", r"Chainstack", ""), ("Helius", r"Helius", ""),
        ("Tenderly", r"Tenderly", ""), ("Etherscan", r"Etherscan|Basescan", "etherscan basescan"),
        ("WalletConnect", r"WalletConnect|Reown", "walletconnect reown"), ("MetaMask", r"MetaMask", ""),
        ("Privy", r"Privy", ""), ("Dynamic", r"Dynamic\.xyz", "dynamic"), ("RainbowKit", r"RainbowKit", ""),
        ("Sign-In with Ethereum", r"SIWE|Sign[- ]In[- ]With[- ]Ethereum", "siwe sign"),
        ("Auth0", r"Auth0", "auth"), ("Clerk", r"Clerk", ""), ("Supabase", r"Supabase", ""),
        ("Firebase", r"Firebase", ""), ("Stripe", r"Stripe", ""), ("Sentry", r"Sentry", ""),
        ("Datadog", r"Datadog", ""), ("Twilio", r"Twilio", ""), ("SendGrid", r"SendGrid", ""),
        ("Postmark", r"Postmark", ""), ("Discord", r"Discord", ""), ("Telegram", r"Telegram", ""),
        ("Slack", r"Slack", ""), ("The Graph", r"The Graph", "graph"), ("Pinata", r"Pinata", ""),
        ("Chainlink", r"Chainlink", ""), ("Coinbase", r"Coinbase", ""),
        ("Safe", r"Safe\{Wallet\}|Gnosis Safe", "safe"), ("Fireblocks", r"Fireblocks", ""),
        ("OpenAI", r"OpenAI", ""), ("Cloudflare", r"Cloudflare", ""), ("Vercel", r"Vercel", ""),
        ("PagerDuty", r"PagerDuty", ""),
    )
)
INTEGRATION_GATE = frozenset().union(*(gate for _, _, gate in INTEGRATIONS))

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
TECH_DEBT_GATE = _gate("debt todo fixme follow future known deferred workaround implemented scope")
INFRA_WORDS = re.compile(
    r"\b(?:deploy(?:ment|ed|ing)?|infrastructure|docker|container|kubernetes|k8s|terraform|"
    r"CI/CD|monitoring|alert(?:ing|s)?|backups?|scal(?:e|ing)|rate[- ]limit(?:ing)?|"
    r"environment variables?|env vars?|secrets?|migrations?|load balancer|CDN|TLS|SSL)\b",
    re.I,
)
INFRA_GATE = _gate(
    "deploy deployment deployed deploying infrastructure docker container kubernetes k terraform ci monitoring "
    "alert alerting alerts backup backups scale scaling rate environment env secret secrets migration migrations "
    "load cdn tls ssl"
)

PORT_MENTION = re.compile(
    r"(?:(?:listens?|runs?|serves?|available|exposed|starts?)\s+(?:\w+\s+){0,3}?on\s+port\s+|"
    r"\bport\s+(?:is\s+|of\s+)?|localhost:|127\.0\.0\.1:|0\.0\.0\.0:)(?P<port>\d{2,5})\b",
    re.I,
)

# ----------------------------------------------------------------------------- review verdicts
# A review note is full of prose that says "rejected" or "approved" about other things ("absolute
# paths rejected", "approved by the PRD"). Only a verdict-like line decides: a label such as
# "**Verdict:**" / "## Decision:" / "Status:" followed by its value, or a line (or heading) that
# opens with the verdict itself ("All good.", "APPROVED - ...", "Changes required: ..."). Underscores
# count as separators so "CHANGES_REQUIRED" and "REVIEW_APPROVED" read as words.
_NOT_ALNUM_BEFORE, _NOT_ALNUM_AFTER = r"(?<![^\W_])", r"(?![^\W_])"
_VERDICT = re.compile(
    _NOT_ALNUM_BEFORE
    + r"(?:(?P<no>changes[\s_-]+(?:required|requested)|not[\s_-]+approved|needs[\s_-]+(?:revision|changes)"
    r"|rejected)|(?P<ok>all[\s_-]+good|approved|lgtm|ready[\s_-]+for[\s_-]+(?:production|deployment)))"
    + _NOT_ALNUM_AFTER,
    re.I,
)
_LABEL = re.compile(r"(?:verdict|decision|status|outcome|result|approval)[*_\s]*(?::|—|–|-\s)", re.I)
# after an opening verdict: the end, punctuation (", — ( : ."), or a qualifier ("approved for staging")
_VERDICT_TAIL = re.compile(r"\s*(?:$|[^\w\s]|(?:with|for|as|after|by|to|pending)\b)", re.I)
_DECORATION = re.compile(r"^[\W_]+")


def approval_of(line: str) -> str | None:
    """'changes-requested', 'approved' or None for one line of a review note (None unless verdict-like)."""
    stripped = line.strip().lstrip("#>").strip()
    if BULLET.match(stripped):
        return None  # list items are tasks and their statuses, not the note's verdict
    body = _DECORATION.sub("", stripped)
    label = _LABEL.match(body)
    if label:
        m = _VERDICT.search(body, label.end(), label.end() + 80)
    else:
        m = _VERDICT.match(body)
        if m and not _VERDICT_TAIL.match(body, m.end()):
            m = None
    if m is None:
        return None
    return "changes-requested" if m.group("no") else "approved"
