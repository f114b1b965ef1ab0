"""The two drivers of batch flows: `SyncRunner` does each effect in place, `AsyncRunner` awaits the
engine, runs S3 work in a worker thread and sleeps without blocking the loop. Both are thin: what to
do is decided by the flow (`effects`, `flows`).

A runner owns the S3 client its flow needed (botocore's, built on first use from the engine's
credentials) and closes it in `close()`; `run` closes it when the flow ends.
"""

from __future__ import annotations

import inspect
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import anyio

from .._http.offloop import run_in_worker
from .effects import Api, Effect, Emit, Flow, Progress, Sleep, WithS3
from .transfers import s3_transfers

if TYPE_CHECKING:
    import httpx

    from .._aws.s3 import S3Transfers
    from .._config import Settings
    from .._operations.base import Call, Operation
    from .jobs import MessageBatch

__all__ = ["AsyncFlowItems", "AsyncRunner", "OnProgress", "SyncRunner"]

R = TypeVar("R")
OnProgress = Callable[["MessageBatch"], Any]
"""Called with each fresh view of a batch; an async client awaits what it returns, if awaitable."""


class _Raw(Protocol):
    http_response: httpx.Response


class _SyncRaw(_Raw, Protocol):
    def parse(self) -> Any: ...


class _AsyncRaw(_Raw, Protocol):
    async def parse(self) -> Any: ...


class _Engine(Protocol):
    _settings: Settings
    _auth: httpx.Auth

    def _prepare(self, operation: Operation[Any, Any], params: Mapping[str, Any]) -> Call[Any, Any]: ...


class SyncEngine(_Engine, Protocol):
    def _call(self, call: Call[Any, Any]) -> _SyncRaw: ...


class AsyncEngine(_Engine, Protocol):
    async def _call(self, call: Call[Any, Any]) -> _AsyncRaw: ...


def _advance(flow: Flow[R], value: Any, error: BaseException | None) -> Effect:
    return flow.throw(error) if error is not None else flow.send(value)


class SyncRunner:
    """Drives flows with the sync engine."""

    def __init__(self, engine: SyncEngine, on_progress: OnProgress | None = None) -> None:
        self._engine = engine
        self._on_progress = on_progress
        self._s3: S3Transfers | None = None

    @property
    def s3(self) -> S3Transfers:
        if self._s3 is None:
            self._s3 = s3_transfers(self._engine._auth, self._engine._settings.region)
        return self._s3

    def close(self) -> None:
        s3, self._s3 = self._s3, None
        if s3 is not None:
            s3.close()

    def run(self, flow: Flow[R], *, keep_s3: bool = False) -> R:
        """The flow's result (its S3 client is closed after, unless `keep_s3`)."""
        steps = self._steps(flow, emit=False)
        try:
            while True:
                next(steps)  # a flow that emits nothing only ends, with its result
        except StopIteration as stop:
            result: R = stop.value
        except BaseException:
            self.close()
            raise
        if not keep_s3:
            self.close()
        return result

    def iterate(self, flow: Flow[None]) -> Iterator[Any]:
        """The items the flow emits, as it emits them."""
        yield from self._steps(flow, emit=True)

    def _steps(self, flow: Flow[Any], *, emit: bool) -> Generator[Any, None, Any]:
        value: Any = None
        error: BaseException | None = None
        while True:
            try:
                effect = _advance(flow, value, error)
            except StopIteration as stop:
                return stop.value
            value = error = None
            if isinstance(effect, Emit):
                if not emit:
                    raise RuntimeError("this batch flow emits items; iterate it")
                yield from effect.items
                continue
            try:
                value = self._perform(effect)
            except Exception as exc:
                error = exc

    def _perform(self, effect: Effect) -> Any:
        if isinstance(effect, Api):
            call = self._engine._prepare(effect.operation, effect.params)
            if not effect.send:
                return None
            raw = self._engine._call(call)
            answer = raw.parse()
            return (answer, raw.http_response) if effect.raw else answer
        if isinstance(effect, WithS3):
            return effect.function(self.s3)
        if isinstance(effect, Sleep):
            time.sleep(effect.seconds)
            return None
        if isinstance(effect, Progress):
            if self._on_progress is not None:
                self._on_progress(effect.batch)
            return None
        raise TypeError(f"unknown batch effect {effect!r}")


class AsyncRunner:
    """Drives flows with the async engine; blocking S3 work runs in worker threads."""

    def __init__(self, engine: AsyncEngine, on_progress: OnProgress | None = None) -> None:
        self._engine = engine
        self._on_progress = on_progress
        self._s3: S3Transfers | None = None

    async def s3(self) -> S3Transfers:
        if self._s3 is None:
            engine = self._engine
            self._s3 = await run_in_worker(lambda: s3_transfers(engine._auth, engine._settings.region))
        return self._s3

    async def close(self) -> None:
        s3, self._s3 = self._s3, None
        if s3 is not None:
            await run_in_worker(s3.close)

    async def run(self, flow: Flow[R], *, keep_s3: bool = False) -> R:
        """The flow's result (its S3 client is closed after, unless `keep_s3`)."""
        items = AsyncFlowItems(self, flow, emit=False)
        try:
            async for _ in items:
                pass
        except BaseException:
            await self.close()
            raise
        if not keep_s3:
            await self.close()
        result: R = items.result
        return result

    async def perform(self, effect: Effect) -> Any:
        if isinstance(effect, Api):
            call = self._engine._prepare(effect.operation, effect.params)
            if not effect.send:
                return None
            raw = await self._engine._call(call)
            answer = await raw.parse()
            return (answer, raw.http_response) if effect.raw else answer
        if isinstance(effect, WithS3):
            s3 = await self.s3()
            function = effect.function
            return await run_in_worker(lambda: function(s3))
        if isinstance(effect, Sleep):
            await anyio.sleep(effect.seconds)
            return None
        if isinstance(effect, Progress):
            if self._on_progress is not None:
                answer = self._on_progress(effect.batch)
                if inspect.isawaitable(answer):
                    await answer
            return None
        raise TypeError(f"unknown batch effect {effect!r}")


class AsyncFlowItems:
    """The items a flow emits, as an async iterator (a plain object rather than an async generator,
    so that one dropped half-read leaves nothing for the event loop to finalize)."""

    def __init__(self, runner: AsyncRunner, flow: Flow[Any], *, emit: bool = True) -> None:
        self._runner = runner
        self._flow = flow
        self._emit = emit
        self._items: deque[Any] = deque()
        self._value: Any = None
        self._error: BaseException | None = None
        self._done = False
        self.result: Any = None

    def __aiter__(self) -> AsyncFlowItems:
        return self

    async def __anext__(self) -> Any:
        while not self._items:
            if self._done:
                raise StopAsyncIteration
            try:
                effect = _advance(self._flow, self._value, self._error)
            except StopIteration as stop:
                self._done = True
                self.result = stop.value
                continue
            self._value = self._error = None
            if isinstance(effect, Emit):
                if not self._emit:
                    raise RuntimeError("this batch flow emits items; iterate it")
                self._items.extend(effect.items)
                continue
            try:
                self._value = await self._runner.perform(effect)
            except Exception as exc:
                self._error = exc
        return self._items.popleft()
