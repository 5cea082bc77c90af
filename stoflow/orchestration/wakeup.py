"""Waking idle workers when jobs become due: LISTEN/NOTIFY on PostgreSQL, a short poll on SQLite.

`notify_jobs_ready` runs inside the transaction that makes jobs due, so PostgreSQL delivers the
notification only when they are committed and visible to the worker's claim. The payload is the
tenant name, for logs; a listener simply wakes up and claims.
"""

from __future__ import annotations

import logging
import threading

import psycopg
from sqlalchemy import Connection, func, select
from sqlalchemy.engine import URL

log = logging.getLogger(__name__)

CHANNEL = "stoflow_jobs"


def notify_jobs_ready(conn: Connection, tenant: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_notify(CHANNEL, tenant)))


class Listener:
    """A thread that LISTENs and sets `wake` on each notification; reconnects after failures."""

    def __init__(self, url: URL, wake: threading.Event, stop: threading.Event) -> None:
        # psycopg takes a libpq URL: drop SQLAlchemy's "+psycopg" driver suffix.
        self._dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._wake = wake
        self._stop = stop
        self._thread = threading.Thread(target=self._run, name="stoflow-listener", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._dsn, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    # Anything committed while we were not listening: claim once to catch up.
                    self._wake.set()
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=0.5, stop_after=1):
                            self._wake.set()
            except psycopg.Error as exc:
                log.warning("listener: %s; reconnecting", exc)
                self._stop.wait(1.0)
