"""Anthropic-native Messages events and errors, read into what the InvokeModel path already handles.

On ``/anthropic/v1/messages`` a stream is server-sent events whose ``event`` is the event type and
whose ``data`` is the very event JSON an InvokeModel ``chunk`` frame carries base64-encoded
(``message_start``, ``content_block_delta``, ...), so one accumulator serves both wire formats.
What differs: keep-alives are ``ping`` events, an error mid-stream is an ``error`` event, and errors
(in a response body or in that event) have Anthropic's shape
``{"type": "error", "error": {"type": ..., "message": ...}, "request_id": ...}`` instead of
Bedrock's ``{"message": ...}`` with ``x-amzn-ErrorType``.

Everything here is pure: it returns data (:class:`AnthropicErrorInfo`), and the caller picks the
exception class from :attr:`AnthropicErrorInfo.status` (``_exceptions.status_error_class``) and
raises it, with the request id from :func:`request_id`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from .._http.sse import ServerSentEvent
from .._json import loads

__all__ = ["ERROR_STATUS", "AnthropicErrorInfo", "invoke_event", "parse_error", "request_id", "status_for"]

# Anthropic's documented error types and the HTTP status of each (platform.claude.com/docs/en/api/errors).
# The first column of anthropic 2.14.0's `ErrorType`, with `request_too_large` added from the docs.
ERROR_STATUS: Final[Mapping[str, int]] = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "billing_error": 402,
    "permission_error": 403,
    "not_found_error": 404,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "timeout_error": 504,
    "overloaded_error": 529,
}

# An error whose type is missing or unknown is reported as an internal error, as the event-stream
# path does for an unknown `:exception-type`.
_UNKNOWN_STATUS: Final = 500


def status_for(error_type: str | None) -> int:
    """The HTTP status Anthropic documents for ``error_type`` (500 for a missing or unknown type)."""
    return ERROR_STATUS.get(error_type or "", _UNKNOWN_STATUS)


@dataclass(frozen=True, slots=True)
class AnthropicErrorInfo:
    """An error in Anthropic's shape, from an error response or an in-stream ``error`` event."""

    error_type: str | None
    """``error.type``, such as ``overloaded_error`` (None when the body named none)."""
    message: str
    """``error.message``, or the body's text when it had no message."""
    status: int
    """The HTTP status to report: the response's, or for an in-stream error the one documented
    for its type (529 for ``overloaded_error``)."""
    body: object
    """The decoded JSON body, or its text when it was not JSON, or None when empty."""
    request_id: str | None
    """The body's top-level ``request_id``, if it has one (the headers' id is :func:`request_id`)."""


def _decode(content: bytes | str) -> object:
    if not content:
        return None
    try:
        return loads(content)
    except ValueError:
        return content.decode("utf-8", "replace") if isinstance(content, bytes) else content


def parse_error(content: bytes | str, status: int | None = None) -> AnthropicErrorInfo:
    """Read an error body (``status``: the response's status; None for an in-stream error, whose
    status is then the one documented for its type). Any body is accepted: a body that is not in
    Anthropic's shape keeps its text as the message."""
    body = _decode(content)
    error_type: str | None = None
    message: str | None = None
    body_request_id: str | None = None
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            kind = error.get("type")
            text = error.get("message")
            error_type = kind if isinstance(kind, str) and kind else None
            message = text if isinstance(text, str) and text else None
        elif isinstance(body.get("message"), str):
            message = body["message"]  # Bedrock's own shape, should a front end answer with it
        rid = body.get("request_id")
        body_request_id = rid if isinstance(rid, str) and rid else None
    if message is None:
        message = body if isinstance(body, str) and body else (error_type or f"HTTP {status or status_for(None)}")
    return AnthropicErrorInfo(
        error_type=error_type,
        message=message,
        status=status_for(error_type) if status is None else status,
        body=body,
        request_id=body_request_id,
    )


def invoke_event(sse: ServerSentEvent) -> str | AnthropicErrorInfo | None:
    """What an Anthropic-native stream event means on the InvokeModel path.

    * the event's JSON text, exactly what the matching InvokeModel ``chunk`` decodes to, for every
      named event with data (``message_start`` ... ``message_stop``, and types not known yet, which
      the event decoder handles as it does on InvokeModel);
    * an :class:`AnthropicErrorInfo` for an ``error`` event: the caller raises it;
    * None for what the caller never sees: ``ping``, and an event with no ``event`` field (type
      ``message``), which is not part of Anthropic's protocol.
    """
    kind = sse.event
    if kind == "ping" or kind == "message":
        return None
    if kind == "error":
        return parse_error(sse.data)
    return sse.data


def request_id(headers: Mapping[str, str]) -> str | None:
    """The request id of a response: Anthropic's ``request-id`` header, else AWS's ``x-amzn-requestid``.

    ``headers`` must look names up without regard to case (``httpx.Headers`` does)."""
    return headers.get("request-id") or headers.get("x-amzn-requestid") or None
