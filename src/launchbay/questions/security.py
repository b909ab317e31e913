"""Security and compliance questions: regimes, user authentication, secrets, audit trail, network.

Compliance follows what the docs decide (a regime the PRD waives is not recommended); the secrets
manager follows the cloud answer; signing keys push towards audit logs and edge rate limiting.
"""

from __future__ import annotations

import re

from launchbay.questions import signals as sig
from launchbay.questions.base import Context, Option, Question, Recommendation, cite


def _has_services(ctx: Context) -> bool:
    return bool(ctx.profile.services)


def _serves_http(ctx: Context) -> bool:
    return bool(sig.http_services(ctx.profile))


# ----------------------------------------------------------------------------- compliance


def _compliance(ctx: Context) -> Recommendation | None:
    applies, waived = sig.doc_compliance(ctx.profile)
    off = "; ".join(f"{k} waived ({cite(ev)})" for k, ev in waived.items())
    if applies:
        on = ", ".join(f"{k} ({cite(ev)})" for k, ev in applies.items())
        return Recommendation(tuple(applies), f"docs require {on}" + (f"; {off}" if off else ""),
                              tuple(applies.values()) + tuple(waived.values()))
    if waived:
        return Recommendation(("none",), f"docs: {off}", tuple(waived.values()))
    return None


# ----------------------------------------------------------------------------- authentication

_WALLET_LIBS = ("wagmi", "@wagmi/core", "@rainbow-me/rainbowkit", "@reown/appkit", "@web3modal",
                "@solana/wallet-adapter", "@coinbase/onchainkit", "thirdweb", "@cosmos-kit/react")
_WALLET_DOCS = {"Sign-In with Ethereum": "wallet", "Privy": "wallet", "Dynamic": "wallet", "RainbowKit": "wallet"}
_OAUTH_DOCS = {"Auth0": "Auth0", "Clerk": "Clerk", "Supabase": "Supabase", "Firebase": "Firebase"}
_PROVIDER_ENV = (
    ("Auth0", re.compile(r"^AUTH0_")), ("Clerk", re.compile(r"CLERK_")), ("Okta", re.compile(r"^OKTA_")),
    ("Cognito", re.compile(r"COGNITO")), ("Keycloak", re.compile(r"^KEYCLOAK_")),
)


def _auth_method(ctx: Context) -> Recommendation | None:
    for comp, lib, ev in sig.tags(ctx.profile, "web3_library"):
        if lib in _WALLET_LIBS:
            return Recommendation("wallet", f"{sig.label(comp)} connects wallets with {lib} ({cite(ev)})", (ev,))
    wallet = sig.integrations(ctx.profile, _WALLET_DOCS).get("wallet")
    if wallet is not None:
        return Recommendation("wallet", f"the docs plan wallet sign-in ({cite(wallet)})", (wallet,))
    provider = _auth_provider(ctx)
    if provider is not None:
        return Recommendation("oauth", provider.rationale, provider.evidence)
    return None


def _auth_provider(ctx: Context) -> Recommendation | None:
    for name, pattern in _PROVIDER_ENV:
        reads = sig.env_reads(ctx.profile, pattern)
        if reads:
            var, ev = reads[0]
            return Recommendation(name, f"code reads {var} ({cite(ev)}) → {name} is the identity provider", (ev,))
    for name, ev in sig.integrations(ctx.profile, _OAUTH_DOCS).items():
        return Recommendation(name, f"the docs name {name} ({cite(ev)})", (ev,))
    return None


# ----------------------------------------------------------------------------- secrets

_NATIVE = {"aws": "aws-secrets-manager", "gcp": "gcp-secret-manager", "azure": "azure-key-vault"}


def _secrets_manager(ctx: Context) -> Recommendation | None:
    cloud = sig.text(ctx, "deployment.cloud")
    if cloud is None:
        return None
    reads = sig.secret_reads(ctx.profile)
    names = sorted({n for n, _ in reads})
    plural = "s such as" if len(names) > 1 else ""
    example = f"; {len(names)} secret{plural} {reads[0][0]} ({cite(reads[0][1])})" if reads else ""
    evidence = (reads[0][1],) if reads else ()
    if cloud in _NATIVE:
        return Recommendation(_NATIVE[cloud], f"{sig.said('deployment.cloud', cloud)} → its native store, IAM-scoped"
                                              f"{example}", evidence)
    phrase = sig.key_phrase(ctx.profile)
    if phrase is not None:
        return Recommendation("vault", f"{sig.said('deployment.cloud', cloud)} and {phrase[0]} → Vault audits every "
                                       "read of the key", phrase[1])
    count = len(ctx.profile.services)
    if count <= 1:
        return Recommendation("sops", f"{sig.said('deployment.cloud', cloud)} with one service → sops-encrypted "
                                      f"file, no server to run{example}", evidence)
    return Recommendation("vault", f"{sig.said('deployment.cloud', cloud)} with {count} services → Vault for "
                                   f"per-service policies{example}", evidence)


# ----------------------------------------------------------------------------- audit logging

_STRICT = ("hipaa", "pci-dss")
_AUDITED = ("soc2", "iso27001")


def _audit_logging(ctx: Context) -> Recommendation | None:
    cloud = sig.text(ctx, "deployment.cloud")
    answered = tuple(r for r in sig.names(ctx, "security.compliance") if r != "none")
    regimes = {r: sig.said("security.compliance", answered) for r in answered}
    regimes.update({r: cite(ev) for r, ev in sig.doc_compliance(ctx.profile)[0].items() if r not in regimes})
    for r, where in regimes.items():
        if r in _STRICT or (r in _AUDITED and cloud == "self-hosted"):
            return Recommendation("siem", f"{r} ({where}) expects reviewed, alerting audit logs → SIEM")
        if r in _AUDITED:
            return Recommendation("cloud-native", f"{r} ({where}) asks for an audit trail → the cloud's audit log")
    phrase = sig.key_phrase(ctx.profile)
    if phrase is not None:
        if cloud not in sig.PUBLIC_CLOUDS:
            return None
        return Recommendation("cloud-native", f"{phrase[0]} → every key use must be traceable in {cloud}'s audit log",
                              phrase[1])
    if regimes:
        if cloud not in sig.PUBLIC_CLOUDS:
            return None
        r, where = next(iter(regimes.items()))
        return Recommendation("cloud-native", f"{r} ({where}) → record access to personal data in {cloud}'s audit log")
    if sig.names(ctx, "security.compliance") == ("none",):
        return Recommendation("none", "compliance=none (security.compliance) and no signing keys in the code")
    lone = sig.lone_sqlite(ctx.profile)
    if lone is not None:
        return Recommendation("none", f"one process on a local SQLite file ({cite(lone)}), no signing keys, "
                                      "no compliance regime in the docs", (lone,))
    return None


# ----------------------------------------------------------------------------- network


def _network_security(ctx: Context) -> Recommendation | None:
    web = sig.http_services(ctx.profile)
    if not web:
        roles = [(c, r, ev) for c, r, ev in sig.tags(ctx.profile, "role") if c.is_service]
        if not roles:
            return None
        comp, role, ev = roles[0]
        return Recommendation(("none",), f"no service accepts inbound traffic ({sig.label(comp)} is a {role}, "
                                         f"{cite(ev)}) → only outbound rules", (ev,))
    paths = {c.path: c for c in web}
    signer = next(((k, ev) for k, ev in sig.key_sites(ctx.profile) if k.component in paths), None)
    if signer is None:
        return None
    key, ev = signer
    return Recommendation(("waf",), f"public HTTP service {sig.label(paths[key.component])} signs with {key.name} "
                                    f"({cite(ev)}) → rate-limit at a WAF before abuse spends gas", (ev,))


QUESTIONS: tuple[Question, ...] = (
    Question(
        key="security.compliance", kind="multi", when=_has_services, recommend=_compliance,
        prompt="Which compliance regimes must production satisfy at launch?",
        help="Regimes decide data residency, encryption, log retention and access reviews; adding one later "
             "often means re-building the audit trail.",
        options=(
            Option(("none",), "None at launch", ("no audit overhead",),
                   ("a later SOC 2 needs months of retroactive evidence",), "pilots without personal data"),
            Option(("gdpr",), "GDPR", ("covers EU personal data, wallet addresses included",),
                   ("EU hosting and deletion workflows",), "EU users or any personal data"),
            Option(("soc2", "gdpr"), "SOC 2 and GDPR", ("opens B2B deals",),
                   ("audit fees and a formal access review cycle",), "selling to businesses"),
        ),
    ),
    Question(
        key="security.auth_method", kind="choice", when=_serves_http, recommend=_auth_method,
        prompt="How do users sign in to the app?",
        help="The method decides whether an identity provider, session store or nonce table is deployed and "
             "which secrets the API needs.",
        options=(
            Option("wallet", "Wallet signature (connect wallet / SIWE)", ("no passwords to store",),
                   ("no account recovery if the wallet is lost",), "dApps whose users hold wallets"),
            Option("oauth", "OAuth via an identity provider (Google, GitHub, Auth0…)",
                   ("recovery, MFA and social login handled by the provider",), ("per-user pricing at scale",),
                   "consumer apps with email users"),
            Option("custom", "Own accounts or API keys", ("full control",),
                   ("you own password storage, resets and key rotation",), "partner APIs with per-client keys"),
        ),
    ),
    Question(
        key="security.auth_provider", kind="text", recommend=_auth_provider,
        when=lambda ctx: sig.text(ctx, "security.auth_method") in ("oauth", "sso"),
        prompt="Which identity provider will handle sign-in?",
        help="The provider's domain and client secret are wired into the services and the secrets store.",
        options=(
            Option("Auth0", "Auth0", ("quick setup, many social logins",), ("price rises steeply past free tier",),
                   "consumer apps"),
            Option("Okta", "Okta / Entra ID", ("enterprise SSO and SCIM",), ("enterprise pricing",),
                   "B2B customers with their own directory"),
            Option("Keycloak", "Keycloak (self-hosted)", ("no per-user fees",),
                   ("another service to patch and back up",), "self-hosted or cost-sensitive"),
        ),
    ),
    Question(
        key="security.secrets_manager", kind="choice", required=True, recommend=_secrets_manager,
        prompt="Where will production secrets (database URLs, API tokens) be stored?",
        help="Services read secrets from this store at start; it must be reachable from the runtime and "
             "grant each service only its own secrets.",
        options=(
            Option("aws-secrets-manager", "AWS Secrets Manager (gcp-secret-manager / azure-key-vault on GCP / Azure)",
                   ("IAM-scoped per service", "rotation hooks built in"), ("about USD 0.40 per secret per month",),
                   "anything on a public cloud"),
            Option("vault", "HashiCorp Vault", ("works across clouds", "dynamic database credentials"),
                   ("a cluster to run, unseal and back up",), "self-hosted fleets with many services"),
            Option("sops", "sops-encrypted files in the repo", ("no server", "changes reviewed like code"),
                   ("rotation is manual", "decryption key must be protected"), "one small self-hosted service"),
        ),
    ),
    Question(
        key="security.audit_logging", kind="choice", when=_has_services, recommend=_audit_logging,
        prompt="What audit trail of infrastructure and key access do you need?",
        help="Compliance and hot signing keys need a record of who changed what and when; a SIEM adds "
             "alerting and long retention on top.",
        options=(
            Option("cloud-native", "The cloud's audit log (CloudTrail / Cloud Audit Logs)",
                   ("on by default for management events",), ("data-access events cost extra",),
                   "most teams, SOC 2 readiness"),
            Option("siem", "Central SIEM (e.g. Elastic, Datadog Cloud SIEM)", ("correlation and alerting",),
                   ("licence and ingest costs",), "regulated workloads (PCI DSS, HIPAA)"),
            Option("none", "No dedicated audit trail", ("nothing to run",), ("no answer to 'who did this?'",),
                   "hobby projects without keys or personal data"),
        ),
    ),
    Question(
        key="security.network_security", kind="multi", when=_has_services, recommend=_network_security,
        prompt="Which network controls should guard production?",
        help="Databases stay private in every design; this chooses what protects the public endpoints and "
             "how operators reach the admin side.",
        options=(
            Option(("none",), "Public endpoints only, nothing extra", ("simplest",),
                   ("no rate limiting or geo/IP rules at the edge",), "services with no inbound traffic"),
            Option(("waf",), "WAF with rate limits in front of public endpoints",
                   ("blocks floods and common exploits",), ("about USD 5–20 a month plus per-request fees",),
                   "public APIs, especially ones that spend gas"),
            Option(("vpn", "private-admin"), "Admin tools only over a VPN",
                   ("admin surface invisible to the internet",),
                   ("VPN to run and onboard people onto",), "teams with dashboards and admin endpoints"),
        ),
    ),
)
