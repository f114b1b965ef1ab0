"""The observer that records to OpenTelemetry. Imported only once a tracer or meter provider is
configured, so a program without OpenTelemetry never loads it (nor `opentelemetry`).

One `SpanObserver` per call: a CLIENT span named `{operation} {model}` started at the call, one HTTP
CLIENT child span per attempt, and at the end the response attributes, the span status and the
metrics. A stream dropped without being closed is ended later (see `SpanObserver.dropped`).

Attempts are child spans rather than events on the call's span: that is how the HTTP conventions
model resends (a span per try, `http.request.resend_count` from the second on), each try keeps its
own duration, status, `error.type` and request id, and the backoff shows as the gap between them.
An error that a retry got past stays on its attempt's span; the call's span and duration metric
carry only the error the call ended with, as "Recording errors" asks. While an attempt is sent its
span is current and HTTP instrumentation is suppressed below it, so an instrumented httpx or aiohttp
adds no second span for the same request.
"""

from __future__ import annotations

import atexit
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any, Concatenate, Final, ParamSpec, TypeVar

from opentelemetry import context as otel_context
from opentelemetry import metrics, trace
from opentelemetry.metrics import MeterProvider, NoOpHistogram
from opentelemetry.trace import NoOpTracer, Span, SpanKind, Status, StatusCode, TracerProvider

from . import content as _content
from . import conventions as c
from .extract import AttributeValue, Outcome, error_description, error_type, header, redact_url, request_attributes
from .observer import NOOP, Observer

logger = logging.getLogger("anthropic_bedrock")

P = ParamSpec("P")
S = TypeVar("S", bound="SpanObserver")


def _guarded(hook: Callable[Concatenate[S, P], None]) -> Callable[Concatenate[S, P], None]:
    """Telemetry never breaks a call: a failure inside a hook is logged, and the call goes on."""

    def guarded(self: S, /, *args: P.args, **kwargs: P.kwargs) -> None:
        try:
            hook(self, *args, **kwargs)
        except Exception:
            logger.warning("telemetry hook %s failed; the call is not affected", hook.__name__, exc_info=True)

    guarded.__name__, guarded.__qualname__, guarded.__doc__ = hook.__name__, hook.__qualname__, hook.__doc__
    return guarded


# Set while an attempt is sent, so that an instrumented HTTP client (httpx, aiohttp) does not add a
# second span for the request this SDK already describes; `botocore`'s instrumentation does the same.
_SUPPRESS_HTTP: Final = getattr(otel_context, "_SUPPRESS_HTTP_INSTRUMENTATION_KEY", None)

# Observers of streams dropped unclosed, waiting to be ended in ordinary code (see `dropped`).
_DROPPED: deque[SpanObserver] = deque()


def drain_dropped() -> None:
    """End the spans of dropped streams, with the end time taken when each was dropped."""
    while _DROPPED:
        try:
            observer = _DROPPED.popleft()
        except IndexError:  # another thread took the last one
            return
        observer.finish_dropped()


atexit.register(drain_dropped)


class Instruments:
    """The tracer, the three histograms and the content switch shared by a client's calls."""

    __slots__ = ("capture", "duration", "first_chunk", "tokens", "tracer")

    def __init__(
        self,
        tracer_provider: TracerProvider | None,
        meter_provider: MeterProvider | None,
        *,
        capture: bool,
        version: str,
    ) -> None:
        self.capture = capture
        self.tracer = trace.get_tracer(c.INSTRUMENTATION_NAME, version, tracer_provider, schema_url=c.SCHEMA_URL)
        meter = metrics.get_meter(c.INSTRUMENTATION_NAME, version, meter_provider, schema_url=c.SCHEMA_URL)
        self.duration = meter.create_histogram(
            c.OPERATION_DURATION_METRIC,
            unit="s",
            description="GenAI operation duration.",
            explicit_bucket_boundaries_advisory=c.DURATION_BUCKETS,
        )
        self.tokens = meter.create_histogram(
            c.TOKEN_USAGE_METRIC,
            unit="{token}",
            description="Number of input and output tokens used.",
            explicit_bucket_boundaries_advisory=c.TOKEN_USAGE_BUCKETS,
        )
        self.first_chunk = meter.create_histogram(
            c.TIME_TO_FIRST_CHUNK_METRIC,
            unit="s",
            description="Time to receive the first chunk of a streamed answer.",
            explicit_bucket_boundaries_advisory=c.DURATION_BUCKETS,
        )

    @property
    def off(self) -> bool:
        """Whether both providers are no-ops (OTEL_SDK_DISABLED, or set to the API's no-op ones)."""
        return isinstance(self.tracer, NoOpTracer) and isinstance(self.duration, NoOpHistogram)

    def observe(
        self,
        operation: str,
        model: str | None,
        params: Mapping[str, Any] | None,
        server: tuple[str, int] | None,
        stream: bool,
    ) -> Observer:
        try:
            if _DROPPED:
                drain_dropped()
            return SpanObserver(self, operation, model, params, server, stream)
        except Exception:
            logger.warning("telemetry could not start observing a call; the call is not affected", exc_info=True)
            return NOOP


class SpanObserver:
    """Records one call. The engine's hooks, in call order: `attempt` and `attempt_done` around each
    try, `response` for a whole answer or `stream_event` for each chunk, then `end` (or `dropped`)."""

    __slots__ = (
        "_attempt",
        "_attempts",
        "_content",
        "_dropped_at",
        "_ended",
        "_first",
        "_instruments",
        "_metric_attributes",
        "_operation",
        "_outcome",
        "_output",
        "_span",
        "_started",
        "_stream",
        "_token",
    )

    recording: Final = True

    def __init__(
        self,
        instruments: Instruments,
        operation: str,
        model: str | None,
        params: Mapping[str, Any] | None,
        server: tuple[str, int] | None,
        stream: bool,
    ) -> None:
        base: dict[str, AttributeValue] = {c.OPERATION_NAME: operation, c.PROVIDER_NAME: c.PROVIDER}
        if model:
            base[c.REQUEST_MODEL] = model
        if server is not None:
            base[c.SERVER_ADDRESS], base[c.SERVER_PORT] = server
        self._metric_attributes = base
        attributes = {**base, **request_attributes(params, stream=stream)}
        span = instruments.tracer.start_span(
            f"{operation} {model}" if model else operation, kind=SpanKind.CLIENT, attributes=attributes
        )
        self._started = time.perf_counter()
        self._span = span
        self._instruments = instruments
        self._operation = operation
        self._stream = stream
        self._outcome = Outcome()
        self._attempt: Span | None = None
        self._token: object | None = None
        self._attempts = 0
        self._first: float | None = None
        self._ended = False
        self._dropped_at: tuple[int, float] | None = None
        self._output: list[_content.Part] | None = None
        capture = instruments.capture and operation in c.INFERENCE_OPERATIONS and span.is_recording()
        self._content = _content.StreamContent() if capture and stream else None
        if capture and params:
            _set_input_content(span, params)

    # ---------------------------------------------------------------- attempts

    @_guarded
    def attempt(self, method: str, url: str) -> None:
        """An attempt is about to be sent: opens its HTTP span and makes it current until
        `attempt_done` (call both from the same task or thread)."""
        if self._attempt is not None:
            self.attempt_done()
        parent = trace.set_span_in_context(self._span)
        attributes: dict[str, AttributeValue] = {c.HTTP_REQUEST_METHOD: method, c.URL_FULL: redact_url(url)}
        server = self._metric_attributes
        if c.SERVER_ADDRESS in server:
            attributes[c.SERVER_ADDRESS] = server[c.SERVER_ADDRESS]
            attributes[c.SERVER_PORT] = server[c.SERVER_PORT]
        if self._attempts:
            attributes[c.HTTP_REQUEST_RESEND_COUNT] = self._attempts
        self._attempts += 1
        span = self._instruments.tracer.start_span(method, context=parent, kind=SpanKind.CLIENT, attributes=attributes)
        current = trace.set_span_in_context(span, parent)
        if _SUPPRESS_HTTP is not None:
            current = otel_context.set_value(_SUPPRESS_HTTP, True, current)
        self._token = otel_context.attach(current)
        self._attempt = span

    @_guarded
    def attempt_done(
        self,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
        error: BaseException | None = None,
    ) -> None:
        """The attempt got its response head (`status`, `headers`) or failed (`error`)."""
        span = self._attempt
        if span is None:
            return
        self._attempt = None
        token, self._token = self._token, None
        if token is not None:
            otel_context.detach(token)  # type: ignore[arg-type]
        attributes: dict[str, AttributeValue] = {}
        if status is not None:
            attributes[c.HTTP_RESPONSE_STATUS_CODE] = status
        request_id = header(headers, c.REQUEST_ID_HEADER)
        if request_id:
            attributes[c.AWS_REQUEST_ID] = request_id
            self._outcome.request_id = request_id
        if error is not None:
            attributes[c.ERROR_TYPE] = error_type(error)
            span.set_status(Status(StatusCode.ERROR, error_description(error)))
        elif status is not None and status >= 400:
            attributes[c.ERROR_TYPE] = str(status)
            span.set_status(Status(StatusCode.ERROR))
        span.set_attributes(attributes)
        span.end()

    # ---------------------------------------------------------------- answers

    @_guarded
    def response(self, data: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> None:
        """A whole (non-streamed) answer: its JSON body and the response headers."""
        self._outcome.response(self._operation, data)
        self._outcome.headers(headers)
        if self._instruments.capture and self._operation in c.INFERENCE_OPERATIONS and self._span.is_recording():
            self._output = _content.response_parts(data)

    def stream_event(self, event: Mapping[str, Any]) -> None:
        """One stream chunk's JSON, in order (the first one times `time_to_first_chunk`). Called
        for every event, so guarded inline rather than through `_guarded`'s extra call."""
        try:
            if self._first is None:
                self._first = time.perf_counter()
            if event.get("type") != "content_block_delta":  # the bulk of a stream says nothing new here
                self._outcome.event(event)
            if self._content is not None:
                self._content.add(event)
        except Exception:
            logger.warning("telemetry hook stream_event failed; the call is not affected", exc_info=True)

    # ---------------------------------------------------------------- the end

    @_guarded
    def end(self, error: BaseException | None = None) -> None:
        """The call is over: answered, failed with `error`, or a stream finished, broken or closed.
        Only the first call counts."""
        if self._ended:
            return
        self._ended = True
        if self._attempt is not None:
            self.attempt_done(error=error)
        self._finish(error, None, time.perf_counter())

    def dropped(self) -> None:
        """The stream was garbage-collected unclosed. Runs in a finalizer, which may fire inside any
        lock (the connection pool's, the OpenTelemetry SDK's own), so it takes no lock and does no
        I/O: it notes the time and appends itself to a deque (atomic under the GIL). The span is
        ended with that time as its end, by the next call that starts, `flush()`, or at exit."""
        if self._ended:
            return
        self._ended = True
        self._dropped_at = (time.time_ns(), time.perf_counter())
        _DROPPED.append(self)

    def finish_dropped(self) -> None:
        assert self._dropped_at is not None
        end_ns, now = self._dropped_at
        if self._attempt is not None:  # a finalizer's context is not the one the attempt attached to
            self._attempt.end(end_time=end_ns)
            self._attempt = None
        self._finish(None, end_ns, now)

    def _finish(self, error: BaseException | None, end_ns: int | None, now: float) -> None:
        span = self._span
        outcome = self._outcome
        attributes = outcome.attributes()
        first_chunk = None if self._first is None else self._first - self._started
        if first_chunk is not None:
            attributes[c.RESPONSE_TIME_TO_FIRST_CHUNK] = first_chunk
        kind = error_type(error) if error is not None else None
        if kind is not None:
            attributes[c.ERROR_TYPE] = kind
        if span.is_recording():
            parts = self._content.parts() if self._content is not None else self._output
            if parts is not None:
                attributes[c.OUTPUT_MESSAGES] = _content.output_messages(parts, outcome.finish_reason)
            span.set_attributes(attributes)
            if error is not None:
                span.set_status(Status(StatusCode.ERROR, error_description(error)))
        span.end(end_time=end_ns)
        self._record_metrics(now - self._started, first_chunk, kind)

    def _record_metrics(self, duration: float, first_chunk: float | None, kind: str | None) -> None:
        instruments = self._instruments
        outcome = self._outcome
        common = self._metric_attributes
        if outcome.response_model is not None:
            common = {**common, c.RESPONSE_MODEL: outcome.response_model}
        instruments.duration.record(duration, common if kind is None else {**common, c.ERROR_TYPE: kind})
        if first_chunk is not None and self._stream:
            instruments.first_chunk.record(first_chunk, common)
        if self._operation not in c.INFERENCE_OPERATIONS:
            return  # counting tokens and batch jobs use none
        total = outcome.total_input
        if total is not None:
            instruments.tokens.record(total, {**common, c.TOKEN_TYPE: "input"})
        if outcome.output_tokens is not None and outcome.output_final:
            instruments.tokens.record(outcome.output_tokens, {**common, c.TOKEN_TYPE: "output"})


def _set_input_content(span: Span, params: Mapping[str, Any]) -> None:
    attributes: dict[str, AttributeValue] = {}
    for name, render in (
        (c.SYSTEM_INSTRUCTIONS, _content.system_instructions),
        (c.INPUT_MESSAGES, _content.input_messages),
        (c.TOOL_DEFINITIONS, _content.tool_definitions),
    ):
        value = render(params)
        if value is not None:
            attributes[name] = value
    span.set_attributes(attributes)
