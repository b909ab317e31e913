"""DR docs for a design whose environments do not all carry every managed store (found by the field trial:
a PostgreSQL-only containers design crashed the backup-restore runbook)."""

from __future__ import annotations

from launchbay.renderers.dr_docs import DrDocsRenderer
from tests.kit.support import design


def test_backup_restore_renders_with_postgres_but_no_redis() -> None:
    full = design("py-web3")
    stores = tuple(s for s in full.data_stores if s.engine != "redis")
    assert len(stores) < len(full.data_stores)
    pg_only = full.model_copy(update={"data_stores": stores})
    pages = {f.path.rsplit("/", 1)[-1]: f.content for f in DrDocsRenderer().render(pg_only)}
    runbook = pages["backup-restore.md"]
    rows = [line for line in runbook.splitlines() if line.startswith("| `") and "PostgreSQL" not in line]
    assert len(rows) == len(full.environments)
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert cells[1] != "—" and cells[-1] == "—", row  # an RDS identifier, no Redis group
