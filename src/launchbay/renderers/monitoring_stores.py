"""Data-store rule groups, present only when the Design runs the store beside the app (vm, kubernetes)
and so has its exporter: PostgreSQL (postgres_exporter) and Redis (redis_exporter)."""

from __future__ import annotations

from launchbay.renderers.monitoring_facts import Facts
from launchbay.renderers.monitoring_rules import Alert, Case, RuleGroup, Runbook, Series


def postgres_group(f: Facts) -> RuleGroup | None:
    if not f.postgres:
        return None
    inst = (("job", "postgres"), ("instance", "postgres-exporter:9187"))
    sel = 'job="postgres",instance="postgres-exporter:9187"'
    return RuleGroup("postgres", (
        Alert(name="PostgresDown", expr="pg_up == 0", for_="2m", severity="critical",
              summary="PostgreSQL is unreachable from {{ $labels.instance }}",
              description="postgres_exporter {{ $labels.instance }} cannot connect to PostgreSQL.",
              runbook=Runbook(meaning="The database does not accept connections: every service using it fails.",
                              checks=("Is the database container / instance running? Its logs.",
                                      "Disk full (the host alerts), or a failed restart after an upgrade."),
                              fixes=("Restart it; if data is damaged, restore (runbooks/backup-restore.md).",)),
              fires=Case((Series(f"pg_up{{{sel}}}", "0x10"),), "5m", inst),
              quiet=Case((Series(f"pg_up{{{sel}}}", "1x10"),), "5m")),
        Alert(name="PostgresConnectionsHigh",
              expr="sum by (job, instance) (pg_stat_activity_count) / max by (job, instance) "
                   "(pg_settings_max_connections) > 0.8", for_="10m", severity="warning",
              summary="PostgreSQL uses over 80 % of its connections",
              description="More than 80 % of max_connections have been in use for 10 minutes.",
              runbook=Runbook(meaning="New connections will soon be refused.",
                              checks=("`SELECT state, count(*) FROM pg_stat_activity GROUP BY 1;` — idle in "
                                      "transaction? a leaking pool?",),
                              fixes=("Lower the pool size per replica or add a pooler (PgBouncer); raise "
                                     "max_connections with the instance size.",)),
              fires=Case((Series(f'pg_stat_activity_count{{{sel},state="active"}}', "90x20"),
                          Series(f"pg_settings_max_connections{{{sel}}}", "100x20")), "15m", inst),
              quiet=Case((Series(f'pg_stat_activity_count{{{sel},state="active"}}', "10x20"),
                          Series(f"pg_settings_max_connections{{{sel}}}", "100x20")), "15m")),
        Alert(name="PostgresDeadlocks", expr="increase(pg_stat_database_deadlocks[10m]) > 5", severity="warning",
              summary="Deadlocks in database {{ $labels.datname }}",
              description="More than 5 deadlocks in 10 minutes in database {{ $labels.datname }}.",
              runbook=Runbook(meaning="Transactions lock rows in conflicting orders and are being aborted.",
                              checks=("The PostgreSQL log lines `deadlock detected` name the statements.",),
                              fixes=("Take locks in one order in the code; keep transactions short.",)),
              fires=Case((Series(f'pg_stat_database_deadlocks{{{sel},datname="app"}}', "0+2x20"),), "15m",
                         (*inst, ("datname", "app"))),
              quiet=Case((Series(f'pg_stat_database_deadlocks{{{sel},datname="app"}}', "3x20"),), "15m")),
    ))


def redis_group(f: Facts) -> RuleGroup | None:
    if not f.redis:
        return None
    inst = (("job", "redis"), ("instance", "redis-exporter:9121"))
    sel = 'job="redis",instance="redis-exporter:9121"'
    cache = all(s.role == "cache" for s in f.design.data_stores if s.engine == "redis")
    rules = [
        Alert(name="RedisDown", expr="redis_up == 0", for_="2m", severity="critical",
              summary="Redis is unreachable from {{ $labels.instance }}",
              description="redis_exporter {{ $labels.instance }} cannot connect to Redis.",
              runbook=Runbook(meaning="The cache / queue is down: services that need it fail or slow down.",
                              checks=("Is the Redis container / node running? Its logs (OOM?).",),
                              fixes=("Restart it; a cache refills by itself.",)),
              fires=Case((Series(f"redis_up{{{sel}}}", "0x10"),), "5m", inst),
              quiet=Case((Series(f"redis_up{{{sel}}}", "1x10"),), "5m")),
        Alert(name="RedisRejectedConnections", expr="increase(redis_rejected_connections_total[10m]) > 0",
              severity="warning", summary="Redis rejects connections",
              description="Redis rejected client connections in the last 10 minutes (maxclients reached).",
              runbook=Runbook(meaning="Clients cannot connect: maxclients is reached.",
                              checks=("`redis-cli info clients`: connected_clients against maxclients.",),
                              fixes=("Fix the client that leaks connections; raise maxclients.",)),
              fires=Case((Series(f"redis_rejected_connections_total{{{sel}}}", "0+1x20"),), "15m", inst),
              quiet=Case((Series(f"redis_rejected_connections_total{{{sel}}}", "4x20"),), "15m")),
    ]
    if cache:
        rules.append(Alert(
            name="RedisEvictingKeys", expr="rate(redis_evicted_keys_total[10m]) > 10", for_="30m", severity="info",
            summary="The Redis cache evicts keys", description="Redis has evicted more than 10 keys per second "
            "for 30 minutes: the cache is too small for its working set.",
            runbook=Runbook(meaning="The cache is full and drops keys; the hit ratio and latency suffer.",
                            checks=("`redis-cli info stats`: evicted_keys and keyspace hits / misses.",),
                            fixes=("Give the cache more memory (the Design's cache size) or shorter TTLs.",)),
            fires=Case((Series(f"redis_evicted_keys_total{{{sel}}}", "0+1200x60"),), "50m", inst),
            quiet=Case((Series(f"redis_evicted_keys_total{{{sel}}}", "0+60x60"),), "50m")))
    else:
        rules.append(Alert(
            name="RedisMemoryNearMax", expr="redis_memory_used_bytes / (redis_memory_max_bytes > 0) > 0.9",
            for_="10m", severity="warning", summary="Redis uses over 90 % of maxmemory",
            description="Redis has used more than 90 % of its maxmemory for 10 minutes: with noeviction, writes "
                        "fail when it is full.",
            runbook=Runbook(meaning="Redis holds data (not a cache): at maxmemory every write is refused.",
                            checks=("`redis-cli info memory` and the biggest keys (`redis-cli --bigkeys`).",),
                            fixes=("Raise maxmemory with the instance size; expire or trim what grows.",)),
            fires=Case((Series(f"redis_memory_used_bytes{{{sel}}}", "95x20"),
                        Series(f"redis_memory_max_bytes{{{sel}}}", "100x20")), "15m", inst),
            quiet=Case((Series(f"redis_memory_used_bytes{{{sel}}}", "50x20"),
                        Series(f"redis_memory_max_bytes{{{sel}}}", "100x20")), "15m")))
    return RuleGroup("redis", tuple(rules))
