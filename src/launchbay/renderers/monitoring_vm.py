"""The monitoring stack on a VM: `compose.monitoring.yml` (its own Compose project beside the app's),
`prometheus.yml`, the blackbox modules, Grafana provisioning, and Loki / Promtail / OpenTelemetry
Collector / Tempo when the Design asks for logs or traces.

App containers deploy blue-green (`<key>-blue` / `<key>-green`), so Prometheus finds them through
Docker service discovery (only running containers) instead of fixed names that would leave the idle
colour permanently "down". The UIs bind to 127.0.0.1 only: reach them over an SSH tunnel.
"""

from __future__ import annotations

from typing import Any

from launchbay.models.kit import KitFile
from launchbay.renderers.monitoring_alertmanager import SECRET_NAME
from launchbay.renderers.monitoring_facts import BACKUP_TEXTFILE_DIR, Facts
from launchbay.renderers.monitoring_rules import MONITORING_DIR, dump_yaml

IMAGES = {
    "prometheus": "prom/prometheus:v2.53.4",
    "alertmanager": "prom/alertmanager:v0.27.0",
    "node-exporter": "prom/node-exporter:v1.8.2",
    "cadvisor": "gcr.io/cadvisor/cadvisor:v0.49.1",
    "postgres-exporter": "prometheuscommunity/postgres-exporter:v0.16.0",
    "redis-exporter": "oliver006/redis_exporter:v1.66.0",
    "blackbox-exporter": "prom/blackbox-exporter:v0.25.0",
    "grafana": "grafana/grafana:11.6.0",
    "loki": "grafana/loki:3.4.2",
    "promtail": "grafana/promtail:3.4.2",
    "otel-collector": "otel/opentelemetry-collector-contrib:0.120.0",
    "tempo": "grafana/tempo:2.7.1",
}
DOCKER_SOCK = "/var/run/docker.sock"
DOCKER_GID = "${DOCKER_GID:?set DOCKER_GID to the docker group id (getent group docker)}"
# The secret files are mode 0640 in a setgid folder owned by the deploy group (render-env.sh writes them);
# the containers that read one join that group (deploy/vm/stacks.sh sets the id from the folder).
SECRETS_GID = "${MONITORING_SECRETS_GID:?set MONITORING_SECRETS_GID to the group id of the secrets folder}"
LOGGING = {"driver": "json-file", "options": {"max-size": "10m", "max-file": "3"}}
HARDENING = {"security_opt": ["no-new-privileges:true"]}


def runtime_dir(f: Facts) -> str:
    """Secrets the stack reads, written at boot from the secret store (like the app's env files)."""
    return f"/run/{f.project}/monitoring"


def wants_logs(f: Facts) -> bool:
    return f.design.monitoring.log_retention_days is not None


def _docker_job(f: Facts, name: str, service_key: str, port: int) -> dict[str, Any]:
    return {
        "job_name": name,
        "docker_sd_configs": [{"host": f"unix://{DOCKER_SOCK}", "refresh_interval": "30s",
                               "filters": [{"name": "label", "values": [f"com.docker.compose.project={f.project}"]}]}],
        "relabel_configs": [
            {"source_labels": ["__meta_docker_container_label_com_docker_compose_service"],
             "regex": f"{service_key}(-blue|-green)?", "action": "keep"},
            {"source_labels": ["__meta_docker_network_name"], "regex": f"{f.project}_edge", "action": "keep"},
            {"source_labels": ["__meta_docker_network_ip"], "target_label": "__address__", "replacement": f"$1:{port}"},
            {"source_labels": ["__meta_docker_container_label_com_docker_compose_service"],
             "target_label": "container"},
        ],
    }


def prometheus_config(f: Facts) -> dict[str, Any]:
    jobs: list[dict[str, Any]] = []
    for job in f.jobs:
        if job.kind == "service" and job.service is not None and job.service.plan.port is not None:
            jobs.append(_docker_job(f, job.name, job.name, job.service.plan.port))
        elif job.kind == "prometheus":
            jobs.append({"job_name": job.name, "static_configs": [{"targets": ["localhost:9090"]}]})
        elif job.kind != "blackbox" and job.address:
            jobs.append({"job_name": job.name, "static_configs": [{"targets": [job.address]}]})
    jobs += _chain_jobs(f)
    for svc in f.probed:
        probe = _docker_job(f, f"blackbox-{svc.key}", svc.key, svc.plan.port or 80)
        probe["metrics_path"] = "/probe"
        probe["params"] = {"module": ["http_2xx"]}
        probe["relabel_configs"][2] = {"source_labels": ["__meta_docker_network_ip"], "target_label": "__param_target",
                                       "replacement": f"http://$1:{svc.plan.port}{svc.plan.health_path}"}
        probe["relabel_configs"][3:] = [
            {"source_labels": ["__param_target"], "target_label": "instance"},
            {"target_label": "__address__", "replacement": "blackbox-exporter:9115"},
            {"target_label": "job", "replacement": "blackbox"},
            {"target_label": "module", "replacement": "http_2xx"},
            {"target_label": "service", "replacement": svc.key},
        ]
        jobs.append(probe)
    if f.tls_probe and f.domain:
        jobs.append({
            "job_name": "blackbox-tls", "metrics_path": "/probe", "params": {"module": ["tls_connect"]},
            "static_configs": [{"targets": [f"{f.domain}:443"]}],
            "relabel_configs": [
                {"source_labels": ["__address__"], "target_label": "__param_target"},
                {"target_label": "instance", "replacement": f.public_url()},
                {"target_label": "__address__", "replacement": "blackbox-exporter:9115"},
                {"target_label": "job", "replacement": "blackbox"},
                {"target_label": "module", "replacement": "tls_connect"},
            ]})
    return {
        "global": {"scrape_interval": "30s", "evaluation_interval": "30s",
                   "external_labels": {"project": f.project}},
        "rule_files": ["rules/*.yml"],
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": ["alertmanager:9093"]}]}]},
        "scrape_configs": jobs,
    }


def _chain_jobs(f: Facts) -> list[dict[str, Any]]:
    """The chain stack's gateway (deploy/chains/compose.yml) on the shared edge network: the chain alerts' RPC data."""
    from launchbay.renderers.chain_services import scrapes

    return [{"job_name": s.job, "static_configs": [{"targets": [s.address]}]} for s in scrapes(f.design) if s.address]


def blackbox_config() -> dict[str, Any]:
    return {"modules": {
        "http_2xx": {"prober": "http", "timeout": "5s",
                     "http": {"valid_status_codes": [], "preferred_ip_protocol": "ip4"}},
        "tls_connect": {"prober": "tcp", "timeout": "5s", "tcp": {"tls": True, "preferred_ip_protocol": "ip4"}},
    }}


def _service(image: str, **extra: Any) -> dict[str, Any]:
    return {"image": IMAGES[image], "restart": "unless-stopped", **HARDENING, **extra, "logging": LOGGING}


def compose(f: Facts) -> dict[str, Any]:
    mon = ["monitoring"]
    edge = [*mon, "edge"]
    has_data = any(s.engine in ("postgres", "redis") for s in f.design.data_stores)
    services: dict[str, Any] = {
        "prometheus": _service(
            "prometheus", user=f"65534:{DOCKER_GID}",
            command=["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus",
                     "--storage.tsdb.retention.time=15d", "--web.listen-address=:9090"],
            ports=["127.0.0.1:9090:9090"],
            volumes=["./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
                     "./prometheus/rules:/etc/prometheus/rules:ro", f"{DOCKER_SOCK}:{DOCKER_SOCK}:ro",
                     "prometheus-data:/prometheus"],
            networks=edge),
        "alertmanager": _service(
            "alertmanager", command=["--config.file=/etc/alertmanager/alertmanager.yml",
                                     "--storage.path=/alertmanager"],
            ports=["127.0.0.1:9093:9093"], group_add=[SECRETS_GID],
            volumes=["./alertmanager/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro",
                     f"{runtime_dir(f)}/alertmanager:/etc/alertmanager/secrets/{SECRET_NAME}:ro",
                     "alertmanager-data:/alertmanager"],
            networks=mon),
        "node-exporter": _service(
            "node-exporter", pid="host", read_only=True,
            command=["--path.rootfs=/host", f"--collector.textfile.directory={BACKUP_TEXTFILE_DIR}"],
            volumes=["/:/host:ro,rslave", f"{BACKUP_TEXTFILE_DIR}:{BACKUP_TEXTFILE_DIR}:ro"], networks=mon),
        "cadvisor": _service(
            "cadvisor", privileged=True, devices=["/dev/kmsg"],
            command=["--docker_only=true", "--housekeeping_interval=30s"],
            volumes=["/:/rootfs:ro", "/var/run:/var/run:ro", "/sys:/sys:ro", "/var/lib/docker/:/var/lib/docker:ro",
                     "/dev/disk/:/dev/disk:ro"], networks=mon),
    }
    secrets: dict[str, Any] = {"grafana_admin_password": {"file": f"{runtime_dir(f)}/grafana_admin_password"}}
    if f.postgres:
        db = f.project.replace("-", "_")
        services["postgres-exporter"] = _service(
            "postgres-exporter", read_only=True,
            environment={"DATA_SOURCE_URI": f"postgres:5432/{db}?sslmode=disable", "DATA_SOURCE_USER": db,
                         "DATA_SOURCE_PASS_FILE": "/run/secrets/postgres_password"},
            secrets=["postgres_password"], group_add=[SECRETS_GID], networks=[*mon, "data"])
        secrets["postgres_password"] = {"file": f"{runtime_dir(f)}/postgres_password"}
    if f.redis:
        services["redis-exporter"] = _service("redis-exporter", read_only=True,
                                              environment={"REDIS_ADDR": "redis://redis:6379"},
                                              networks=[*mon, "data"])
    if f.probed or f.tls_probe:
        services["blackbox-exporter"] = _service(
            "blackbox-exporter", read_only=True, command=["--config.file=/etc/blackbox/blackbox.yml"],
            volumes=["./blackbox/blackbox.yml:/etc/blackbox/blackbox.yml:ro"], networks=edge)
    grafana_volumes = ["./grafana/provisioning:/etc/grafana/provisioning:ro",
                       "./grafana/dashboards:/var/lib/grafana/dashboards:ro", "grafana-data:/var/lib/grafana"]
    services["grafana"] = _service(
        "grafana", environment={"GF_SECURITY_ADMIN_PASSWORD__FILE": "/run/secrets/grafana_admin_password",
                                "GF_USERS_ALLOW_SIGN_UP": "false", "GF_ANALYTICS_REPORTING_ENABLED": "false"},
        secrets=["grafana_admin_password"], group_add=[SECRETS_GID], ports=["127.0.0.1:3000:3000"],
        volumes=grafana_volumes, networks=mon)
    volumes: dict[str, Any] = {"prometheus-data": {}, "alertmanager-data": {}, "grafana-data": {}}
    if wants_logs(f):
        services["loki"] = _service("loki", command=["-config.file=/etc/loki/loki.yml"],
                                    volumes=["./loki/loki.yml:/etc/loki/loki.yml:ro", "loki-data:/loki"], networks=mon)
        services["promtail"] = _service(
            "promtail", command=["-config.file=/etc/promtail/promtail.yml"],
            volumes=["./loki/promtail.yml:/etc/promtail/promtail.yml:ro", f"{DOCKER_SOCK}:{DOCKER_SOCK}:ro"],
            user=f"0:{DOCKER_GID}", networks=mon)
        volumes["loki-data"] = {}
    if f.design.monitoring.tracing:
        services["otel-collector"] = _service(
            "otel-collector", command=["--config=/etc/otelcol/config.yml"],
            volumes=["./otel/collector.yml:/etc/otelcol/config.yml:ro"], networks=edge)
        services["tempo"] = _service("tempo", command=["-config.file=/etc/tempo/tempo.yml"],
                                     volumes=["./otel/tempo.yml:/etc/tempo/tempo.yml:ro", "tempo-data:/var/tempo"],
                                     networks=mon)
        volumes["tempo-data"] = {}
    networks: dict[str, Any] = {"monitoring": {}, "edge": {"external": True, "name": f"{f.project}_edge"}}
    if has_data and (f.postgres or f.redis):
        networks["data"] = {"external": True, "name": f"{f.project}_data"}
    return {"name": f"{f.project}-monitoring", "services": services, "networks": networks, "volumes": volumes,
            "secrets": secrets}


def grafana_provisioning(f: Facts) -> dict[str, dict[str, Any]]:
    sources: list[dict[str, Any]] = [{"name": "Prometheus", "uid": "prometheus", "type": "prometheus",
                                      "access": "proxy", "url": "http://prometheus:9090", "isDefault": True}]
    if wants_logs(f):
        sources.append({"name": "Loki", "uid": "loki", "type": "loki", "access": "proxy", "url": "http://loki:3100"})
    if f.design.monitoring.tracing:
        sources.append({"name": "Tempo", "uid": "tempo", "type": "tempo", "access": "proxy",
                        "url": "http://tempo:3200"})
    return {
        "datasources/datasources.yml": {"apiVersion": 1, "datasources": sources},
        "dashboards/dashboards.yml": {"apiVersion": 1, "providers": [
            {"name": "launchbay", "folder": f.project, "type": "file", "disableDeletion": True,
             "allowUiUpdates": False, "options": {"path": "/var/lib/grafana/dashboards"}}]},
    }


def loki_config(f: Facts) -> dict[str, Any]:
    hours = (f.design.monitoring.log_retention_days or 7) * 24
    return {
        "auth_enabled": False,
        "server": {"http_listen_port": 3100},
        "common": {"path_prefix": "/loki", "replication_factor": 1, "ring": {"kvstore": {"store": "inmemory"}},
                   "storage": {"filesystem": {"chunks_directory": "/loki/chunks", "rules_directory": "/loki/rules"}}},
        "schema_config": {"configs": [{"from": "2024-01-01", "store": "tsdb", "object_store": "filesystem",
                                       "schema": "v13", "index": {"prefix": "index_", "period": "24h"}}]},
        "compactor": {"working_directory": "/loki/compactor", "retention_enabled": True,
                      "delete_request_store": "filesystem"},
        "limits_config": {"retention_period": f"{hours}h"},
    }


def promtail_config(f: Facts) -> dict[str, Any]:
    return {
        "server": {"http_listen_port": 9080, "grpc_listen_port": 0},
        "positions": {"filename": "/tmp/positions.yaml"},
        "clients": [{"url": "http://loki:3100/loki/api/v1/push"}],
        "scrape_configs": [{
            "job_name": "containers",
            "docker_sd_configs": [{"host": f"unix://{DOCKER_SOCK}", "refresh_interval": "30s"}],
            "relabel_configs": [
                {"source_labels": ["__meta_docker_container_label_com_docker_compose_project"],
                 "target_label": "project"},
                {"source_labels": ["__meta_docker_container_label_com_docker_compose_service"],
                 "target_label": "service"},
            ]}],
    }


def otel_config() -> dict[str, Any]:
    return {
        "receivers": {"otlp": {"protocols": {"grpc": {"endpoint": "0.0.0.0:4317"},
                                             "http": {"endpoint": "0.0.0.0:4318"}}}},
        "processors": {"memory_limiter": {"check_interval": "1s", "limit_mib": 400}, "batch": {}},
        "exporters": {"otlp/tempo": {"endpoint": "tempo:4317", "tls": {"insecure": True}}},
        "service": {"pipelines": {"traces": {"receivers": ["otlp"], "processors": ["memory_limiter", "batch"],
                                             "exporters": ["otlp/tempo"]}}},
    }


def tempo_config(f: Facts) -> dict[str, Any]:
    hours = (f.design.monitoring.log_retention_days or 7) * 24
    return {
        "server": {"http_listen_port": 3200},
        "distributor": {"receivers": {"otlp": {"protocols": {"grpc": {"endpoint": "0.0.0.0:4317"}}}}},
        "compactor": {"compaction": {"block_retention": f"{hours}h"}},
        "storage": {"trace": {"backend": "local", "local": {"path": "/var/tempo/traces"},
                              "wal": {"path": "/var/tempo/wal"}}},
    }


def vm_files(f: Facts) -> list[KitFile]:
    base = MONITORING_DIR
    files = {
        f"{base}/compose.monitoring.yml": compose(f),
        f"{base}/prometheus/prometheus.yml": prometheus_config(f),
    }
    if f.probed or f.tls_probe:
        files[f"{base}/blackbox/blackbox.yml"] = blackbox_config()
    for rel, data in grafana_provisioning(f).items():
        files[f"{base}/grafana/provisioning/{rel}"] = data
    if wants_logs(f):
        files[f"{base}/loki/loki.yml"] = loki_config(f)
        files[f"{base}/loki/promtail.yml"] = promtail_config(f)
    if f.design.monitoring.tracing:
        files[f"{base}/otel/collector.yml"] = otel_config()
        files[f"{base}/otel/tempo.yml"] = tempo_config(f)
    return [KitFile(path=p, content=dump_yaml(d)) for p, d in files.items()]
