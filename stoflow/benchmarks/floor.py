"""The floor every benchmark is compared with: raw single-row UPDATE + COMMIT through the driver.

One connection, no SQLAlchemy, the smallest transaction that writes and flushes: no design that
commits each task on its own can beat it on the same database by much.

Two forms on PostgreSQL, both reported so the comparison hides nothing:
- `raw_commits_per_s`: UPDATE then COMMIT as the driver sends them by default (psycopg opens the
  transaction with its own BEGIN: three round trips and one flush). This is the floor the goals
  in the issues are stated against.
- `raw_commits_per_s(..., one_round_trip=True)`: the same UPDATE in autocommit mode, its own
  transaction (one round trip and one flush), the way the orchestrator sends its between-task
  statement; the stricter floor.
"""

from __future__ import annotations

import time
import uuid

from stoflow.store.database import Database


def raw_commits_per_s(db: Database, commits: int = 3000, *, one_round_trip: bool = False) -> float:
    # A scratch table with a random name (constant text otherwise), dropped afterwards.
    name = f"bench_floor_{uuid.uuid4().hex[:12]}"
    table = f"stoflow_shared.{name}" if db.is_postgres else name
    raw = db.shared.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        cursor.execute(f"INSERT INTO {table} VALUES (1, 0)")  # noqa: S608 - no input in it
        raw.commit()
        autocommit = one_round_trip and db.is_postgres
        if autocommit:
            raw.driver_connection.autocommit = True  # type: ignore[union-attr]
        started = time.perf_counter()
        for _ in range(commits):
            cursor.execute(f"UPDATE {table} SET n = n + 1 WHERE id = 1")  # noqa: S608
            if not autocommit:
                raw.commit()
        elapsed = time.perf_counter() - started
        if autocommit:
            raw.driver_connection.autocommit = False  # type: ignore[union-attr]
        cursor.execute(f"DROP TABLE {table}")
        raw.commit()
        return commits / elapsed
    finally:
        raw.close()
