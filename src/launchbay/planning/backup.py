"""Backup and DR from RPO/RTO: schedule, point-in-time recovery, copies in the DR region, failover —
and an honest verdict when the plan cannot meet what was asked."""

from __future__ import annotations

from launchbay.models.design import BackupPlan, DataStore
from launchbay.planning.context import PlanContext

# Stated restore-time assumptions (minutes) for a small database, used to judge the RTO.
RESTORE_MINUTES = {"managed-pitr": 45, "snapshot": 60, "file-copy": 20, "failover-standby": 2, "replica-promote": 15}


def plan_backup(ctx: PlanContext, stores: tuple[DataStore, ...], platform: str) -> BackupPlan | None:
    """None when nothing holds state (a stateless service needs no backup)."""
    stateful = [s for s in stores if s.role in {"database", "file"}]
    if not stateful:
        return None
    rpo = ctx.answer("backup.rpo_minutes")
    rto = ctx.answer("backup.rto_minutes")
    dr = ctx.answer("backup.dr_region")
    failover = str(ctx.answer("backup.failover") or "manual")
    notes: list[str] = []
    managed = platform in {"containers", "kubernetes"} and ctx.cloud == "aws"
    sqlite = any(s.engine == "sqlite" for s in stateful)
    if managed:
        method, pitr, achievable_rpo = "RDS automated backups with point-in-time recovery", True, 5
        schedule = "continuous transaction-log backup (restorable to any second), daily snapshot"
        restore = RESTORE_MINUTES["failover-standby"] if _multi_az(stores) else RESTORE_MINUTES["managed-pitr"]
    elif sqlite:
        method, pitr = "hourly `sqlite3 .backup` on the host, carried off the host by daily disk backups", False
        schedule, achievable_rpo = "hourly local copy, daily off-host backup", 1440
        if rpo is not None and int(rpo) < 1440:
            method = "continuous SQLite replication to object storage (Litestream)"
            schedule, achievable_rpo = "continuous (WAL frames shipped every second)", 1
            notes.append("the object-storage bucket Litestream writes to is not in the price table: not priced")
        restore = RESTORE_MINUTES["file-copy"]
    else:
        method, pitr = "nightly logical dump (pg_dump/mysqldump) copied off the host, plus disk snapshots", False
        schedule = "hourly dump" if rpo is not None and int(rpo) < 1440 else "daily dump"
        achievable_rpo = 60 if schedule == "hourly dump" else 1440
        restore = RESTORE_MINUTES["snapshot"]
    dr_copy = None
    if dr:
        dr_copy = (f"automated snapshot and log copies to {dr}" if managed
                   else f"backup files replicated to object storage in {dr}")
        if failover == "automatic":
            restore = min(restore, RESTORE_MINUTES["replica-promote"])
            notes.append(f"automatic failover needs a standby in {dr}: a cross-region read replica, promoted by a "
                         "health-checked runbook")
    meets_rpo = None if rpo is None else achievable_rpo <= int(rpo)
    meets_rto = None if rto is None else restore <= int(rto)
    if meets_rpo is False:
        notes.append(f"cannot meet RPO {rpo} min: this design loses up to {achievable_rpo} min of data")
    if meets_rto is False:
        notes.append(f"cannot meet RTO {rto} min: a restore takes about {restore} min (stated assumption)")
    ctx.assume(f"restore times used to judge the RTO: {', '.join(f'{k} {v} min' for k, v in RESTORE_MINUTES.items())}")
    retention = 35 if ctx.answer("security.compliance") and "soc2" in (ctx.answer("security.compliance") or ()) else 14
    return BackupPlan(
        rpo_minutes=None if rpo is None else int(rpo), rto_minutes=None if rto is None else int(rto),
        method=method, schedule=schedule, pitr=pitr, retention_days=retention, dr_copy=dr_copy,
        failover=failover, restore_estimate_minutes=restore, meets_rpo=meets_rpo, meets_rto=meets_rto,
        notes=tuple(notes),
    )


def _multi_az(stores: tuple[DataStore, ...]) -> bool:
    return any(size.multi_az for s in stores for env, size in s.sizes.items() if env == "production")
