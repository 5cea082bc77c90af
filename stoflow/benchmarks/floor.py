"""The floor every benchmark is compared with: raw single-row UPDATE + COMMIT through the driver.

One connection, no SQLAlchemy, the smallest transaction that writes and flushes: no design that
commits each task on its own can beat it on the same database.
"""

from __future__ import annotations

import time
import uuid

from stoflow.store.database import Database


def raw_commits_per_s(db: Database, commits: int = 3000) -> float:
    # A scratch table with a random name (constant text otherwise), dropped afterwards.
    name = f"bench_floor_{uuid.uuid4().hex[:12]}"
    table = f"stoflow_shared.{name}" if db.is_postgres else name
    raw = db.shared.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)")
        cursor.execute(f"INSERT INTO {table} VALUES (1, 0)")  # noqa: S608 - no input in it
        raw.commit()
        started = time.perf_counter()
        for _ in range(commits):
            cursor.execute(f"UPDATE {table} SET n = n + 1 WHERE id = 1")  # noqa: S608
            raw.commit()
        elapsed = time.perf_counter() - started
        cursor.execute(f"DROP TABLE {table}")
        raw.commit()
        return commits / elapsed
    finally:
        raw.close()
