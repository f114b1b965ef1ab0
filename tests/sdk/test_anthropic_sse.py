"""Anthropic-native stream events and errors read into the InvokeModel path's terms (``_streaming.anthropic_sse``)."""

from __future__ import annotations

import json
import typing

import anthropic
import httpx
import pytest
from anthropic._error_classes import ERROR_CLASSES
from anthropic.types.shared.error_type import ErrorType

from anthropic_bedrock import _exceptions as errors
from anthropic_bedrock._http.sse import ServerSentEvent
from anthropic_bedrock._streaming.anthropic_sse import (
    ERROR_STATUS,
    AnthropicErrorInfo,
    invoke_event,
    parse_error,
    request_id,
    status_for,
)


def sse(event: str, data: str) -> ServerSentEvent:
    return ServerSentEvent(event, data, "")


def test_events_pass_their_json_through() -> None:
    start = json.dumps({"type": "message_start", "message": {"id": "msg_1", "content": []}})
    assert invoke_event(sse("message_start", start)) == start
    novel = '{"type": "novel_event", "novel": {"answer": 42}}'
    assert invoke_event(sse("novel_event", novel)) == novel  # decoded downstream, as on InvokeModel


def test_keepalives_and_unnamed_events_are_skipped() -> None:
    assert invoke_event(sse("ping", '{"type": "ping"}')) is None
    assert invoke_event(sse("message", '{"type": "content_block_stop", "index": 0}')) is None


def test_an_error_event_is_typed_by_its_error_type() -> None:
    data = '{"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}'
    info = invoke_event(sse("error", data))
    assert info == AnthropicErrorInfo("overloaded_error", "Overloaded", 529, json.loads(data), None)
    assert isinstance(info, AnthropicErrorInfo)
    assert errors.status_error_class(info.status) is errors.InternalServerError


@pytest.mark.parametrize(
    ("content", "status", "expected"),
    [
        (
            b'{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"},'
            b'"request_id":"req_011"}',
            400,
            ("invalid_request_error", "max_tokens: Field required", 400, "req_011"),
        ),
        (
            b'{"message": "The security token included in the request is invalid."}',
            403,
            (None, "The security token included in the request is invalid.", 403, None),
        ),
        (b"<html>bad gateway</html>", 502, (None, "<html>bad gateway</html>", 502, None)),
        (b"", 503, (None, "HTTP 503", 503, None)),
        (
            b'{"type": "error", "error": {"type": "brand_new_error"}}',
            None,
            ("brand_new_error", "brand_new_error", 500, None),
        ),
        (b'{"type": "error", "error": "flat"}', None, (None, "HTTP 500", 500, None)),
        (b"[1, 2]", 400, (None, "HTTP 400", 400, None)),
    ],
)
def test_parse_error_accepts_any_body(
    content: bytes, status: int | None, expected: tuple[str | None, str, int, str | None]
) -> None:
    info = parse_error(content, status)
    assert (info.error_type, info.message, info.status, info.request_id) == expected


def test_the_status_table_agrees_with_the_reference() -> None:
    documented = set(typing.get_args(ErrorType)) | {"request_too_large"}
    assert set(ERROR_STATUS) <= documented
    # The anchor's exception class for each status, as the docs name the error types.
    names = {
        "invalid_request_error": anthropic.BadRequestError,
        "authentication_error": anthropic.AuthenticationError,
        "billing_error": anthropic.PaymentRequiredError,
        "permission_error": anthropic.PermissionDeniedError,
        "not_found_error": anthropic.NotFoundError,
        "request_too_large": anthropic.ContentTooLargeError,
        "rate_limit_error": anthropic.RateLimitError,
        "timeout_error": anthropic.GatewayTimeoutError,
        "overloaded_error": anthropic.OverloadedError,
    }
    for error_type, cls in names.items():
        assert ERROR_CLASSES[(ERROR_STATUS[error_type], None)] is cls
    assert ERROR_STATUS["api_error"] == 500
    assert status_for(None) == status_for("unheard_of_error") == 500


def test_request_id_prefers_anthropics_header() -> None:
    assert request_id(httpx.Headers({"Request-Id": "req_1", "x-amzn-RequestId": "abc"})) == "req_1"
    assert request_id(httpx.Headers({"x-amzn-RequestId": "abc"})) == "abc"
    assert request_id(httpx.Headers({})) is None
