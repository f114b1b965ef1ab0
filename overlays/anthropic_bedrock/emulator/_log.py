"""The emulator's memory of what it was asked: the request log and the counters.

Tests read them to assert what reached the wire (``emu.log``, ``emu.requests("invoke")``,
``emu.stats()``); the server thread writes them, so every access goes through one lock.
"""

from __future__ import annotations

import collections
import json
import threading
from dataclasses import dataclass, field

__all__ = ["LogEntry", "RequestLog", "Stats"]


@dataclass(slots=True)
class LogEntry:
    """One request as received (``path`` is the raw request target, query included)."""

    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes
    received_at: float
    request_id: str
    operation: str
    model_id: str | None = None
    fault: str | None = None
    status: int | None = None

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        name = name.lower()
        return next((value for key, value in self.headers if key == name), None)

    def json(self) -> object:
        """The body parsed as JSON."""
        return json.loads(self.body)


@dataclass(slots=True)
class Stats:
    """Counters since start or the last ``reset()``."""

    requests: int = 0
    by_path: dict[str, int] = field(default_factory=dict)
    by_operation: dict[str, int] = field(default_factory=dict)
    by_status: dict[int, int] = field(default_factory=dict)
    signature_failures: int = 0
    faults_served: int = 0
    connections_opened: int = 0

    def copy(self) -> Stats:
        return Stats(
            requests=self.requests,
            by_path=dict(self.by_path),
            by_operation=dict(self.by_operation),
            by_status=dict(self.by_status),
            signature_failures=self.signature_failures,
            faults_served=self.faults_served,
            connections_opened=self.connections_opened,
        )


class RequestLog:
    """The last ``limit`` requests and the counters, shared by the server and the test thread."""

    def __init__(self, limit: int) -> None:
        self._lock = threading.Lock()
        self._entries: collections.deque[LogEntry] = collections.deque(maxlen=limit)
        self._stats = Stats()

    def record(self, entry: LogEntry) -> None:
        """Log a request as it arrives and count it."""
        with self._lock:
            self._entries.append(entry)
            stats = self._stats
            stats.requests += 1
            stats.by_path[entry.path] = stats.by_path.get(entry.path, 0) + 1
            stats.by_operation[entry.operation] = stats.by_operation.get(entry.operation, 0) + 1

    def finish(self, entry: LogEntry, status: int) -> None:
        """Note the status a request was answered with."""
        with self._lock:
            entry.status = status
            self._stats.by_status[status] = self._stats.by_status.get(status, 0) + 1

    def count_signature_failure(self) -> None:
        with self._lock:
            self._stats.signature_failures += 1

    def count_fault(self) -> None:
        with self._lock:
            self._stats.faults_served += 1

    def count_connection(self) -> None:
        with self._lock:
            self._stats.connections_opened += 1

    def entries(self) -> list[LogEntry]:
        """A copy of the log, oldest first."""
        with self._lock:
            return list(self._entries)

    def stats(self) -> Stats:
        """A snapshot of the counters."""
        with self._lock:
            return self._stats.copy()

    def reset(self) -> None:
        """Forget the entries and zero the counters."""
        with self._lock:
            self._entries.clear()
            self._stats = Stats()
