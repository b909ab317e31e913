"""A strict model of the subset of eRPC's YAML config that launchbay emits, field by field from eRPC's own
config types at the release the kit pins (erpc/erpc tag 0.1.2, commit 803b67d8):

- common/config.go — Config, ServerConfig, HealthCheckConfig, MetricsConfig, DatabaseConfig,
  CacheConfig, ConnectorConfig, MemoryConnectorConfig, CachePolicyConfig, RateLimiterConfig,
  RateLimitStoreConfig, RateLimitBudgetConfig, RateLimitRuleConfig, ProjectConfig, ProviderConfig,
  UpstreamConfig, EvmUpstreamConfig, NetworkDefaults, NetworkConfig, EvmNetworkConfig, FailsafeConfig,
  RetryPolicyConfig, CircuitBreakerPolicyConfig, TimeoutPolicyConfig, HedgePolicyConfig,
  SelectionPolicyConfig (yaml tags give the key names);
- common/data.go — DataFinalityState names; common/duration.go — durations are Go duration strings
  (a bare integer is read as milliseconds, so we require a unit); common/config.go RateLimitPeriod
  names; thirdparty/vendors_registry.go — vendor names;
- common/validation.go — the semantic rules `semantic_errors` re-implements for this subset.

eRPC itself decodes with `KnownFields(true)`: an unknown key is a startup error, hence `extra="forbid"`.
eRPC publishes no JSON schema, and its TypeScript types package (@erpc-cloud/config) is not on the npm
registry these machines reach, so this model is the offline check (see validators/erpc.py).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

GO_DURATION = re.compile(r"^(0|([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$")
NETWORK_ID = re.compile(r"^evm:[0-9]+$")
IDENTIFIER = re.compile(r"^[A-Za-z0-9_-]+$")
BYTE_SIZE = re.compile(r"^[0-9]+(\.[0-9]+)?\s*([kmgtpe]i?b?|b)?$", re.IGNORECASE)
VENDORS = frozenset({"goldsky", "alchemy", "blastapi", "conduit", "drpc", "dwellir", "envio", "etherspot", "infura",
                     "pimlico", "quicknode", "llama", "thirdweb", "repository", "superchain", "tenderly", "chainstack",
                     "onfinality", "erpc", "blockpi", "ankr", "routemesh", "blockdaemon"})

Finality = Literal["finalized", "unfinalized", "realtime", "unknown"]
Period = Literal["second", "minute", "hour", "day", "week", "month", "year"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _duration(value: Any) -> Any:
    if not isinstance(value, str) or not GO_DURATION.match(value):
        raise ValueError(f"{value!r} is not a Go duration with a unit (e.g. 500ms, 15s); eRPC reads bare "
                         "integers as milliseconds")
    return value


Dur = str  # a Go duration string, checked by `_duration`


class Server(Strict):
    listenV4: bool | None = None
    httpHostV4: str | None = None
    httpPortV4: int | None = None
    maxTimeout: Dur | None = None
    waitBeforeShutdown: Dur | None = None
    waitAfterShutdown: Dur | None = None

    _d = field_validator("maxTimeout", "waitBeforeShutdown", "waitAfterShutdown")(_duration)


class HealthCheck(Strict):
    mode: Literal["simple", "networks", "verbose"] | None = None
    defaultEval: Literal["any:initializedUpstreams", "any:errorRateBelow90", "all:errorRateBelow90",
                         "any:errorRateBelow100", "all:errorRateBelow100", "any:evm:eth_chainId",
                         "all:evm:eth_chainId", "all:activeUpstreams"] | None = None


class Metrics(Strict):
    enabled: bool
    listenV4: bool | None = None
    hostV4: str | None = None
    port: int | None = None
    errorLabelMode: Literal["verbose", "compact"] | None = None


class MemoryConnector(Strict):
    maxItems: int
    maxTotalSize: str

    @field_validator("maxTotalSize")
    @classmethod
    def _bytes(cls, value: str) -> str:
        # parsed with go-humanize ParseBytes (data/memory.go @0.1.2)
        if not BYTE_SIZE.match(value):
            raise ValueError(f"{value!r} is not a byte size like 256MB or 1GiB")
        return value


class Connector(Strict):
    id: str
    driver: Literal["memory", "redis", "postgresql", "dynamodb", "grpc"]
    memory: MemoryConnector | None = None


class CachePolicy(Strict):
    connector: str
    network: str
    method: str
    finality: Finality | None = None
    empty: Literal["ignore", "allow", "only"] | None = None
    appliesTo: Literal["get", "set", "both"] | None = None
    ttl: Dur | None = None

    _d = field_validator("ttl")(_duration)


class Cache(Strict):
    connectors: list[Connector]
    policies: list[CachePolicy]


class Database(Strict):
    evmJsonRpcCache: Cache | None = None


class RateLimitStore(Strict):
    driver: Literal["memory", "redis"]


class RateLimitRule(Strict):
    method: str
    maxCount: int
    period: Period
    perIP: bool | None = None
    perUser: bool | None = None
    perNetwork: bool | None = None


class RateLimitBudget(Strict):
    id: str
    rules: list[RateLimitRule]


class RateLimiters(Strict):
    store: RateLimitStore
    budgets: list[RateLimitBudget]


class Timeout(Strict):
    duration: Dur

    _d = field_validator("duration")(_duration)


class Retry(Strict):
    maxAttempts: int
    delay: Dur | None = None
    backoffMaxDelay: Dur
    backoffFactor: float | int
    jitter: Dur | None = None

    _d = field_validator("delay", "backoffMaxDelay", "jitter")(_duration)


class Hedge(Strict):
    delay: Dur
    maxCount: int

    _d = field_validator("delay")(_duration)


class CircuitBreaker(Strict):
    failureThresholdCount: int
    failureThresholdCapacity: int
    halfOpenAfter: Dur
    successThresholdCount: int
    successThresholdCapacity: int

    _d = field_validator("halfOpenAfter")(_duration)


class Failsafe(Strict):
    matchMethod: str
    matchFinality: list[Finality] | None = None
    retry: Retry | None = None
    circuitBreaker: CircuitBreaker | None = None
    timeout: Timeout | None = None
    hedge: Hedge | None = None


class EvmUpstream(Strict):
    chainId: int
    skipWhenSyncing: bool | None = None
    statePollerInterval: Dur | None = None

    _d = field_validator("statePollerInterval")(_duration)


class Upstream(Strict):
    id: str
    type: Literal["evm"] | None = None
    endpoint: str
    tags: list[str] | None = None
    evm: EvmUpstream | None = None
    rateLimitBudget: str | None = None
    failsafe: list[Failsafe] | None = None


class UpstreamDefaults(Strict):
    failsafe: list[Failsafe] | None = None
    rateLimitBudget: str | None = None
    tags: list[str] | None = None


class ProviderOverride(Strict):
    tags: list[str] | None = None


class Provider(Strict):
    id: str
    vendor: str
    settings: dict[str, str] | None = None
    onlyNetworks: list[str] | None = None
    upstreamIdTemplate: str | None = None
    overrides: dict[str, ProviderOverride] | None = None


class SelectionPolicy(Strict):
    evalInterval: Dur | None = None
    evalFunc: str

    _d = field_validator("evalInterval")(_duration)


class EvmNetwork(Strict):
    chainId: int


class Network(Strict):
    architecture: Literal["evm"]
    evm: EvmNetwork
    alias: str | None = None
    rateLimitBudget: str | None = None
    failsafe: list[Failsafe] | None = None
    selectionPolicy: SelectionPolicy | None = None


class NetworkDefaults(Strict):
    failsafe: list[Failsafe] | None = None
    rateLimitBudget: str | None = None
    selectionPolicy: SelectionPolicy | None = None


class Project(Strict):
    id: str
    rateLimitBudget: str | None = None
    providers: list[Provider] | None = None
    upstreams: list[Upstream] | None = None
    upstreamDefaults: UpstreamDefaults | None = None
    networkDefaults: NetworkDefaults | None = None
    networks: list[Network] | None = None


class ErpcConfig(Strict):
    logLevel: Literal["trace", "debug", "info", "warn", "error", "disabled"] | None = None
    server: Server | None = None
    healthCheck: HealthCheck | None = None
    metrics: Metrics | None = None
    database: Database | None = None
    rateLimiters: RateLimiters | None = None
    projects: list[Project]


def semantic_errors(cfg: ErpcConfig) -> list[tuple[str, str]]:
    """eRPC's own load-time rules (common/validation.go @0.1.2) for this subset: (json path, message)."""
    out: list[tuple[str, str]] = []
    budgets = {b.id for b in cfg.rateLimiters.budgets} if cfg.rateLimiters else set()
    if cfg.rateLimiters:
        for i, b in enumerate(cfg.rateLimiters.budgets):
            if not b.rules:
                out.append((f"$.rateLimiters.budgets[{i}]", "rules is required, add at least one rule"))
            for j, r in enumerate(b.rules):
                if not r.method:
                    out.append((f"$.rateLimiters.budgets[{i}].rules[{j}]", "method is required"))
    if cfg.metrics and cfg.metrics.enabled and (cfg.metrics.port is None or not cfg.metrics.hostV4):
        out.append(("$.metrics", "metrics.port and metrics.hostV4 are required when metrics are enabled"))
    cache = cfg.database.evmJsonRpcCache if cfg.database else None
    if cache:
        ids = [c.id for c in cache.connectors]
        for i, c in enumerate(cache.connectors):
            if ids.count(c.id) > 1:
                out.append((f"$.database.evmJsonRpcCache.connectors[{i}]", f"connector id {c.id!r} is duplicated"))
            if c.driver == "memory" and c.memory is None:
                out.append((f"$.database.evmJsonRpcCache.connectors[{i}]", "memory is required with driver memory"))
        for i, p in enumerate(cache.policies):
            where = f"$.database.evmJsonRpcCache.policies[{i}]"
            if p.connector not in ids:
                out.append((where, f"connector {p.connector!r} does not exist in cache.connectors"))
            if not p.network or not p.method:
                out.append((where, "network and method are required"))
    project_ids = [p.id for p in cfg.projects]
    for i, project in enumerate(cfg.projects):
        where = f"$.projects[{i}]"
        if not project.id or project_ids.count(project.id) > 1:
            out.append((where, "project id is required and must be unique"))
        if not project.providers and not project.upstreams:
            out.append((where, "upstreams or providers is required, add at least one of them"))
        refs = [(where, project.rateLimitBudget)]
        for j, prov in enumerate(project.providers or []):
            pw = f"{where}.providers[{j}]"
            if prov.vendor not in VENDORS:
                out.append((pw, f"unknown vendor {prov.vendor!r}"))
            for net_id in prov.onlyNetworks or []:
                if not NETWORK_ID.match(net_id):
                    out.append((pw, f"onlyNetworks entry {net_id!r} is invalid, must be like evm:1"))
        for kind, ids in (("providers", [x.id for x in project.providers or []]),
                          ("upstreams", [x.id for x in project.upstreams or []])):
            for j, ident in enumerate(ids):
                if ids.count(ident) > 1:
                    out.append((f"{where}.{kind}[{j}]", f"id {ident!r} is duplicated"))
        for j, up in enumerate(project.upstreams or []):
            refs.append((f"{where}.upstreams[{j}]", up.rateLimitBudget))
            out += _failsafe_errors(f"{where}.upstreams[{j}].failsafe", up.failsafe, network_scope=False)
        if project.upstreamDefaults:
            out += _failsafe_errors(f"{where}.upstreamDefaults.failsafe", project.upstreamDefaults.failsafe,
                                    network_scope=False)
        if project.networkDefaults:
            out += _failsafe_errors(f"{where}.networkDefaults.failsafe", project.networkDefaults.failsafe,
                                    network_scope=True)
        chain_ids = [n.evm.chainId for n in project.networks or []]
        aliases = [n.alias for n in project.networks or [] if n.alias]
        for j, net in enumerate(project.networks or []):
            nw = f"{where}.networks[{j}]"
            refs.append((nw, net.rateLimitBudget))
            if chain_ids.count(net.evm.chainId) > 1:
                out.append((nw, f"network evm:{net.evm.chainId} is duplicated"))
            if net.alias and (not IDENTIFIER.match(net.alias) or aliases.count(net.alias) > 1):
                out.append((nw, f"alias {net.alias!r} must be unique and alphanumeric, dash or underscore"))
            out += _failsafe_errors(f"{nw}.failsafe", net.failsafe, network_scope=True)
        for path, ref in refs:
            if ref and ref not in budgets:
                out.append((path, f"rateLimitBudget {ref!r} does not exist in rateLimiters.budgets"))
    return out


def _failsafe_errors(where: str, items: list[Failsafe] | None, *, network_scope: bool) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for i, fs in enumerate(items or []):
        path = f"{where}[{i}]"
        if not fs.matchMethod:
            out.append((path, "matchMethod cannot be empty, use '*' to match any method"))
        if network_scope and fs.circuitBreaker is not None:
            out.append((path, "circuitBreaker is an upstream-scope policy, not allowed on a network"))
        if fs.retry and fs.retry.backoffFactor <= 0:
            out.append((path, "retry.backoffFactor must be greater than 0"))
        cb = fs.circuitBreaker
        if cb and not (0 < cb.failureThresholdCount <= cb.failureThresholdCapacity
                       and 0 < cb.successThresholdCount <= cb.successThresholdCapacity):
            out.append((path, "circuitBreaker thresholds must be > 0 and count <= capacity"))
    return out
