"""The hook interface the engine calls, and the observer that does nothing (telemetry off).

Kept apart from the package's entry point so that the OpenTelemetry side can fall back to `NOOP`
without importing the module that imports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Protocol


class Observer(Protocol):
    """What the engine reports about one call. Every argument is plain data."""

    @property
    def recording(self) -> bool:
        """False for `NOOP`: the engine may then skip the per-chunk `stream_event` calls entirely."""
        ...

    def attempt(self, method: str, url: str) -> None: ...

    def attempt_done(
        self,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
        error: BaseException | None = None,
    ) -> None: ...

    def response(self, data: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> None: ...

    def stream_event(self, event: Mapping[str, Any]) -> None: ...

    def end(self, error: BaseException | None = None) -> None: ...

    def dropped(self) -> None: ...


class _NoOp:
    """The observer when telemetry is off: every hook returns at once."""

    __slots__ = ()
    recording: Final = False

    def attempt(self, method: str, url: str) -> None:
        pass

    def attempt_done(
        self,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
        error: BaseException | None = None,
    ) -> None:
        pass

    def response(self, data: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> None:
        pass

    def stream_event(self, event: Mapping[str, Any]) -> None:
        pass

    def end(self, error: BaseException | None = None) -> None:
        pass

    def dropped(self) -> None:
        pass

    def __repr__(self) -> str:
        return "NOOP"


NOOP: Final = _NoOp()
