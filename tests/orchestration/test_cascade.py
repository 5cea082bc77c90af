"""The batch's final state computed in SQL (in the UPDATE that counts the last job) agrees with the
domain's rule, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools

from sqlalchemy import literal, select

from stoflow.domain.batch_state import BatchCounters
from stoflow.orchestration.cascade import settled_status_sql
from stoflow.store.database import Database


def test_settled_status_in_sql_matches_the_domain_rule(db: Database) -> None:
    settled = [
        BatchCounters(total=c + f + x, completed=c, failed=f, cancelled=x)
        for c, f, x in itertools.product(range(3), repeat=3)
        if c + f + x
    ]
    with db.shared.connect() as conn:
        for counters in settled:
            in_sql = conn.scalar(
                select(
                    settled_status_sql(
                        literal(counters.total), literal(counters.completed), literal(counters.failed)
                    )
                )
            )
            assert in_sql == counters.settled_status().value, counters
