"""The rule groups for a Design: SLO, scrape targets, workloads, host, data stores, certificates,
backups. Only groups that apply are built (no Redis rules without Redis, no host rules on managed
containers); each alert carries its runbook text and the series that fire it and keep it quiet."""

from __future__ import annotations

from launchbay.renderers.monitoring_facts import BACKUP_METRIC, Facts, Job, job_regex
from launchbay.renderers.monitoring_rules import Alert, Case, RuleGroup, Runbook, Series
from launchbay.renderers.monitoring_slo import slo_group
from launchbay.renderers.monitoring_stores import postgres_group, redis_group

FS = 'fstype!~"tmpfs|overlay|squashfs|nsfs"'
DEFAULT_BACKUP_AGE_MINUTES = 26 * 60  # daily backups plus slack, when the Design states no RPO


def _job_series(job: Job, value: str, instance: str = "target:9100") -> Series:
    return Series(f'up{{job="{job.name}",instance="{instance}"}}', value)


def _down_alert(name: str, jobs: tuple[Job, ...], critical: bool) -> Alert:
    job = jobs[0]
    what = "service" if critical else "exporter"
    return Alert(
        name=name, expr=f'up{{job=~"{job_regex(tuple(j.name for j in jobs))}"}} == 0', for_="5m",
        severity="critical" if critical else "warning",
        summary="{{ $labels.job }} target {{ $labels.instance }} is down",
        description=f"Prometheus has failed to scrape the {what} target {{{{ $labels.instance }}}} of job "
                    "{{ $labels.job }} for 5 minutes.",
        runbook=Runbook(
            meaning=f"The {what} does not answer on its metrics endpoint: it is stopped, crashing or unreachable.",
            checks=("Is the process or container running, and what do its last log lines say?",
                    "Does the target answer locally on its metrics port (`curl -s <target>/metrics | head`)?",
                    "The Prometheus targets page (Status → Targets) shows the scrape error."),
            fixes=("Restart it; if it crashes again, the workload alerts and its logs say why.",
                   "Fix the network path or the port if the process runs but cannot be reached.")),
        fires=Case((_job_series(job, "0x20"),), "10m", (("job", job.name), ("instance", "target:9100"))),
        quiet=Case((_job_series(job, "1x20"),), "10m"))


def targets_group(f: Facts) -> RuleGroup:
    jobs = f.jobs
    rules = []
    services = tuple(j for j in jobs if j.critical)
    exporters = tuple(j for j in jobs if not j.critical)
    if services:
        rules.append(_down_alert("ServiceTargetDown", services, True))
    if exporters:
        rules.append(_down_alert("ExporterTargetDown", exporters, False))
    first = jobs[0]
    rules.append(Alert(
        name="ScrapeJobMissing", expr=" or ".join(f'absent(up{{job="{j.name}"}})' for j in jobs), for_="10m",
        severity="warning", summary="No target of job {{ $labels.job }} is being scraped",
        description="Prometheus has no `up` series for job {{ $labels.job }}: its service discovery or scrape "
                    "configuration lost every target.",
        runbook=Runbook(
            meaning="A scrape job has no target at all, so none of its alerts can fire.",
            checks=("Prometheus Status → Service Discovery: is the job there, with how many dropped targets?",
                    "Was the workload renamed, or its labels changed, so the selector no longer matches?"),
            fixes=("Deploy the workload, or regenerate the monitoring kit so its scrape configuration matches.",)),
        fires=Case(tuple(_job_series(j, "1x20") for j in jobs[1:]) or (Series('up{job="other"}', "1x20"),),
                   "15m", (("job", first.name),)),
        quiet=Case(tuple(_job_series(j, "1x20") for j in jobs), "15m")))
    if f.probed:
        rules.append(Alert(
            name="EndpointDown", expr='probe_success{job="blackbox",module="http_2xx"} == 0', for_="5m",
            severity="critical", summary="Health check {{ $labels.instance }} fails",
            description="The blackbox exporter's HTTP probe of {{ $labels.instance }} has failed for 5 minutes.",
            runbook=Runbook(
                meaning="The service's health endpoint does not answer with a 2xx: users are likely affected.",
                checks=("Call the health URL yourself and read the status and body.",
                        "The service's logs and the database / cache alerts."),
                fixes=("Roll back a deploy that broke it (runbooks/rollback.md).",
                       "Restart the service if it hangs; fix the dependency its health check reports.")),
            fires=Case((Series('probe_success{job="blackbox",module="http_2xx",instance="http://api/health"}',
                               "0x20"),), "10m",
                       (("job", "blackbox"), ("module", "http_2xx"), ("instance", "http://api/health"))),
            quiet=Case((Series('probe_success{job="blackbox",module="http_2xx",instance="http://api/health"}',
                                "1x20"),), "10m")))
    return RuleGroup("targets", tuple(rules))


def _container_vm(f: Facts) -> list[Alert]:
    sel = 'name!=""'
    labels = (("name", "app-api-1"),)
    cpu = (f"sum by (name) (rate(container_cpu_usage_seconds_total{{{sel}}}[5m]))"
           f" / on (name) (max by (name) (container_spec_cpu_quota{{{sel}}} > 0)"
           f" / max by (name) (container_spec_cpu_period{{{sel}}}))")
    mem = (f"max by (name) (container_memory_working_set_bytes{{{sel}}})"
           f" / on (name) max by (name) (container_spec_memory_limit_bytes{{{sel}}} > 0)")
    return [
        Alert(name="ContainerCrashLooping", expr=f"changes(container_start_time_seconds{{{sel}}}[15m]) >= 3",
              severity="critical", summary="Container {{ $labels.name }} keeps restarting",
              description="Container {{ $labels.name }} started 3 or more times in 15 minutes.",
              runbook=_crash_runbook(f), fires=Case((Series('container_start_time_seconds{name="app-api-1"}',
                                                           "0+60x30"),), "20m", labels),
              quiet=Case((Series('container_start_time_seconds{name="app-api-1"}', "100x30"),), "20m")),
        _saturation("ContainerCpuNearLimit", cpu, "CPU", labels, (
            Series('container_cpu_usage_seconds_total{name="app-api-1"}', "0+57x40"),
            Series('container_spec_cpu_quota{name="app-api-1"}', "100000x40"),
            Series('container_spec_cpu_period{name="app-api-1"}', "100000x40")), "0+10x40"),
        _saturation("ContainerMemoryNearLimit", mem, "memory", labels, (
            Series('container_memory_working_set_bytes{name="app-api-1"}', "500000000x40"),
            Series('container_spec_memory_limit_bytes{name="app-api-1"}', "512000000x40")), "100000000x40"),
    ]


def _container_k8s(f: Facts) -> list[Alert]:
    by = "namespace, pod, container"
    labels = (("namespace", "app"), ("pod", "api-0"), ("container", "api"))
    ident = 'namespace="app",pod="api-0",container="api"'
    cpu = (f'sum by ({by}) (rate(container_cpu_usage_seconds_total{{container!=""}}[5m]))'
           f' / sum by ({by}) (kube_pod_container_resource_limits{{resource="cpu"}})')
    mem = (f'sum by ({by}) (container_memory_working_set_bytes{{container!=""}})'
           f' / sum by ({by}) (kube_pod_container_resource_limits{{resource="memory"}})')
    return [
        Alert(name="ContainerCrashLooping",
              expr=f'max by ({by}) (kube_pod_container_status_waiting_reason{{reason="CrashLoopBackOff"}}) == 1',
              for_="5m", severity="critical", summary="Container {{ $labels.container }} of {{ $labels.pod }} "
              "is crash looping", description="{{ $labels.namespace }}/{{ $labels.pod }} container "
              "{{ $labels.container }} has been in CrashLoopBackOff for 5 minutes.", runbook=_crash_runbook(f),
              fires=Case((Series(f'kube_pod_container_status_waiting_reason{{{ident},reason="CrashLoopBackOff"}}',
                                 "1x20"),), "10m", labels),
              quiet=Case((Series(f'kube_pod_container_status_waiting_reason{{{ident},reason="CrashLoopBackOff"}}',
                                 "0x20"),), "10m")),
        Alert(name="ContainerRestarting", expr="increase(kube_pod_container_status_restarts_total[1h]) > 3",
              severity="warning", summary="Container {{ $labels.container }} of {{ $labels.pod }} restarts often",
              description="{{ $labels.namespace }}/{{ $labels.pod }} container {{ $labels.container }} restarted "
                          "more than 3 times in the last hour.", runbook=_crash_runbook(f),
              fires=Case((Series(f"kube_pod_container_status_restarts_total{{{ident}}}", "0+1x90"),), "80m",
                         labels),
              quiet=Case((Series(f"kube_pod_container_status_restarts_total{{{ident}}}", "2x90"),), "80m")),
        _saturation("ContainerCpuNearLimit", cpu, "CPU", labels, (
            Series(f"container_cpu_usage_seconds_total{{{ident}}}", "0+57x40"),
            Series(f'kube_pod_container_resource_limits{{{ident},resource="cpu"}}', "1x40")), "0+10x40"),
        _saturation("ContainerMemoryNearLimit", mem, "memory", labels, (
            Series(f"container_memory_working_set_bytes{{{ident}}}", "500000000x40"),
            Series(f'kube_pod_container_resource_limits{{{ident},resource="memory"}}', "512000000x40")),
            "100000000x40"),
    ]


def _crash_runbook(f: Facts) -> Runbook:
    logs = ("`kubectl logs --previous <pod> -c <container>`" if f.platform == "kubernetes"
            else "`docker logs --tail 200 <container>`")
    return Runbook(
        meaning="The container exits soon after it starts: the service is down or flapping.",
        checks=(f"Its last logs before the exit: {logs}.",
                "Out of memory? (the memory alert, or an exit code 137).",
                "A missing secret or config value after a change, or a failing migration."),
        fixes=("Roll back to the previous version (runbooks/rollback.md).",
               "Raise the memory limit through the Design if it is OOM-killed under normal load."))


def _saturation(name: str, expr: str, what: str, labels: tuple[tuple[str, str], ...],
                hot: tuple[Series, ...], cool_first: str) -> Alert:
    cool = (Series(hot[0].selector, cool_first), *hot[1:])
    who = "{{ $labels.container }}" if any(k == "container" for k, _ in labels) else "{{ $labels.name }}"
    return Alert(
        name=name, expr=f"{expr} > 0.9", for_="15m", severity="warning",
        summary=f"{who} uses over 90 % of its {what} limit",
        description=f"Container {who} has used more than 90 % of its {what} limit for 15 minutes.",
        runbook=Runbook(
            meaning=f"The container is close to its {what} limit: "
                    + ("it is being throttled and slows down." if what == "CPU" else "it will be OOM-killed."),
            checks=("The infrastructure dashboard: is the usage growing with traffic or on its own (a leak)?",
                    "Recent deploys that changed its resource use."),
            fixes=("Scale out (more replicas) or raise the limit through the Design (runbooks/scaling.md).",
                   "Fix the leak or the hot code path if usage grows without traffic.")),
        fires=Case(hot, "30m", labels), quiet=Case(cool, "30m"))


def workloads_group(f: Facts) -> RuleGroup | None:
    if f.platform == "vm":
        return RuleGroup("workloads", tuple(_container_vm(f)))
    if f.platform == "kubernetes":
        return RuleGroup("workloads", tuple(_container_k8s(f)))
    return None


def host_group(f: Facts) -> RuleGroup | None:
    if not f.self_run:
        return None
    ident = 'instance="host:9100",mountpoint="/",fstype="ext4"'
    labels = (("instance", "host:9100"), ("mountpoint", "/"), ("fstype", "ext4"))
    avail, size = f"node_filesystem_avail_bytes{{{FS}}}", f"node_filesystem_size_bytes{{{FS}}}"
    return RuleGroup("host", (
        Alert(name="DiskFillForecast", expr=f"predict_linear({avail}[6h], 86400) < 0 and {avail} / {size} < 0.4",
              for_="30m", severity="warning", summary="{{ $labels.mountpoint }} on {{ $labels.instance }} "
              "will be full within 24 hours", description="At the rate of the last 6 hours the filesystem "
              "{{ $labels.mountpoint }} on {{ $labels.instance }} fills up within 24 hours (under 40 % free now).",
              runbook=Runbook(
                  meaning="A disk is filling fast; when full, databases stop writing and services fail.",
                  checks=("`df -h` and `du -xh --max-depth=1 <mountpoint> | sort -h | tail` on the host.",
                          "Logs, backups or database files growing faster than expected."),
                  fixes=("Remove old backups or logs beyond their retention; prune unused images "
                         "(`docker image prune`).", "Grow the volume (Terraform / the provider's console).")),
              fires=Case((Series(f"node_filesystem_avail_bytes{{{ident}}}", "30000000000-100000000x90"),
                          Series(f"node_filesystem_size_bytes{{{ident}}}", "100000000000x90")), "70m", labels),
              quiet=Case((Series(f"node_filesystem_avail_bytes{{{ident}}}", "30000000000x90"),
                          Series(f"node_filesystem_size_bytes{{{ident}}}", "100000000000x90")), "70m")),
        Alert(name="DiskAlmostFull", expr=f"{avail} / {size} < 0.05", for_="5m", severity="critical",
              summary="{{ $labels.mountpoint }} on {{ $labels.instance }} has under 5 % free",
              description="The filesystem {{ $labels.mountpoint }} on {{ $labels.instance }} has less than 5 % "
                          "of its space left.",
              runbook=Runbook(
                  meaning="The disk is about to be full: writes will fail.",
                  checks=("`df -h` on the host; which directory grew (`du`).",),
                  fixes=("Free space now (old backups, logs, images), then grow the volume.",)),
              fires=Case((Series(f"node_filesystem_avail_bytes{{{ident}}}", "3000000000x20"),
                          Series(f"node_filesystem_size_bytes{{{ident}}}", "100000000000x20")), "10m", labels),
              quiet=Case((Series(f"node_filesystem_avail_bytes{{{ident}}}", "30000000000x20"),
                          Series(f"node_filesystem_size_bytes{{{ident}}}", "100000000000x20")), "10m")),
        Alert(name="HostMemoryLow", expr="node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < 0.1",
              for_="15m", severity="warning", summary="{{ $labels.instance }} has under 10 % memory available",
              description="Host {{ $labels.instance }} has had less than 10 % of its memory available for "
                          "15 minutes.",
              runbook=Runbook(
                  meaning="The host is short of memory: the kernel will start killing processes.",
                  checks=("`free -m` and the biggest processes (`ps aux --sort=-rss | head`).",),
                  fixes=("Lower a container's limit or move a workload off the host; resize the host.",)),
              fires=Case((Series('node_memory_MemAvailable_bytes{instance="host:9100"}', "100x30"),
                          Series('node_memory_MemTotal_bytes{instance="host:9100"}', "2000x30")), "20m",
                         (("instance", "host:9100"),)),
              quiet=Case((Series('node_memory_MemAvailable_bytes{instance="host:9100"}', "1000x30"),
                          Series('node_memory_MemTotal_bytes{instance="host:9100"}', "2000x30")), "20m")),
    ))


def certificates_group(f: Facts) -> RuleGroup | None:
    if not f.tls_probe:
        return None
    url = f.public_url() or ""
    sel = f'job="blackbox",module="tls_connect",instance="{url}"'
    labels = (("job", "blackbox"), ("module", "tls_connect"), ("instance", url))
    days = 'probe_ssl_earliest_cert_expiry{job="blackbox"} - time()'

    def expiry(name: str, limit: int, severity: str) -> Alert:
        return Alert(
            name=name, expr=f"({days}) / 86400 < {limit}", for_="10m",
            severity="critical" if severity == "critical" else "warning",
            summary="The TLS certificate of {{ $labels.instance }} expires in under " + f"{limit} days",
            description="The certificate served at {{ $labels.instance }} expires in less than "
                        f"{limit} days: its automatic renewal is failing.",
            runbook=Runbook(meaning="Renewal (ACME / ACM / cert-manager) has not replaced the certificate in time.",
                            checks=("`openssl s_client -connect <host>:443 -servername <host> </dev/null | openssl "
                                    "x509 -noout -dates`.", "The proxy's or cert-manager's logs for ACME errors "
                                    "(DNS not pointing here, port 80 blocked, rate limits)."),
                            fixes=("Fix what blocks the ACME challenge, then restart the proxy / re-issue the "
                                   "certificate.",)),
            fires=Case((Series(f"probe_ssl_earliest_cert_expiry{{{sel}}}", "86400+60x30"),), "20m", labels),
            quiet=Case((Series(f"probe_ssl_earliest_cert_expiry{{{sel}}}", "8640000+60x30"),), "20m"))

    return RuleGroup("certificates", (expiry("CertificateExpiringSoon", 14, "warning"),
                                      expiry("CertificateExpiryImminent", 3, "critical")))


def backup_interval_minutes(f: Facts) -> int | None:
    """How often the planned backup job runs, from its schedule (`hourly ...`, `daily ...`)."""
    schedule = (f.design.backup.schedule if f.design.backup else "").lower()
    return 60 if schedule.startswith("hourly") else 1440 if schedule.startswith("daily") else None


def backup_age_minutes(f: Facts) -> int:
    """The RPO; when the plan says the schedule cannot meet it, 1.5 × the job's interval (so the alert
    means "a run was missed", not "the RPO is unreachable by design")."""
    backup = f.design.backup
    interval = backup_interval_minutes(f)
    if backup is None or not backup.rpo_minutes:
        return interval * 3 // 2 if interval else DEFAULT_BACKUP_AGE_MINUTES
    if backup.meets_rpo is False and interval and interval > backup.rpo_minutes:
        return interval * 3 // 2
    return backup.rpo_minutes


def backups_group(f: Facts) -> RuleGroup | None:
    if not f.backup_job:
        return None
    age = backup_age_minutes(f)
    eval_at = age + 15
    labels = (("instance", "host:9100"), ("job", "node"), ("store", "all"))
    sel = 'instance="host:9100",job="node",store="all"'
    return RuleGroup("backups", (
        Alert(name="BackupTooOld", expr=f"time() - {BACKUP_METRIC} > {age * 60}", severity="critical",
              summary="The last successful backup is older than " + f"{age} minutes",
              description=f"No backup has succeeded for more than {age} minutes: a failure now loses more data "
                          "than planned.",
              runbook=Runbook(meaning="The backup job has not succeeded within the RPO.",
                              checks=("The backup job's last runs and their logs "
                                      "(`systemctl list-timers`, `journalctl -u <project>-backup`).",
                                      "Disk space in the backup directory; the database's health."),
                              fixes=("Run the backup now by hand and watch it finish "
                                     "(runbooks/backup-restore.md); fix what failed.",)),
              fires=Case((Series(f"{BACKUP_METRIC}{{{sel}}}", f"0x{eval_at + 5}"),), f"{eval_at}m", labels),
              quiet=Case((Series(f"{BACKUP_METRIC}{{{sel}}}", f"0+60x{eval_at + 5}"),), f"{eval_at}m")),
        Alert(name="BackupNeverReported", expr=f"absent({BACKUP_METRIC})", for_="2h", severity="warning",
              summary="The backup job reports no result",
              description=f"No {BACKUP_METRIC} series for 2 hours: the backup job has never run, or it does not "
                          "write its textfile for node_exporter.",
              runbook=Runbook(meaning="Backup freshness cannot be checked.",
                              checks=("Is the backup timer enabled? Does its run write the textfile?",),
                              fixes=("Enable the timer; run one backup by hand.",)),
              fires=Case((Series('up{job="node"}', "1x200"),), "150m"),
              quiet=Case((Series(f"{BACKUP_METRIC}{{{sel}}}", "0+60x200"),), "150m")),
    ))


def rule_groups(f: Facts) -> tuple[RuleGroup, ...]:
    """Every group that applies to the Design, in a fixed order."""
    built = (slo_group(f), targets_group(f) if f.jobs else None, workloads_group(f), host_group(f),
             postgres_group(f), redis_group(f), certificates_group(f), backups_group(f))
    return tuple(g for g in built if g is not None)
