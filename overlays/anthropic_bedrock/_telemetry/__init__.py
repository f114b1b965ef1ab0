"""OpenTelemetry GenAI spans and metrics for every call, behind a few hooks the engine calls, free when off.

Why a hook API: the engine (one send/retry loop and one stream reader, shared by the sync and async
clients) only reports what happens, as plain data (the JSON body it sends, the JSON it gets back,
status codes, headers, exceptions); this package turns that into the GenAI semantic conventions
(`conventions` names the version). It imports nothing from the SDK above it, and `opentelemetry`
only once a provider is configured.

The hooks (`Observer`), and where the engine calls them::

    observer = telemetry.start(CHAT, model, body, server=(host, port), stream=call.stream)
    try:
        while True:                                     # the send/retry loop
            observer.attempt(request.method, str(request.url))
            try:
                response = send(request)
            except TransportError as exc:
                observer.attempt_done(error=exc)
                sleep(after_error(exc))                 # raises when out of retries -> except below
                continue
            observer.attempt_done(response.status_code, response.headers)
            if not retry: break
        if error status: raise status_error(response)   # -> except below
        if not stream:
            data = json(response)
            observer.response(data, response.headers)   # then parse `data` into the SDK's model
            observer.end()
        else:
            hand `observer` to the stream reader
    except BaseException as exc:
        observer.end(exc)
        raise

    # the stream reader, for each chunk's JSON dict, before it is decoded into an event:
    observer.stream_event(chunk)                        # skip the call when not observer.recording
    # when the stream completes or is closed: observer.end(); on an error or a cancellation
    # reaching the reader: observer.end(exc); in the stream's weakref finalizer: observer.dropped()

A non-streamed call ends when its body has been read, not when a raw response is parsed later: the
engine decodes the JSON once, hands it to `response`, and parses the same dict afterwards. A
streamed call's raw response dropped before it was ever parsed reports `dropped()` from its own
finalizer, as a stream does.

`end` may be called more than once (only the first counts), so a stream's close after its end is
harmless. When OpenTelemetry is not installed, or installed with neither a tracer nor a meter
provider configured, `start` returns `NOOP`, whose hooks do nothing, after two dictionary lookups.

Message content (system prompt, messages, answers, tool calls and results, tool names) is recorded
only when opted in: `capture_content=True`, or `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`
set to `true` (or `SPAN_ONLY` / `SPAN_AND_EVENT`). Headers are never recorded, only the request id
read from them; `url.full` has credentials redacted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any, Final, Protocol

from .conventions import (
    BATCH_RESULTS,
    CANCEL_BATCH,
    CAPTURE_CONTENT_ENV,
    CHAT,
    COUNT_TOKENS,
    CREATE_BATCH,
    LIST_BATCHES,
    RETRIEVE_BATCH,
    TEXT_COMPLETION,
)
from .extract import capture_from_env
from .observer import NOOP, Observer

__all__ = [
    "BATCH_RESULTS",
    "CANCEL_BATCH",
    "CHAT",
    "COUNT_TOKENS",
    "CREATE_BATCH",
    "DEFAULT",
    "LIST_BATCHES",
    "NOOP",
    "RETRIEVE_BATCH",
    "TEXT_COMPLETION",
    "Observer",
    "Telemetry",
    "flush",
    "start",
]


class _Factory(Protocol):
    def observe(
        self,
        operation: str,
        model: str | None,
        params: Mapping[str, Any] | None,
        server: tuple[str, int] | None,
        stream: bool,
    ) -> Observer: ...


class _Off:
    """Telemetry found switched off for good (providers that record nothing, or no usable API)."""

    __slots__ = ()

    def observe(
        self,
        operation: str,
        model: str | None,
        params: Mapping[str, Any] | None,
        server: tuple[str, int] | None,
        stream: bool,
    ) -> Observer:
        return NOOP


_OFF: Final = _Off()
_modules = sys.modules
_TRACE_API: Final = "opentelemetry.trace"
_METRICS_API: Final = "opentelemetry.metrics._internal"
# The environment variables through which the OpenTelemetry API loads a provider on first use.
_PROVIDER_ENV: Final = ("OTEL_PYTHON_TRACER_PROVIDER", "OTEL_PYTHON_METER_PROVIDER")


def _no_global_provider() -> bool:
    """Whether no global tracer or meter provider is set, found without importing `opentelemetry`:
    setting one imports its module first, so a module not yet imported means none is set. The
    API's own globals are read directly: this runs on every call while OpenTelemetry is imported
    but no provider is set."""
    try:
        module = _modules.get(_TRACE_API)
        if module is not None and module._TRACER_PROVIDER is not None:
            return False
        module = _modules.get(_METRICS_API)
        return module is None or module._METER_PROVIDER is None
    except AttributeError:  # the API renamed its private globals: look for providers the public way
        return False


class Telemetry:
    """A client's telemetry settings; `start` begins observing one call.

    `tracer_provider` / `meter_provider`: explicit providers (default: the global ones, looked up
    when the first call starts and then kept, as the API sets each global provider once).
    `capture_content`: record message content (default: the environment variable decides).
    `version`: the SDK version, reported as the instrumentation scope's version.
    """

    __slots__ = ("_capture", "_explicit", "_instruments", "_meter_provider", "_tracer_provider", "_version")

    def __init__(
        self,
        *,
        capture_content: bool | None = None,
        tracer_provider: object | None = None,
        meter_provider: object | None = None,
        version: str = "",
    ) -> None:
        if capture_content is not None and not isinstance(capture_content, bool):
            raise TypeError(f"capture_content must be a bool or None, not {type(capture_content).__name__}")
        self._capture = capture_content
        self._tracer_provider = tracer_provider
        self._meter_provider = meter_provider
        self._version = version
        # Whether to build the instruments without first looking for a global provider.
        self._explicit = (
            tracer_provider is not None
            or meter_provider is not None
            or any(os.environ.get(name) for name in _PROVIDER_ENV)
        )
        self._instruments: _Factory | None = None

    def start(
        self,
        operation: str,
        model: str | None,
        params: Mapping[str, Any] | None = None,
        *,
        server: tuple[str, int] | None = None,
        stream: bool = False,
    ) -> Observer:
        """Begin observing one call: `operation` is one of this module's operation names, `model`
        the model id as sent, `params` the JSON body sent (or None), `server` the endpoint's host and
        port, `stream` whether the answer streams."""
        instruments = self._instruments
        if instruments is None:
            if not self._explicit:
                if _TRACE_API not in _modules and _METRICS_API not in _modules:
                    return NOOP  # OpenTelemetry not even imported: no provider can be set
                if _no_global_provider():
                    return NOOP
            instruments = self._instruments = self._resolve()
        return instruments.observe(operation, model, params, server, stream)

    def _resolve(self) -> _Factory:
        try:
            from ._otel import Instruments
        except ImportError:  # a provider module without the full API: nothing to record to
            return _OFF
        capture = self._capture
        if capture is None:
            capture = capture_from_env(os.environ.get(CAPTURE_CONTENT_ENV))
        try:
            instruments = Instruments(
                self._tracer_provider,  # type: ignore[arg-type]
                self._meter_provider,  # type: ignore[arg-type]
                capture=capture,
                version=self._version,
            )
        except Exception:  # telemetry never breaks a call: a provider that fails here records nothing
            import logging

            logging.getLogger("anthropic_bedrock").warning("telemetry is off: no tracer or meter", exc_info=True)
            return _OFF
        return _OFF if instruments.off else instruments

    def flush(self) -> None:
        """End the spans of streams dropped unclosed now, rather than at the next call or at exit."""
        flush()


def flush() -> None:
    """End the spans of every stream dropped unclosed so far (a no-op when nothing was recorded)."""
    otel = _modules.get(__name__ + "._otel")
    if otel is not None:
        otel.drain_dropped()


DEFAULT: Final = Telemetry()
"""Telemetry on the global providers, content capture from the environment."""


start: Final = DEFAULT.start
"""`DEFAULT.start(operation, model, params=None, *, server=None, stream=False)`."""
