"""A record of every marketplace call an emulator answered, for tests and demos."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class CallRecord:
    seq: int
    at: float
    seller: str | None
    route: str
    method: str
    path: str
    status: int | None  # None when the connection was dropped before any status was sent
    faults: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class CallLog:
    def __init__(self) -> None:
        self._records: list[CallRecord] = []
        self._lock = threading.Lock()

    def append(
        self,
        *,
        at: float,
        seller: str | None,
        route: str,
        method: str,
        path: str,
        status: int | None,
        faults: tuple[str, ...],
    ) -> CallRecord:
        with self._lock:
            record = CallRecord(len(self._records) + 1, at, seller, route, method, path, status, faults)
            self._records.append(record)
            return record

    def records(self, seller: str | None = None, route: str | None = None) -> list[CallRecord]:
        with self._lock:
            return [
                r
                for r in self._records
                if (seller is None or r.seller == seller) and (route is None or r.route == route)
            ]

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
