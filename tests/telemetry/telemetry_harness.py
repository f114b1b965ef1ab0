"""What the telemetry tests share: an OpenTelemetry SDK pipeline in memory, an engine stand-in that
drives the hooks as the send/retry loop and the stream reader do, and realistic Bedrock data."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import httpx
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import HistogramDataPoint, InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from anthropic_bedrock import _exceptions as errors
from anthropic_bedrock._generated.api.runtime import invoke_model_with_response_stream
from anthropic_bedrock._telemetry import Observer, Telemetry

HOST = "bedrock-runtime.us-east-1.amazonaws.com"
SERVER = (HOST, 443)
MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
URL = f"https://{HOST}/model/{MODEL.replace(':', '%3A')}/invoke"
STREAM_URL = URL + "-with-response-stream"

BODY: dict[str, Any] = {
    "anthropic_version": "bedrock-2023-05-31",
    "max_tokens": 256,
    "temperature": 0.5,
    "top_p": 0.9,
    "top_k": 40,
    "stop_sequences": ["\n\nHuman:"],
    "system": "Answer in one sentence.",
    "messages": [{"role": "user", "content": "What is the capital of France?"}],
}

MESSAGE: dict[str, Any] = {
    "id": "msg_bdrk_01",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-5-20250929",
    "content": [{"type": "text", "text": "Paris."}],
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {"input_tokens": 12, "output_tokens": 3, "cache_read_input_tokens": 100, "cache_creation_input_tokens": 7},
}


def message_events() -> list[dict[str, Any]]:
    """A Messages stream: a text block, a tool call in two JSON pieces, then the end."""
    return [
        {
            "type": "message_start",
            "message": {
                **MESSAGE,
                "content": [],
                "stop_reason": None,
                "usage": {
                    "input_tokens": 12,
                    "output_tokens": 1,
                    "cache_read_input_tokens": 100,
                    "cache_creation_input_tokens": 7,
                },
            },
        },
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "ping"},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Let me "}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "check."}},
        {"type": "content_block_stop", "index": 0},
        {
            "type": "content_block_start",
            "index": 1,
            "content_block": {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}},
        },
        {"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": '{"city": '}},
        {"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": '"Paris"}'}},
        {"type": "content_block_stop", "index": 1},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "tool_use", "stop_sequence": None},
            "usage": {"output_tokens": 42},
        },
        {
            "type": "message_stop",
            "amazon-bedrock-invocationMetrics": {
                "inputTokenCount": 119,
                "outputTokenCount": 42,
                "invocationLatency": 812,
                "firstByteLatency": 240,
            },
        },
    ]


def completion_events() -> list[dict[str, Any]]:
    """A legacy text-completion stream: its usage comes only in the last chunk's invocation metrics."""
    return [
        {"completion": " Paris", "stop_reason": None, "stop": None},
        {"completion": " is the capital.", "stop_reason": None, "stop": None},
        {
            "completion": "",
            "stop_reason": "stop_sequence",
            "stop": "\n\nHuman:",
            "amazon-bedrock-invocationMetrics": {
                "inputTokenCount": 17,
                "outputTokenCount": 6,
                "invocationLatency": 300,
                "firstByteLatency": 90,
            },
        },
    ]


def headers(request_id: str = "req-1", **extra: str) -> httpx.Headers:
    return httpx.Headers({"x-amzn-RequestId": request_id, "content-type": "application/json", **extra})


def status_error(status: int, error_type: str, message: str = "Too many requests") -> errors.APIStatusError:
    request = httpx.Request("POST", URL)
    response = httpx.Response(
        status, headers={"x-amzn-ErrorType": error_type, "x-amzn-RequestId": "req-err"}, request=request
    )
    return errors.make_status_error(response, json.dumps({"message": message}).encode())


def stream_exception(exception_type: str, message: str) -> errors.APIStatusError:
    """The error the stream reader raises for an in-stream exception frame."""
    request = httpx.Request("POST", STREAM_URL)
    response = httpx.Response(200, request=request)
    return errors.make_status_error(
        response,
        json.dumps({"message": message}).encode(),
        error_type=exception_type[:1].upper() + exception_type[1:],
        status_code=invoke_model_with_response_stream.ENDPOINT.stream_exceptions[exception_type],
    )


class Pipeline:
    """An SDK tracer provider with an in-memory exporter, a meter provider with an in-memory reader."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.reader = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.reader])

    def telemetry(self, capture_content: bool | None = None) -> Telemetry:
        return Telemetry(
            tracer_provider=self.tracer_provider,
            meter_provider=self.meter_provider,
            capture_content=capture_content,
            version="0.9.0",
        )

    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def span(self, name: str) -> ReadableSpan:
        found = [span for span in self.spans() if span.name == name]
        assert len(found) == 1, [span.name for span in self.spans()]
        return found[0]

    def points(self, metric: str) -> list[HistogramDataPoint]:
        data = self.reader.get_metrics_data()
        out: list[HistogramDataPoint] = []
        if data is None:
            return out
        for resource in data.resource_metrics:
            for scope in resource.scope_metrics:
                for found in scope.metrics:
                    if found.name == metric:
                        out.extend(point for point in found.data.data_points if isinstance(point, HistogramDataPoint))
        return out

    def shutdown(self) -> None:
        self.tracer_provider.shutdown()
        self.meter_provider.shutdown()


# ------------------------------------------------------------------ the engine stand-in
# Each attempt is (status, headers) for a response head or an exception for a transport failure;
# the loop calls the hooks exactly where the send/retry loop does.


def send(observer: Observer, attempts: Sequence[tuple[int, httpx.Headers] | BaseException], url: str = URL) -> int:
    """The send/retry loop: the status of the response kept (the last attempt)."""
    status = 0
    for attempt in attempts:
        observer.attempt("POST", url)
        if isinstance(attempt, BaseException):
            observer.attempt_done(error=attempt)
            continue
        status, head = attempt
        observer.attempt_done(status, head)
    return status


def call(
    observer: Observer,
    attempts: Sequence[tuple[int, httpx.Headers] | BaseException],
    *,
    answer: Mapping[str, Any] | None = None,
    answer_headers: httpx.Headers | None = None,
    error: BaseException | None = None,
) -> None:
    """One non-streamed call: send, then the answer or the final error."""
    try:
        send(observer, attempts)
        if error is not None:
            raise error
        assert answer is not None
        observer.response(answer, answer_headers)
        observer.end()
    except BaseException as exc:
        observer.end(exc)
        if exc is not error:
            raise


def read_stream(observer: Observer, events: Iterable[Mapping[str, Any]], *, error: BaseException | None = None) -> None:
    """The stream reader: each chunk's JSON to `stream_event`; the end, or the error, to `end`."""
    try:
        for event in events:
            if observer.recording:
                observer.stream_event(event)
        if error is not None:
            raise error
    except BaseException as exc:
        observer.end(exc)
        if exc is not error:
            raise
        return
    observer.end()


async def aread_stream(observer: Observer, events: Iterable[Mapping[str, Any]], pause: Callable[[], Any]) -> None:
    """The async reader: a pause (an await) between events, where a cancellation can land."""
    try:
        for event in events:
            await pause()
            observer.stream_event(event)
    except BaseException as exc:
        observer.end(exc)
        raise
    observer.end()


async def asend(observer: Observer, attempts: Sequence[tuple[int, httpx.Headers]], url: str = URL) -> int:
    """The async send loop: the attempt's span stays current across the awaited send."""
    status = 0
    for status, head in attempts:
        observer.attempt("POST", url)
        await asyncio.sleep(0.001)
        observer.attempt_done(status, head)
    return status
