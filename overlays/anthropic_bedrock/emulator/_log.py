"""The emulator's memory of what it was asked: the request log and the counters.

Tests read them to assert what reached the wire (``emu.log``, ``emu.requests("invoke")``,
``emu.stats()``); the server thread writes them, so every access goes through one lock.

The log is bounded twice: at most ``limit`` entries and about ``max_bytes`` of bodies, headers and
paths (the oldest entries go first; the newest is always kept). Bodies of requests that were
refused before authentication succeeded (unknown paths, failed signatures, bodies over the size
limit) are kept only up to their first KiB; ``LogEntry.body_size`` still says how long they were.
"""

from __future__ import annotations

import collections
import json
import threading
from dataclasses import dataclass, field
from typing import Final

__all__ = ["KEPT_PREFIX", "LogEntry", "RequestLog", "Stats"]

KEPT_PREFIX: Final = 1024  # bytes of a refused request's body the log keeps


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
    body_size: int = -1

    def __post_init__(self) -> None:
        if self.body_size < 0:
            self.body_size = len(self.body)

    @property
    def truncated(self) -> bool:
        """True when only the start of the body was kept."""
        return len(self.body) < self.body_size

    def footprint(self) -> int:
        """Roughly the bytes this entry holds, for the log's size bound."""
        return 256 + len(self.body) + len(self.path) + sum(len(k) + len(v) for k, v in self.headers)

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
    """The last requests (at most ``limit``, about ``max_bytes``) and the counters."""

    def __init__(self, limit: int, max_bytes: int) -> None:
        self._lock = threading.Lock()
        self._limit = limit
        self._max_bytes = max_bytes
        self._entries: collections.deque[tuple[LogEntry, int]] = collections.deque()
        self._bytes = 0
        self._stats = Stats()

    def record(self, entry: LogEntry) -> None:
        """Log a request as it arrives and count it."""
        size = entry.footprint()
        with self._lock:
            self._entries.append((entry, size))
            self._bytes += size
            self._evict()
            stats = self._stats
            stats.requests += 1
            stats.by_path[entry.path] = stats.by_path.get(entry.path, 0) + 1
            stats.by_operation[entry.operation] = stats.by_operation.get(entry.operation, 0) + 1

    def truncate(self, entry: LogEntry) -> None:
        """Keep only the start of a refused request's body."""
        with self._lock:
            if len(entry.body) <= KEPT_PREFIX:
                return
            entry.body = entry.body[:KEPT_PREFIX]
            # The entry was logged moments ago: look from the newest end.
            for index in range(len(self._entries) - 1, -1, -1):
                logged, size = self._entries[index]
                if logged is entry:
                    self._entries[index] = (entry, entry.footprint())
                    self._bytes += entry.footprint() - size
                    break

    def _evict(self) -> None:
        while len(self._entries) > 1 and (len(self._entries) > self._limit or self._bytes > self._max_bytes):
            _, size = self._entries.popleft()
            self._bytes -= size

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
            return [entry for entry, _ in self._entries]

    def stats(self) -> Stats:
        """A snapshot of the counters."""
        with self._lock:
            return self._stats.copy()

    def reset(self) -> None:
        """Forget the entries and zero the counters."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self._stats = Stats()
