"""Scale and performance questions: users, request rate, data size, where users are, SLAs.

Figures come from the planning docs' normalised targets (`target.rps`, `target.uptime`…); a lone
process on a local SQLite file gets the smallest figures. Anything else is the user's to state.
"""

from __future__ import annotations

import re

from launchbay.models.answers import allowed_values
from launchbay.questions import signals as sig
from launchbay.questions.base import Context, Option, Question, Recommendation, Recommender, cite, doc_target


def _has_services(ctx: Context) -> bool:
    return bool(ctx.profile.services)


def _serves_http(ctx: Context) -> bool:
    return bool(sig.http_services(ctx.profile))


def _has_store(ctx: Context) -> bool:
    return bool(sig.stores(ctx.profile))


def _from_docs(name: str, what: str, as_int: bool) -> Recommender:
    """Recommend the planning docs' `target.<name>` figure, cited."""

    def recommend(ctx: Context) -> Recommendation | None:
        target = doc_target(ctx.profile, name)
        if target is None:
            return None
        try:
            number = float(str(target[0]))
        except ValueError:
            return None
        value: int | float = int(number) if as_int else number
        return Recommendation(value, f"docs target {value:g} {what} ({cite(target[1])})", (target[1],))

    return recommend


# ----------------------------------------------------------------------------- data volume

_PER_MONTH = re.compile(r"(?:per|a|/)\s*month|monthly", re.I)


def _data(growth: bool, smallest: float, unit: str) -> Recommender:
    """Docs figure for size (or monthly growth when the sentence says "per month"); else the
    smallest figure for a lone SQLite process."""

    def recommend(ctx: Context) -> Recommendation | None:
        for item in ctx.profile.project_facts.get("target.data_volume_gb", ()):
            ev = item.evidence[0]
            if bool(_PER_MONTH.search(ev.quote)) == growth and isinstance(item.value, int):
                return Recommendation(float(item.value), f"docs state {item.value:g} {unit} ({cite(ev)})", (ev,))
        lone = sig.lone_sqlite(ctx.profile)
        if lone is None:
            return None
        return Recommendation(smallest, f"one process on a local SQLite file ({cite(lone)}) → smallest figure",
                              (lone,))

    return recommend


# ----------------------------------------------------------------------------- uptime


def _uptime(ctx: Context) -> Recommendation | None:
    target = doc_target(ctx.profile, "uptime")
    if target is not None:
        try:
            wanted = float(str(target[0]))
        except ValueError:
            wanted = None
        meets = [v for v in allowed_values("scale.uptime_target") if wanted is not None and float(v) >= wanted]
        if meets:
            value = min(meets, key=float)
            exact = "" if float(value) == wanted else f", the nearest level that meets {wanted:g}%"
            return Recommendation(value, f"docs target {value}% uptime{exact} ({cite(target[1])})", (target[1],))
    lone = sig.lone_sqlite(ctx.profile)
    if lone is not None:
        return Recommendation("99.0", f"one instance on a local SQLite file ({cite(lone)}) cannot fail over → "
                                      "single-VM availability", (lone,))
    return None


QUESTIONS: tuple[Question, ...] = (
    Question(
        key="scale.dau", kind="int", when=_has_services, recommend=_from_docs("dau", "daily active users", True),
        prompt="How many daily active users do you expect in the first six months?",
        help="Users drive database size, cache sizing and the request rate the services are sized for.",
        options=(
            Option(100, "About 100", ("fits the smallest instances",), ("no headroom for a launch spike",),
                   "community tools and pilots"),
            Option(5_000, "About 5,000", ("one small database and 1–2 replicas per service",),
                   ("needs caching of hot reads",), "a launched product in its first months"),
            Option(100_000, "About 100,000", ("room to grow without a re-platform",),
                   ("autoscaling, read replicas and a CDN: roughly 10x the cost",), "an established product"),
        ),
    ),
    Question(
        key="scale.peak_rps", kind="float", required=True, when=_serves_http,
        recommend=_from_docs("rps", "requests per second at peak", False),
        prompt="What peak requests per second must production handle?",
        help="Peak, not average, load sets replica counts, instance sizes, database connections and rate limits.",
        options=(
            Option(10.0, "About 10 RPS", ("one small instance per service",), ("a viral moment will throttle",),
                   "pilots, internal tools, partner APIs"),
            Option(100.0, "About 100 RPS", ("2–3 replicas behind a load balancer",),
                   ("needs connection pooling for the database",), "a public app at launch"),
            Option(1000.0, "About 1,000 RPS", ("autoscaling groups, caching tier",),
                   ("several times the cost", "load tests become mandatory"), "large consumer traffic"),
        ),
    ),
    Question(
        key="scale.data_volume_gb", kind="float", when=_has_store, recommend=_data(False, 1.0, "GB of data"),
        prompt="How much data will the databases hold at launch, in GB?",
        help="Size picks the database instance class and disk, and how long a backup or restore takes.",
        options=(
            Option(1.0, "About 1 GB", ("smallest database tier, restores in seconds",),
                   ("will need resizing if usage takes off",), "a single SQLite file or a small pilot"),
            Option(50.0, "About 50 GB", ("standard managed tier",), ("restores take minutes",),
                   "a product with a few thousand users"),
            Option(1000.0, "About 1 TB", ("room for years of history",),
                   ("restores take hours", "storage and backups dominate the bill"), "indexers with long history"),
        ),
    ),
    Question(
        key="scale.data_growth_gb_month", kind="float", when=_has_store,
        recommend=_data(True, 0.1, "GB per month"),
        prompt="How fast will the data grow, in GB per month?",
        help="Growth sets disk headroom, autoscaling storage limits and the backup storage cost over a year.",
        options=(
            Option(0.1, "About 0.1 GB / month", ("fixed small disk lasts for years",), ("none at this size",),
                   "counters and settings, pruned data"),
            Option(5.0, "About 5 GB / month", ("plain storage autoscaling handles it",),
                   ("backup storage grows steadily",), "transaction and event records"),
            Option(100.0, "About 100 GB / month", ("plan partitioning and archiving early",),
                   ("storage becomes a major cost",), "full chain history or logs kept in the database"),
        ),
    ),
    Question(
        key="scale.user_regions", kind="multi", when=_has_services,
        prompt="Where are most of your users located?",
        help="User locations choose the primary region and whether a CDN or a second region pays for itself.",
        options=(
            Option(("north-america",), "North America", ("cheapest regions",), ("slow for EU and Asian users",),
                   "a US-focused product"),
            Option(("europe",), "Europe", ("EU data residency comes for free",), ("slightly dearer regions",),
                   "EU users or GDPR data"),
            Option(("global",), "Worldwide", ("CDN serves static assets close to everyone",),
                   ("API latency stays high far from the region unless you go multi-region",), "consumer web3 apps"),
        ),
    ),
    Question(
        key="scale.latency_p95_ms", kind="int", when=_serves_http,
        recommend=_from_docs("latency_p95_ms", "ms p95 latency", True),
        prompt="What p95 response time must the API meet, in milliseconds?",
        help="Tight latency pushes for caching, a closer region and warm instances; it also sets the alert "
             "threshold.",
        options=(
            Option(200, "200 ms", ("feels instant",), ("needs caching and a nearby region",),
                   "interactive reads in a web app"),
            Option(500, "500 ms", ("reachable with a plain database",), ("noticeable on chained calls",),
                   "APIs that submit transactions"),
            Option(2000, "2 s", ("no tuning needed",), ("users notice the wait",), "batch or back-office endpoints"),
        ),
    ),
    Question(
        key="scale.uptime_target", kind="choice", when=_has_services, recommend=_uptime,
        prompt="Which monthly uptime must production guarantee?",
        help="Each extra nine cuts allowed downtime tenfold (99.9% = 43 min a month) and needs more redundancy "
             "and on-call.",
        options=(
            Option("99.0", "99.0% (~7 h down a month)", ("one instance is enough",),
                   ("deploys and reboots cause visible downtime",), "hobby and internal tools"),
            Option("99.9", "99.9% (~43 min a month)", ("two replicas across zones with health checks",),
                   ("managed database with standby",), "a launched product"),
            Option("99.99", "99.99% (~4 min a month)", ("survives zone and most regional failures",),
                   ("multi-region, 24x7 on-call, several times the cost",), "payments and exchanges"),
        ),
    ),
)
