"""Batch results in `anthropic`'s shapes, read from Bedrock's `.out` files one line at a time.

Each output line is `{"recordId", "modelInput", "modelOutput"}` or, for a record that failed,
`{"recordId", "modelInput", "error": {"errorCode", "errorMessage"}}` (user guide,
batch-inference-results), in no particular order. A line becomes a `MessageBatchIndividualResponse`:
the request's `custom_id` (from the file's id map) and a result, `succeeded` with the parsed message
or `errored` with an `anthropic`-style error. Records of the file that have no line (the job was
stopped, expired or failed first) come last, as `canceled`, `expired` or `errored`. Memory is the
file's id map and the set of records seen, both bounded by the per-file record quota.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Generic, Literal, TypeVar

__all__ = [
    "ErrorObject",
    "ErrorResponse",
    "MessageBatchCanceledResult",
    "MessageBatchErroredResult",
    "MessageBatchExpiredResult",
    "MessageBatchIndividualResponse",
    "MessageBatchResult",
    "MessageBatchSucceededResult",
    "Unanswered",
    "error_type_for_status",
    "parse_line",
    "read_results",
]

M = TypeVar("M")

Unanswered = Literal["canceled", "expired", "errored"]
"""What a record with no output line became: the job was stopped, timed out, or failed."""

_ERROR_TYPES: Final = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    408: "timeout_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


def error_type_for_status(status: int | None) -> str:
    """`anthropic`'s error type for an HTTP status (`api_error` for any other)."""
    return _ERROR_TYPES.get(status, "api_error") if status is not None else "api_error"


@dataclass(frozen=True, slots=True)
class ErrorObject:
    """What went wrong: `type` as in `anthropic` (`invalid_request_error`, `api_error`, ...) and Bedrock's message."""

    type: str
    message: str
    status_code: int | None = None
    """Bedrock's `errorCode` for the record, when it gave a number."""

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "message": self.message}


@dataclass(frozen=True, slots=True)
class ErrorResponse:
    """An error, in the envelope `anthropic` uses."""

    error: ErrorObject
    request_id: str | None = None
    type: Literal["error"] = "error"

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "error": self.error.to_dict(), "request_id": self.request_id}


@dataclass(frozen=True, slots=True)
class MessageBatchSucceededResult(Generic[M]):
    """The request was answered."""

    message: M
    type: Literal["succeeded"] = "succeeded"


@dataclass(frozen=True, slots=True)
class MessageBatchErroredResult:
    """The request failed."""

    error: ErrorResponse
    type: Literal["errored"] = "errored"


@dataclass(frozen=True, slots=True)
class MessageBatchCanceledResult:
    """The batch was canceled before the request was processed."""

    type: Literal["canceled"] = "canceled"


@dataclass(frozen=True, slots=True)
class MessageBatchExpiredResult:
    """The batch ran out of time before the request was processed."""

    type: Literal["expired"] = "expired"


MessageBatchResult = (
    MessageBatchSucceededResult[M] | MessageBatchErroredResult | MessageBatchCanceledResult | MessageBatchExpiredResult
)


@dataclass(frozen=True, slots=True)
class MessageBatchIndividualResponse(Generic[M]):
    """One request's result, matched to the request by `custom_id`."""

    custom_id: str
    result: MessageBatchResult[M]
    record_id: str = field(default="", compare=False)
    """Bedrock's recordId for the request (the key in its `.out` files)."""


def _errored(status: int | None, message: str) -> MessageBatchErroredResult:
    return MessageBatchErroredResult(ErrorResponse(ErrorObject(error_type_for_status(status), message, status)))


def _status(code: object) -> int | None:
    if isinstance(code, int) and not isinstance(code, bool):
        return code
    if isinstance(code, str) and code.strip().isdigit():
        return int(code)
    return None


def parse_line(line: bytes, parse_message: Callable[[Mapping[str, Any]], M]) -> tuple[str, MessageBatchResult[M]]:
    """(recordId, result) of one output line; ValueError when the line is not an output record."""
    try:
        item = json.loads(line)
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"an output line is not JSON: {line[:80]!r}") from exc
    if not isinstance(item, dict) or not isinstance(item.get("recordId"), str):
        raise ValueError(f"an output line has no recordId: {line[:80]!r}")
    rid: str = item["recordId"]
    error = item.get("error")
    if isinstance(error, dict):
        message = error.get("errorMessage")
        return rid, _errored(_status(error.get("errorCode")), message if isinstance(message, str) else str(error))
    output = item.get("modelOutput")
    if not isinstance(output, dict):
        return rid, _errored(None, "the output record has neither modelOutput nor error")
    if output.get("type") == "error" and isinstance(output.get("error"), dict):
        # An Anthropic error body as the model output: keep its type and message.
        inner = output["error"]
        kind, text = inner.get("type"), inner.get("message")
        return rid, MessageBatchErroredResult(
            ErrorResponse(ErrorObject(kind if isinstance(kind, str) else "api_error", str(text)))
        )
    try:
        return rid, MessageBatchSucceededResult(parse_message(output))
    except (KeyError, TypeError, ValueError) as exc:
        return rid, _errored(None, f"the model output could not be read as a message: {exc}")


def read_results(
    lines: Iterable[bytes],
    ids: Mapping[str, str],
    parse_message: Callable[[Mapping[str, Any]], M],
    *,
    unanswered: Unanswered | None = None,
    job_message: str | None = None,
) -> Iterator[MessageBatchIndividualResponse[M]]:
    """The results of one output file, in its order, then (when `unanswered` is given, i.e. the job
    has ended) one result for each record of `ids` that had no line. A line whose recordId is not in
    `ids` raises ValueError: the output does not belong to this input."""
    seen: set[str] = set()
    for line in lines:
        if not line.strip():
            continue
        rid, result = parse_line(line, parse_message)
        custom_id = ids.get(rid)
        if custom_id is None:
            raise ValueError(f"the output names recordId {rid!r}, which is not in this file's id map")
        if rid in seen:
            continue  # a record is answered once; a repeated line is not a second answer
        seen.add(rid)
        yield MessageBatchIndividualResponse(custom_id, result, rid)
    if unanswered is None:
        return
    for rid, custom_id in ids.items():
        if rid in seen:
            continue
        missing: MessageBatchResult[M]
        if unanswered == "canceled":
            missing = MessageBatchCanceledResult()
        elif unanswered == "expired":
            missing = MessageBatchExpiredResult()
        else:
            missing = _errored(500, job_message or "the batch job failed before processing this request")
        yield MessageBatchIndividualResponse(custom_id, missing, rid)
