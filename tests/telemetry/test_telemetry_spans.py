"""Telemetry of whole (non-streamed) calls: the GenAI span, one HTTP span per attempt, errors,
count_tokens, batch calls and the metrics, read back through the OpenTelemetry SDK's in-memory
exporter and metric reader."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.trace import Span, SpanProcessor
from opentelemetry.trace import SpanKind, StatusCode
from telemetry_harness import BODY, HOST, MESSAGE, MODEL, SERVER, URL, Pipeline, asend, call, headers, status_error

from anthropic_bedrock import _exceptions as errors
from anthropic_bedrock._telemetry import (
    CHAT,
    COUNT_TOKENS,
    CREATE_BATCH,
    NOOP,
    RETRIEVE_BATCH,
    TEXT_COMPLETION,
    Telemetry,
    conventions,
)


@pytest.fixture
def otel() -> Iterator[Pipeline]:
    pipeline = Pipeline()
    yield pipeline
    pipeline.shutdown()


def test_create_span_follows_the_genai_conventions(otel: Pipeline) -> None:
    observer = otel.telemetry().start(CHAT, MODEL, BODY, server=SERVER)
    call(observer, [(200, headers("req-ok"))], answer=MESSAGE, answer_headers=headers("req-ok"))

    span = otel.span(f"chat {MODEL}")
    assert span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.UNSET
    assert span.instrumentation_scope is not None
    assert span.instrumentation_scope.name == "anthropic_bedrock"
    assert span.instrumentation_scope.schema_url == conventions.SCHEMA_URL
    assert dict(span.attributes or {}) == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "aws.bedrock",
        "gen_ai.request.model": MODEL,
        "server.address": HOST,
        "server.port": 443,
        "gen_ai.request.max_tokens": 256,
        "gen_ai.request.temperature": 0.5,
        "gen_ai.request.top_p": 0.9,
        "gen_ai.request.top_k": 40.0,
        "gen_ai.request.stop_sequences": ("\n\nHuman:",),
        "gen_ai.response.id": "msg_bdrk_01",
        "gen_ai.response.model": "claude-sonnet-4-5-20250929",
        "gen_ai.response.finish_reasons": ("end_turn",),
        # the cached tokens are part of the input, as the convention asks
        "gen_ai.usage.input_tokens": 12 + 100 + 7,
        "gen_ai.usage.output_tokens": 3,
        "gen_ai.usage.cache_read.input_tokens": 100,
        "gen_ai.usage.cache_creation.input_tokens": 7,
        "aws.request_id": "req-ok",
    }


def test_sampling_attributes_are_given_at_span_creation(otel: Pipeline) -> None:
    seen: list[dict[str, object]] = []

    class Processor(SpanProcessor):
        def on_start(self, span: Span, parent_context: Context | None = None) -> None:
            seen.append(dict(span.attributes or {}))

    otel.tracer_provider.add_span_processor(Processor())
    otel.telemetry().start(CHAT, MODEL, BODY, server=SERVER).end()
    for key in (
        "gen_ai.operation.name",
        "gen_ai.provider.name",
        "gen_ai.request.model",
        "server.address",
        "server.port",
    ):
        assert key in seen[0]


def test_each_attempt_is_an_http_child_span_and_a_retried_error_is_not_the_calls(otel: Pipeline) -> None:
    observer = otel.telemetry().start(CHAT, MODEL, BODY, server=SERVER)
    attempts = [
        (429, headers("req-a", **{"x-amzn-ErrorType": "ThrottlingException"})),
        httpx.ConnectError("connection refused"),
        (200, headers("req-c")),
    ]
    call(observer, attempts, answer=MESSAGE, answer_headers=headers("req-c"))

    parent = otel.span(f"chat {MODEL}")
    tries = [span for span in otel.spans() if span.name == "POST"]
    assert len(tries) == 3
    for span in tries:
        assert span.kind is SpanKind.CLIENT
        assert span.parent is not None and span.parent.span_id == parent.context.span_id
        assert span.attributes is not None
        assert span.attributes["url.full"] == URL
        assert span.attributes["server.address"] == HOST
    first, second, third = (dict(span.attributes or {}) for span in tries)
    assert "http.request.resend_count" not in first
    assert (second["http.request.resend_count"], third["http.request.resend_count"]) == (1, 2)
    assert (first["http.response.status_code"], first["error.type"], first["aws.request_id"]) == (429, "429", "req-a")
    assert tries[0].status.status_code is StatusCode.ERROR
    assert second["error.type"] == "ConnectError"
    assert "http.response.status_code" not in second
    assert third["http.response.status_code"] == 200 and "error.type" not in third
    assert tries[2].status.status_code is StatusCode.UNSET
    # the call succeeded in the end: no error on its span or its duration
    assert parent.status.status_code is StatusCode.UNSET
    assert "error.type" not in (parent.attributes or {})
    assert all("error.type" not in point.attributes for point in otel.points("gen_ai.client.operation.duration"))


def test_the_final_error_is_bedrocks_code_on_span_and_duration(otel: Pipeline) -> None:
    observer = otel.telemetry().start(CHAT, MODEL, BODY, server=SERVER)
    error = status_error(429, "ThrottlingException", "Too many tokens, please wait before trying again.")
    head = headers("req-err", **{"x-amzn-ErrorType": "ThrottlingException"})
    call(observer, [(429, head), (429, head)], error=error)

    span = otel.span(f"chat {MODEL}")
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description is not None and "Too many tokens" in span.status.description
    assert (span.attributes or {})["error.type"] == "ThrottlingException"
    assert (span.attributes or {})["aws.request_id"] == "req-err"
    assert not span.events  # the conventions advise against exception events
    (point,) = otel.points("gen_ai.client.operation.duration")
    assert point.attributes["error.type"] == "ThrottlingException"
    assert not otel.points("gen_ai.client.token.usage")


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (errors.APIConnectionError("Connection error.", httpx.Request("POST", URL)), "APIConnectionError"),
        (errors.APITimeoutError(httpx.Request("POST", URL)), "APITimeoutError"),
        (status_error(500, ""), "500"),
    ],
)
def test_error_type_without_a_bedrock_code(otel: Pipeline, error: BaseException, expected: str) -> None:
    observer = otel.telemetry().start(CHAT, MODEL, BODY, server=SERVER)
    call(observer, [httpx.ReadTimeout("slow")], error=error)
    assert (otel.span(f"chat {MODEL}").attributes or {})["error.type"] == expected


def test_an_error_while_an_attempt_is_open_closes_it(otel: Pipeline) -> None:
    observer = otel.telemetry().start(CHAT, MODEL, BODY, server=SERVER)
    before = trace.get_current_span()
    observer.attempt("POST", URL)
    observer.end(KeyboardInterrupt())  # the send itself was interrupted
    assert trace.get_current_span() is before  # the attempt's context is gone
    attempt = otel.span("POST")
    assert (attempt.attributes or {})["error.type"] == "KeyboardInterrupt"
    assert (otel.span(f"chat {MODEL}").attributes or {})["error.type"] == "KeyboardInterrupt"


def test_the_attempt_span_is_current_during_the_send_and_hides_http_instrumentation(otel: Pipeline) -> None:
    observer = otel.telemetry().start(CHAT, MODEL, BODY, server=SERVER)
    outer = trace.get_current_span()
    observer.attempt("POST", URL)
    current = trace.get_current_span()
    assert current is not outer and current.is_recording()
    assert otel_context.get_value(otel_context._SUPPRESS_HTTP_INSTRUMENTATION_KEY) is True
    observer.attempt_done(200, headers())
    assert trace.get_current_span() is outer
    assert otel_context.get_value(otel_context._SUPPRESS_HTTP_INSTRUMENTATION_KEY) is None
    observer.end()


def test_the_call_span_is_a_child_of_the_callers_span(otel: Pipeline) -> None:
    tracer = otel.tracer_provider.get_tracer("app")
    with tracer.start_as_current_span("handle request") as app_span:
        observer = otel.telemetry().start(CHAT, MODEL, BODY, server=SERVER)
    call(observer, [(200, headers())], answer=MESSAGE)
    span = otel.span(f"chat {MODEL}")
    assert span.parent is not None and span.parent.span_id == app_span.get_span_context().span_id


def test_async_calls_keep_their_attempt_contexts_apart(otel: Pipeline) -> None:
    telemetry = otel.telemetry()

    async def one(model: str) -> None:
        observer = telemetry.start(CHAT, model, BODY, server=SERVER)
        await asend(observer, [(503, headers("a")), (200, headers("b"))])
        observer.response(MESSAGE, headers("b"))
        observer.end()

    async def both() -> None:
        await asyncio.gather(one("model-a"), one("model-b"))

    asyncio.run(both())
    for model in ("model-a", "model-b"):
        parent = otel.span(f"chat {model}")
        children = [s for s in otel.spans() if s.parent is not None and s.parent.span_id == parent.context.span_id]
        assert [dict(s.attributes or {}).get("http.response.status_code") for s in children] == [503, 200]


def test_text_completion_usage_comes_from_bedrocks_headers(otel: Pipeline) -> None:
    body = {
        "prompt": "\n\nHuman: Hi\n\nAssistant:",
        "max_tokens_to_sample": 50,
        "anthropic_version": "bedrock-2023-05-31",
    }
    observer = otel.telemetry().start(TEXT_COMPLETION, "anthropic.claude-v2", body, server=SERVER)
    answer_headers = headers(
        "req-c", **{"X-Amzn-Bedrock-Input-Token-Count": "11", "X-Amzn-Bedrock-Output-Token-Count": "5"}
    )
    answer = {"completion": " Hello!", "stop_reason": "stop_sequence", "stop": "\n\nHuman:"}
    call(observer, [(200, answer_headers)], answer=answer, answer_headers=answer_headers)

    attributes = dict(otel.span("text_completion anthropic.claude-v2").attributes or {})
    assert attributes["gen_ai.operation.name"] == "text_completion"
    assert attributes["gen_ai.request.max_tokens"] == 50
    assert attributes["gen_ai.response.finish_reasons"] == ("stop_sequence",)
    assert (attributes["gen_ai.usage.input_tokens"], attributes["gen_ai.usage.output_tokens"]) == (11, 5)
    assert "gen_ai.response.id" not in attributes  # a completion has none


def test_metrics_carry_the_conventions_buckets_and_attributes(otel: Pipeline) -> None:
    observer = otel.telemetry().start(CHAT, MODEL, BODY, server=SERVER)
    call(observer, [(200, headers())], answer=MESSAGE, answer_headers=headers())

    (duration,) = otel.points("gen_ai.client.operation.duration")
    assert tuple(duration.explicit_bounds) == conventions.DURATION_BUCKETS
    assert duration.count == 1 and duration.sum > 0
    assert dict(duration.attributes) == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "aws.bedrock",
        "gen_ai.request.model": MODEL,
        "gen_ai.response.model": "claude-sonnet-4-5-20250929",
        "server.address": HOST,
        "server.port": 443,
    }
    tokens = {point.attributes["gen_ai.token.type"]: point for point in otel.points("gen_ai.client.token.usage")}
    assert {kind: point.sum for kind, point in tokens.items()} == {"input": 119, "output": 3}
    assert tuple(tokens["input"].explicit_bounds) == conventions.TOKEN_USAGE_BUCKETS
    assert not otel.points("gen_ai.client.operation.time_to_first_chunk")  # not a stream


def test_count_tokens_is_its_own_operation_and_bills_no_usage(otel: Pipeline) -> None:
    body = {"input": {"invokeModel": {"body": "eyJtZXNzYWdlcyI6IFtdfQ=="}}}
    observer = otel.telemetry().start(COUNT_TOKENS, MODEL, body, server=SERVER)
    call(observer, [(200, headers("req-n"))], answer={"inputTokens": 42}, answer_headers=headers("req-n"))

    attributes = dict(otel.span(f"count_tokens {MODEL}").attributes or {})
    assert attributes["gen_ai.operation.name"] == "count_tokens"
    assert attributes["anthropic_bedrock.count_tokens.input_tokens"] == 42
    assert not any(key.startswith("gen_ai.usage.") for key in attributes)
    assert len(otel.points("gen_ai.client.operation.duration")) == 1
    assert not otel.points("gen_ai.client.token.usage")


def test_batch_calls(otel: Pipeline) -> None:
    control = ("bedrock.us-east-1.amazonaws.com", 443)
    arn = "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abc123"
    telemetry = otel.telemetry(capture_content=True)
    create = telemetry.start(
        CREATE_BATCH,
        MODEL,
        {"jobName": "nightly", "modelId": MODEL, "roleArn": "arn:aws:iam::1:role/r"},
        server=control,
    )
    call(create, [(200, headers("req-b"))], answer={"jobArn": arn}, answer_headers=headers("req-b"))
    retrieve = telemetry.start(RETRIEVE_BATCH, None, None, server=control)
    call(retrieve, [(200, headers())], answer={"jobArn": arn, "status": "InProgress", "modelId": MODEL})

    created = dict(otel.span(f"create_batch {MODEL}").attributes or {})
    assert created["gen_ai.operation.name"] == "create_batch"
    assert created["gen_ai.response.id"] == arn
    assert created["server.address"] == "bedrock.us-east-1.amazonaws.com"
    assert "gen_ai.input.messages" not in created  # a batch call carries no conversation of its own
    retrieved = dict(otel.span("retrieve_batch").attributes or {})  # no model: the operation alone
    assert (retrieved["gen_ai.response.id"], retrieved["anthropic_bedrock.batch.status"]) == (arn, "InProgress")
    durations = otel.points("gen_ai.client.operation.duration")
    assert {point.attributes["gen_ai.operation.name"] for point in durations} == {"create_batch", "retrieve_batch"}
    assert not otel.points("gen_ai.client.token.usage")


def test_end_counts_once(otel: Pipeline) -> None:
    observer = otel.telemetry().start(CHAT, MODEL, BODY, server=SERVER)
    call(observer, [(200, headers())], answer=MESSAGE)
    observer.end(RuntimeError("late"))
    observer.dropped()
    assert len(otel.spans()) == 2
    assert "error.type" not in (otel.span(f"chat {MODEL}").attributes or {})
    assert otel.points("gen_ai.client.operation.duration")[0].count == 1


def test_structured_output_requests_json(otel: Pipeline) -> None:
    body = {**BODY, "output_format": {"type": "json_schema", "schema": {"type": "object"}}}
    otel.telemetry().start(CHAT, MODEL, body, server=SERVER).end()
    assert (otel.span(f"chat {MODEL}").attributes or {})["gen_ai.output.type"] == "json"


def test_a_failing_hook_never_breaks_the_call(otel: Pipeline, caplog: pytest.LogCaptureFixture) -> None:
    observer = otel.telemetry().start(CHAT, MODEL, BODY, server=SERVER)
    observer.attempt("POST", URL)
    observer.attempt_done(200, headers())
    observer.response(["not", "an", "object"])  # type: ignore[arg-type]
    observer.end()
    assert "telemetry hook response failed" in caplog.text
    assert otel.span(f"chat {MODEL}").end_time is not None


def test_a_broken_provider_gives_the_noop_observer(caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        def get_tracer(self, *args: object, **kwargs: object) -> object:
            return object()  # no start_span

    telemetry = Telemetry(tracer_provider=Broken())
    assert telemetry.start(CHAT, MODEL, BODY, server=SERVER) is NOOP
    assert "could not start observing a call" in caplog.text
