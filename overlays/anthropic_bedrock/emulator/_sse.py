"""The Anthropic-native Messages endpoints: the same answers as InvokeModel, in Anthropic's wire format.

``POST /anthropic/v1/messages`` (bedrock-mantle, and bedrock-runtime's newer path) takes the
Messages body with ``model`` and ``stream`` in it and no ``anthropic_version`` (the version is the
``anthropic-version`` header; betas come in ``anthropic-beta``). It answers the same deterministic
Message as InvokeModel (:mod:`._bedrock`), and streams the same events as server-sent events::

    event: content_block_delta
    data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"alpha"}}
    <blank line>

``message_stop`` carries no ``amazon-bedrock-invocationMetrics`` (that object belongs to the
InvokeModel chunk). Errors are Anthropic's ``{"type": "error", "error": {"type", "message"},
"request_id"}`` with both ``request-id`` and ``x-amzn-requestid`` headers.
``POST /anthropic/v1/messages/count_tokens`` answers ``{"input_tokens": N}`` with the same ``N``
InvokeModel's usage reports.

Stream faults, from the usual directives: ``pace``, ``chunks``, ``cut=<k>`` (drop the connection
after k events), ``length``, ``novel`` (``frame`` becomes a comment and an unknown field, which a
reader must skip), ``exception=<type>;after=<k>`` (an ``error`` event after k events, then the end:
the event-stream names map to Anthropic types, so ``serviceUnavailableException`` is
``overloaded_error``; Anthropic types are taken as they are), ``crc=<k>`` (event k sent with its
JSON cut in half, the SSE counterpart of a corrupt frame), ``status=<code>`` (an Anthropic error
answer of that status).

Pure parts: :func:`parse_request`, :func:`count_tokens_body`, :func:`sse_event`,
:func:`stream_events`, :func:`sse_frames`, :func:`error_response`; a handler in the dispatch table
sends what they produce.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Final

from . import _bedrock
from ._faults import FaultSpec
from ._messages_check import MAX_OUTPUT_TOKENS
from ._schema import JSONObject

__all__ = [
    "DEFAULT_MESSAGES",
    "ERROR_TYPES",
    "NativeError",
    "NativeRequest",
    "StreamFaults",
    "count_tokens_body",
    "error_response",
    "error_type_for",
    "parse_request",
    "sse_event",
    "sse_frames",
    "stream_events",
]

# The HTTP status of each Anthropic error type (platform.claude.com/docs/en/api/errors).
ERROR_TYPES: Final[dict[int, str]] = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}
DEFAULT_MESSAGES: Final[dict[str, str]] = {
    "invalid_request_error": "The request is invalid (injected).",
    "authentication_error": "The credentials were not accepted.",
    "billing_error": "There is an issue with billing (injected).",
    "permission_error": "You don't have access to the model with the specified model ID.",
    "not_found_error": "The model was not found.",
    "request_too_large": "The request exceeds the maximum allowed number of bytes.",
    "rate_limit_error": "Too many requests, please wait before trying again.",
    "api_error": "An unexpected error has occurred (injected).",
    "timeout_error": "The request timed out while processing (injected).",
    "overloaded_error": "Overloaded",
}
# The InvokeModel stream's exception names (`exception=` directive) as Anthropic error types.
_STREAM_ERROR_TYPES: Final[dict[str, str]] = {
    "throttlingException": "rate_limit_error",
    "modelStreamErrorException": "api_error",
    "internalServerException": "api_error",
    "validationException": "invalid_request_error",
    "modelTimeoutException": "timeout_error",
    "serviceUnavailableException": "overloaded_error",
}
_VERSION: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_METRICS_KEY: Final = "amazon-bedrock-invocationMetrics"


def error_type_for(status: int) -> str:
    """Anthropic's error type for ``status`` (other 4xx are ``invalid_request_error``, other 5xx ``api_error``)."""
    return ERROR_TYPES.get(status) or ("api_error" if status >= 500 else "invalid_request_error")


def error_response(
    status: int, error_type: str | None, message: str | None, request_id: str
) -> tuple[list[tuple[str, str]], bytes]:
    """Headers and body of an Anthropic-style error answer."""
    kind = error_type or error_type_for(status)
    text = message or DEFAULT_MESSAGES.get(kind, f"Injected {kind}.")
    body = {"type": "error", "error": {"type": kind, "message": text}, "request_id": request_id}
    headers = [("content-type", "application/json"), ("request-id", request_id), ("x-amzn-requestid", request_id)]
    return headers, json.dumps(body).encode()


class NativeError(Exception):
    """A request refused with an Anthropic-style error of this status and type."""

    def __init__(self, status: int, error_type: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message


def _invalid(message: str) -> NativeError:
    return NativeError(400, "invalid_request_error", message)


@dataclass(frozen=True, slots=True)
class NativeRequest:
    """A validated request: the model it names, whether it streams, and the InvokeModel view of its body."""

    model: str
    stream: bool
    invocation: _bedrock.Invocation


def _document(raw: bytes, version: str | None, beta: str | None) -> tuple[str, JSONObject]:
    """The header checks, ``model``, and the rest of the body with Bedrock's version added."""
    if version is None:
        raise _invalid("anthropic-version: header is required")
    if not _VERSION.fullmatch(version.strip()):
        raise _invalid(f"anthropic-version: {version!r} is not a valid version")
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise _invalid("There was an issue with the JSON body of your request.") from None
    if not isinstance(body, dict):
        raise _invalid("The request body must be a JSON object.")
    model = body.pop("model", None)
    if not isinstance(model, str) or not model:
        raise _invalid("model: Field required" if model is None else "model: Input should be a non-empty string")
    for key in ("anthropic_version", "anthropic_beta"):
        if key in body:
            raise _invalid(f"{key}: Extra inputs are not permitted")
    betas = [name.strip() for name in (beta or "").split(",") if name.strip()]
    document: JSONObject = {**body, "anthropic_version": _bedrock.ANTHROPIC_VERSION}
    if betas:
        document["anthropic_beta"] = betas
    return model, document


def _validated(document: JSONObject) -> _bedrock.Invocation:
    if "messages" not in document:
        raise _invalid("messages: Field required")  # never the text-completions API here
    try:
        return _bedrock.parse_document(document)
    except _bedrock.BodyError as exc:
        raise _invalid(str(exc)) from None


def parse_request(raw: bytes, version: str | None, beta: str | None) -> NativeRequest:
    """Validate a ``/anthropic/v1/messages`` body as InvokeModel validates its own; raises NativeError."""
    model, document = _document(raw, version, beta)
    stream = document.pop("stream", False)
    if not isinstance(stream, bool):
        raise _invalid("stream: Input should be a valid boolean")
    return NativeRequest(model, stream, _validated(document))


def count_tokens_body(raw: bytes, version: str | None, beta: str | None) -> tuple[str, bytes]:
    """The model and the ``{"input_tokens": N}`` answer to a count-tokens body; raises NativeError."""
    model, document = _document(raw, version, beta)
    for key in ("max_tokens", "stream"):
        if key in document:
            raise _invalid(f"{key}: Extra inputs are not permitted")
    # The shared validator wants max_tokens; the largest lets any thinking budget through.
    invocation = _validated({**document, "max_tokens": MAX_OUTPUT_TOKENS})
    return model, json.dumps({"input_tokens": invocation.input_tokens}).encode()


def stream_events(payloads: Iterable[bytes]) -> Iterator[JSONObject]:
    """The event objects inside InvokeModel ``chunk`` payloads (``{"bytes": base64(JSON)}``), less the metrics."""
    for payload in payloads:
        event = json.loads(base64.b64decode(json.loads(payload)["bytes"]))
        event.pop(_METRICS_KEY, None)
        yield event


def sse_event(event: Mapping[str, object]) -> bytes:
    """One server-sent event: the type as ``event``, the compact JSON as ``data``."""
    data = json.dumps(event, separators=(",", ":"))
    return f"event: {event['type']}\ndata: {data}\n\n".encode()


@dataclass(frozen=True, slots=True)
class StreamFaults:
    """What goes wrong in an SSE stream: an ``error`` event after ``after`` events (ending it),
    event number ``malformed`` sent with its JSON cut in half (or, ``malformed_utf8``, with a byte
    that is not UTF-8), and ``novel_lines``: a comment and an unknown field after the first event."""

    error: str | None = None
    after: int = 0
    message: str | None = None
    malformed: int | None = None
    malformed_utf8: bool = False
    novel_lines: bool = False

    @classmethod
    def from_spec(cls, spec: FaultSpec | None) -> StreamFaults:
        if spec is None:
            return cls()
        error = _STREAM_ERROR_TYPES.get(spec.exception, spec.exception) if spec.exception else None
        return cls(
            error=error,
            after=spec.after,
            message=spec.message,
            malformed=spec.crc,
            novel_lines="frame" in spec.novel,
        )


def _malformed(frame: bytes, utf8: bool) -> bytes:
    head, _, data = frame.rstrip(b"\n").partition(b"\ndata: ")
    broken = data[:1] + b"\xff" + data[1:] if utf8 else data[: len(data) // 2]
    return head + b"\ndata: " + broken + b"\n\n"


def sse_frames(events: Iterable[Mapping[str, object]], faults: StreamFaults = StreamFaults()) -> Iterator[bytes]:
    """The stream's bytes, one item per event (written and flushed one by one), faults applied."""
    for index, event in enumerate(events):
        if faults.error is not None and index >= faults.after:
            break
        frame = sse_event(event)
        yield _malformed(frame, faults.malformed_utf8) if index == faults.malformed else frame
        if index == 0 and faults.novel_lines:
            yield b": novel comment\nnovel-field: 42\n\n"  # no data line: nothing to dispatch
    if faults.error is None:
        return
    message = faults.message or DEFAULT_MESSAGES.get(faults.error, f"Injected {faults.error}.")
    yield sse_event({"type": "error", "error": {"type": faults.error, "message": message}})
