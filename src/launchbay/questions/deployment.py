"""Deployment environment questions: which cloud, where, how many environments, which domain.

Recommendations come only from code that already ties the project to a cloud, from compliance
and chain facts, or from earlier answers; the cloud itself is left to the user otherwise.
"""

from __future__ import annotations

import re

from launchbay.questions import signals as sig
from launchbay.questions.base import Context, Option, Question, Recommendation, cite, doc_target

# ----------------------------------------------------------------------------- cloud

_CLOUD_ENV = (
    ("aws", re.compile(r"^AWS_(?:REGION|DEFAULT_REGION|ROLE_ARN|PROFILE)$")),
    ("gcp", re.compile(r"^(?:GOOGLE_CLOUD_PROJECT|GOOGLE_APPLICATION_CREDENTIALS|GC(?:P|LOUD)_PROJECT(?:_ID)?)$")),
    ("azure", re.compile(r"^AZURE_")),
)


# A stated monthly budget at or below this cannot pay for a managed cloud's load balancer (≈ USD 16+/month on
# AWS before any compute), so the only honest recommendation is a small VPS or own server.
SMALL_VPS_BUDGET_USD = 20


def _cloud(ctx: Context) -> Recommendation | None:
    hits = {cloud: reads[0] for cloud, pattern in _CLOUD_ENV if (reads := sig.env_reads(ctx.profile, pattern))}
    budget = doc_target(ctx.profile, "budget_usd_month")
    if not hits and budget is not None and int(str(budget[0])) <= SMALL_VPS_BUDGET_USD:
        value, ev = budget
        return Recommendation("self-hosted", f"docs cap hosting at USD {value}/month ({cite(ev)}) → only a small VPS "
                              "fits; a managed cloud's load balancer alone costs more", (ev,))
    if len(hits) != 1:
        return None  # nothing ties the code to a cloud, or it talks to several: the user decides
    cloud, (name, ev) = next(iter(hits.items()))
    return Recommendation(cloud, f"code reads {name} ({cite(ev)}) → it already talks to {cloud}", (ev,))


# ----------------------------------------------------------------------------- region

_REGIONS: dict[str, dict[str, str]] = {
    "europe": {"aws": "eu-central-1", "gcp": "europe-west3", "azure": "germanywestcentral"},
    "north-america": {"aws": "us-east-1", "gcp": "us-east4", "azure": "eastus"},
    "south-america": {"aws": "sa-east-1", "gcp": "southamerica-east1", "azure": "brazilsouth"},
    "asia": {"aws": "ap-southeast-1", "gcp": "asia-southeast1", "azure": "southeastasia"},
    "oceania": {"aws": "ap-southeast-2", "gcp": "australia-southeast1", "azure": "australiaeast"},
    "africa": {"aws": "af-south-1", "gcp": "africa-south1", "azure": "southafricanorth"},
}


def _public_cloud(ctx: Context) -> bool:
    return sig.text(ctx, "deployment.cloud") in sig.PUBLIC_CLOUDS


def _region(ctx: Context) -> Recommendation | None:
    cloud = sig.text(ctx, "deployment.cloud")
    if cloud not in sig.PUBLIC_CLOUDS:
        return None
    users = sig.names(ctx, "scale.user_regions")
    if len(users) == 1 and users[0] in _REGIONS:
        region = _REGIONS[users[0]][cloud]
        return Recommendation(region, f"{sig.said('scale.user_regions', users)} → {region} on {cloud} is closest")
    if "gdpr" in sig.names(ctx, "security.compliance"):
        return Recommendation(_REGIONS["europe"][cloud],
                              f"{sig.said('security.compliance', ('gdpr',))} → keep personal data in an EU region")
    gdpr = sig.doc_compliance(ctx.profile)[0].get("gdpr")
    if gdpr is None:
        return None
    return Recommendation(_REGIONS["europe"][cloud],
                          f"GDPR applies ({cite(gdpr)}) → keep personal data in an EU region on {cloud}", (gdpr,))


# ----------------------------------------------------------------------------- multi-region


def _multi_region(ctx: Context) -> Recommendation | None:
    target = sig.uptime(ctx)
    if target is not None:
        value, where, evidence = target
        if value >= 99.99:
            return Recommendation(True, f"uptime {value:g}% ({where}) outlives a regional outage only with two regions",
                                  evidence)
        return Recommendation(False, f"uptime {value:g}% ({where}) is met by one region across zones", evidence)
    lone = sig.lone_sqlite(ctx.profile)
    if lone is not None:
        return Recommendation(False, f"one process on a local SQLite file ({cite(lone)}) cannot span regions", (lone,))
    return None


# ----------------------------------------------------------------------------- environments


def _environments(ctx: Context) -> Recommendation | None:
    found = sig.chains(ctx.profile)
    test = next((c for c in found if sig.is_testnet(c)), None)
    main = next((c for c in found if not sig.is_testnet(c)), None)
    both = ("staging", "production")
    if test and main:
        return Recommendation(both, f"testnet {test} ({cite(found[test])}) beside mainnet {main} "
                                    f"({cite(found[main])}) → staging on the testnet, production on mainnet",
                              (found[test], found[main]))
    staging = sig.any_finding(ctx.profile, re.compile(r"\bstaging\b", re.I))
    if staging is not None:
        return Recommendation(both, f"the docs plan a staging environment ({cite(staging.evidence)})",
                              (staging.evidence,))
    migrations = sig.first_tags(ctx.profile, "migration_tool")
    if migrations:
        tool, ev = next(iter(migrations.items()))
        return Recommendation(both, f"{tool} migrations ({cite(ev)}) need a staging rehearsal before production",
                              (ev,))
    lone = sig.lone_sqlite(ctx.profile)
    if lone is not None:
        return Recommendation(("production",), f"one process on a local SQLite file ({cite(lone)}) → "
                                               "production only; test on a laptop", (lone,))
    return None


# ----------------------------------------------------------------------------- domain and DNS


def _serves_http(ctx: Context) -> bool:
    return bool(sig.http_services(ctx.profile))


_CLOUD_DNS = {"aws": "route53", "gcp": "cloud-dns", "azure": "azure-dns", "self-hosted": "cloudflare"}


def _dns(ctx: Context) -> Recommendation | None:
    cloudflare = sig.integrations(ctx.profile, {"Cloudflare": "cloudflare"}).get("cloudflare")
    if cloudflare is not None:
        return Recommendation("cloudflare", f"the docs already use Cloudflare ({cite(cloudflare)})", (cloudflare,))
    cloud = sig.text(ctx, "deployment.cloud")
    if cloud is None:
        return None
    dns = _CLOUD_DNS[cloud]
    why = "no cloud DNS to lean on; free DNS and proxy" if cloud == "self-hosted" else \
        "certificates and load balancer records validate in the same account"
    return Recommendation(dns, f"{sig.said('deployment.cloud', cloud)} → {dns}: {why}")


QUESTIONS: tuple[Question, ...] = (
    Question(
        key="deployment.cloud", kind="choice", required=True, recommend=_cloud,
        prompt="Which cloud will run production: AWS, GCP, Azure, or servers you run yourself?",
        help="The cloud fixes the building blocks of every later choice: managed database, secrets store, "
             "KMS, DNS and the Terraform provider.",
        options=(
            Option("aws", "AWS", ("widest managed catalogue (RDS, ECS, KMS with secp256k1 keys)",),
                   ("many knobs: IAM and networking take time to get right",), "a team that knows AWS or needs KMS"),
            Option("gcp", "Google Cloud", ("Cloud Run scales containers to zero", "simple per-project IAM"),
                   ("fewer regions than AWS",), "container services with bursty traffic"),
            Option("self-hosted", "A VPS or your own servers",
                   ("cheapest for one small process", "no cloud lock-in"),
                   ("you patch the OS, run backups and replace failed disks",), "one small process on a tight budget"),
        ),
    ),
    Question(
        key="deployment.primary_region", kind="text", when=_public_cloud, recommend=_region,
        prompt="Which region should production run in?",
        help="Latency is lowest near the users, and data-residency rules (GDPR) can pin the database to a "
             "jurisdiction; prices differ by up to ~30% between regions.",
        options=(
            Option("us-east-1", "US East (aws us-east-1 / gcp us-east4 / azure eastus)",
                   ("cheapest prices, every service available first",), ("far from EU and Asian users",),
                   "users mainly in North America"),
            Option("eu-central-1", "EU Frankfurt (aws eu-central-1 / gcp europe-west3 / azure germanywestcentral)",
                   ("keeps personal data in the EU",), ("about 10–20% dearer than us-east-1",),
                   "EU users or GDPR data residency"),
            Option("ap-southeast-1", "Singapore (aws ap-southeast-1 / gcp asia-southeast1 / azure southeastasia)",
                   ("low latency across South-East Asia",), ("among the pricier regions",), "users mainly in Asia"),
        ),
    ),
    Question(
        key="deployment.multi_region", kind="bool", when=lambda ctx: bool(ctx.profile.services),
        recommend=_multi_region,
        prompt="Must production survive the loss of a whole cloud region?",
        help="A second region roughly doubles infrastructure cost and needs replicated data; one region "
             "spread over availability zones already survives a data-centre failure.",
        options=(
            Option(False, "One region, spread over zones", ("half the cost", "no cross-region data replication"),
                   ("a full regional outage takes the service down",), "uptime targets up to 99.95%"),
            Option(True, "Two regions, standby ready to take over", ("survives a regional outage",),
                   ("about twice the cost", "replication lag and failover runbooks to test"), "99.99% uptime targets"),
        ),
    ),
    Question(
        key="deployment.environments", kind="multi", required=True, recommend=_environments,
        prompt="Which environments do you need besides production?",
        help="Each environment is a full copy of the stack (database, secrets, keys); staging is where "
             "migrations and contract deploys are rehearsed before they touch users.",
        options=(
            Option(("production",), "Production only", ("lowest cost", "one set of secrets to manage"),
                   ("every change is first tested on real users",), "a small process that is easy to test locally"),
            Option(("staging", "production"), "Staging and production",
                   ("releases and migrations rehearsed on a copy",), ("roughly doubles the base infrastructure",),
                   "most services with a database or contracts"),
            Option(("dev", "staging", "production"), "Dev, staging and production",
                   ("a shared sandbox for unfinished work",), ("three stacks to pay for and keep in sync",),
                   "several developers integrating daily"),
        ),
    ),
    Question(
        key="deployment.domain", kind="text", when=_serves_http,
        prompt="Which domain will users reach production on (e.g. app.example.com)?",
        help="The domain decides the TLS certificates, CORS origins and the DNS records launchbay generates.",
        options=(
            Option("example.com", "Apex domain for the app, api.example.com for the API",
                   ("short, memorable URL",), ("apex records cannot be CNAMEs on every DNS host",),
                   "a product with its own domain"),
            Option("app.example.com", "A subdomain of an existing company domain",
                   ("no new domain to buy",), ("shares cookies and reputation with the parent site",),
                   "a product inside an existing brand"),
        ),
    ),
    Question(
        key="deployment.dns_provider", kind="choice", recommend=_dns,
        when=lambda ctx: ctx.answer("deployment.domain") is not None,
        prompt="Who will host the DNS zone for that domain?",
        help="Terraform writes the records (certificates, load balancer) only where it can manage the zone.",
        options=(
            Option("route53", "Route 53 (AWS; cloud-dns and azure-dns are the GCP and Azure equivalents)",
                   ("alias records and certificate validation in one Terraform run",),
                   ("about USD 0.50 per zone per month",), "the zone lives with the infrastructure on AWS"),
            Option("cloudflare", "Cloudflare", ("free plan includes proxy, CDN and basic DDoS protection",),
                   ("a second provider and API token in Terraform",), "self-hosted, or you want the CDN"),
            Option("other", "Keep the registrar's DNS", ("nothing to migrate",),
                   ("records are created by hand, not by Terraform",), "a domain you cannot move"),
        ),
    ),
)
