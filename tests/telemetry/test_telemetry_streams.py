"""Telemetry of streamed calls: the span lives from the call to the stream's end, whether the stream
completes, breaks, is cancelled, is closed early or is dropped unclosed."""

from __future__ import annotations

import asyncio
import gc
import time
import weakref
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor
from opentelemetry.trace import StatusCode
from telemetry_harness import (
    BODY,
    MODEL,
    SERVER,
    STREAM_URL,
    Pipeline,
    aread_stream,
    completion_events,
    headers,
    message_events,
    read_stream,
    send,
    stream_exception,
)

from anthropic_bedrock import _exceptions as errors
from anthropic_bedrock import _telemetry
from anthropic_bedrock._telemetry import CHAT, TEXT_COMPLETION, Observer

NAME = f"chat {MODEL}"


@pytest.fixture
def otel() -> Iterator[Pipeline]:
    pipeline = Pipeline()
    yield pipeline
    pipeline.shutdown()


def streamed(otel: Pipeline, capture_content: bool | None = None) -> Observer:
    observer = otel.telemetry(capture_content).start(CHAT, MODEL, BODY, server=SERVER, stream=True)
    send(observer, [(200, headers("req-s"))], url=STREAM_URL)
    return observer


def call_span(otel: Pipeline) -> ReadableSpan:
    return otel.span(NAME)


def test_completed_stream(otel: Pipeline) -> None:
    observer = streamed(otel)
    read_stream(observer, message_events())

    span = call_span(otel)
    attributes = dict(span.attributes or {})
    assert span.status.status_code is StatusCode.UNSET
    assert attributes["gen_ai.request.stream"] is True
    assert attributes["gen_ai.response.id"] == "msg_bdrk_01"
    assert attributes["gen_ai.response.model"] == "claude-sonnet-4-5-20250929"
    assert attributes["gen_ai.response.finish_reasons"] == ("tool_use",)
    assert attributes["gen_ai.usage.input_tokens"] == 12 + 100 + 7
    assert attributes["gen_ai.usage.output_tokens"] == 42  # the final count, not message_start's placeholder
    assert attributes["aws.request_id"] == "req-s"
    first_chunk = attributes["gen_ai.response.time_to_first_chunk"]
    assert isinstance(first_chunk, float) and 0 < first_chunk * 1e9 <= span.end_time - span.start_time  # type: ignore[operator]
    # the HTTP span ended with the response head; the call's span with the stream
    attempt = otel.span("POST")
    assert attempt.end_time is not None and span.end_time is not None and attempt.end_time <= span.end_time
    (ttfc,) = otel.points("gen_ai.client.operation.time_to_first_chunk")
    assert ttfc.count == 1
    tokens = {p.attributes["gen_ai.token.type"]: p.sum for p in otel.points("gen_ai.client.token.usage")}
    assert tokens == {"input": 119, "output": 42}


def test_completed_text_completion_stream_takes_usage_from_the_invocation_metrics(otel: Pipeline) -> None:
    telemetry = otel.telemetry(capture_content=True)
    body = {"prompt": "\n\nHuman: Capital of France?\n\nAssistant:", "max_tokens_to_sample": 20}
    observer = telemetry.start(TEXT_COMPLETION, "anthropic.claude-v2", body, server=SERVER, stream=True)
    send(observer, [(200, headers())], url=STREAM_URL)
    read_stream(observer, completion_events())

    attributes = dict(otel.span("text_completion anthropic.claude-v2").attributes or {})
    assert attributes["gen_ai.response.finish_reasons"] == ("stop_sequence",)
    assert (attributes["gen_ai.usage.input_tokens"], attributes["gen_ai.usage.output_tokens"]) == (17, 6)
    assert attributes["gen_ai.output.messages"] == (
        '[{"role":"assistant","parts":[{"type":"text","content":" Paris is the capital."}],'
        '"finish_reason":"stop_sequence"}]'
    )


def test_broken_stream_is_an_error_with_what_had_arrived(otel: Pipeline) -> None:
    observer = streamed(otel)
    broken = errors.StreamInterruptedError("The connection broke during the event stream: reset", None)
    read_stream(observer, message_events()[:5], error=broken)

    span = call_span(otel)
    attributes = dict(span.attributes or {})
    assert span.status.status_code is StatusCode.ERROR
    assert attributes["error.type"] == "StreamInterruptedError"
    assert attributes["gen_ai.response.id"] == "msg_bdrk_01"  # message_start had come
    assert attributes["gen_ai.usage.input_tokens"] == 119
    assert "gen_ai.usage.output_tokens" not in attributes  # only a placeholder count had come
    assert "gen_ai.response.finish_reasons" not in attributes
    (duration,) = otel.points("gen_ai.client.operation.duration")
    assert duration.attributes["error.type"] == "StreamInterruptedError"
    tokens = {p.attributes["gen_ai.token.type"] for p in otel.points("gen_ai.client.token.usage")}
    assert tokens == {"input"}


def test_in_stream_exception_carries_bedrocks_code(otel: Pipeline) -> None:
    observer = streamed(otel)
    error = stream_exception("modelStreamErrorException", "The model stream failed")
    read_stream(observer, message_events()[:4], error=error)
    span = call_span(otel)
    assert (span.attributes or {})["error.type"] == "ModelStreamErrorException"
    assert span.status.description is not None and "model stream failed" in span.status.description


def test_stream_closed_early_is_no_error(otel: Pipeline) -> None:
    observer = streamed(otel)
    for event in message_events()[:4]:
        observer.stream_event(event)
    observer.end()  # the caller left the `with` block

    span = call_span(otel)
    attributes = dict(span.attributes or {})
    assert span.status.status_code is StatusCode.UNSET
    assert "error.type" not in attributes
    assert "gen_ai.usage.output_tokens" not in attributes
    assert attributes["gen_ai.usage.input_tokens"] == 119


def test_cancelled_async_stream(otel: Pipeline) -> None:
    observer = streamed(otel)
    started = asyncio.Event()

    async def pause() -> None:
        started.set()
        await asyncio.sleep(0.01)

    async def main() -> None:
        task = asyncio.create_task(aread_stream(observer, message_events(), pause))
        await started.wait()
        await asyncio.sleep(0.015)  # one event in, the next pause under way
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    span = call_span(otel)
    assert span.status.status_code is StatusCode.ERROR
    assert (span.attributes or {})["error.type"] == "CancelledError"
    assert (span.attributes or {})["gen_ai.response.id"] == "msg_bdrk_01"


def test_completed_async_stream(otel: Pipeline) -> None:
    observer = streamed(otel)

    async def pause() -> None:
        await asyncio.sleep(0)

    asyncio.run(aread_stream(observer, message_events(), pause))
    assert (call_span(otel).attributes or {})["gen_ai.usage.output_tokens"] == 42


class _Stream:
    """Stands in for the SDK's stream: its finalizer reports the drop, as the engine's will."""

    def __init__(self, observer: Observer) -> None:
        self.observer = observer
        weakref.finalize(self, observer.dropped)


class _Ends(SpanProcessor):
    def __init__(self) -> None:
        self.ended: list[str] = []

    def on_end(self, span: ReadableSpan) -> None:
        self.ended.append(span.name)


def test_dropped_stream_ends_later_with_the_drop_time_and_nothing_runs_in_the_finalizer(otel: Pipeline) -> None:
    ends = _Ends()
    otel.tracer_provider.add_span_processor(ends)
    observer = streamed(otel)
    stream = _Stream(observer)
    for event in message_events()[:6]:
        observer.stream_event(event)
    del observer
    before = time.time_ns()
    del stream  # the finalizer runs here: no span processor may be called from it
    after = time.time_ns()
    assert ends.ended == ["POST"]

    _telemetry.flush()
    assert ends.ended == ["POST", NAME]
    span = call_span(otel)
    assert span.end_time is not None and before <= span.end_time <= after
    assert span.status.status_code is StatusCode.UNSET
    assert (span.attributes or {})["gen_ai.usage.input_tokens"] == 119
    (duration,) = otel.points("gen_ai.client.operation.duration")
    assert duration.count == 1 and "error.type" not in duration.attributes


def test_dropped_stream_in_a_reference_cycle_is_ended_by_the_next_call(otel: Pipeline) -> None:
    telemetry = otel.telemetry()
    observer = telemetry.start(CHAT, MODEL, BODY, server=SERVER, stream=True)
    stream = _Stream(observer)
    stream.cycle = stream  # type: ignore[attr-defined]  # only the cyclic collector can free it
    observer.stream_event(message_events()[0])
    del stream, observer
    gc.collect()
    assert not [span for span in otel.spans() if span.name == NAME]
    telemetry.start(CHAT, "another-model", BODY, server=SERVER).end()
    assert [span.name for span in otel.spans()] == [NAME, "chat another-model"]


def test_a_stream_closed_after_its_end_records_once(otel: Pipeline) -> None:
    observer = streamed(otel)
    stream = _Stream(observer)
    read_stream(observer, message_events())
    observer.end()  # close() after the last event
    del stream
    _telemetry.flush()
    assert [span.name for span in otel.spans()] == ["POST", NAME]
    assert otel.points("gen_ai.client.operation.duration")[0].count == 1


def test_sampled_out_spans_still_give_metrics(otel: Pipeline) -> None:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

    telemetry = _telemetry.Telemetry(
        tracer_provider=TracerProvider(sampler=ALWAYS_OFF), meter_provider=otel.meter_provider, capture_content=True
    )
    observer = telemetry.start(CHAT, MODEL, BODY, server=SERVER, stream=True)
    send(observer, [(200, headers())])
    read_stream(observer, message_events())
    tokens = {p.attributes["gen_ai.token.type"]: p.sum for p in otel.points("gen_ai.client.token.usage")}
    assert tokens == {"input": 119, "output": 42}
    assert otel.points("gen_ai.client.operation.time_to_first_chunk")


def test_a_malformed_event_is_logged_not_raised(otel: Pipeline, caplog: pytest.LogCaptureFixture) -> None:
    observer = streamed(otel)
    observer.stream_event(["not", "an", "event"])  # type: ignore[arg-type]
    read_stream(observer, message_events())
    assert "telemetry hook stream_event failed" in caplog.text
    assert (call_span(otel).attributes or {})["gen_ai.usage.output_tokens"] == 42
