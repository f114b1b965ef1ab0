"""Fault-injection directives: the small text syntax tests use to script one response.

A spec is ``key=value`` pairs (or bare flags) separated by ``;``, for example
``status=429;retry_after=1`` or ``pace=20;chunks=5;cut=3``. Values are percent-decoded, so a
message may carry any character (``message=Rate%20exceeded%3B%20slow%20down``).
The keys are documented in the package docstring (:mod:`anthropic_bedrock.emulator`).
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass
from typing import Final
from urllib.parse import unquote

from ._novel import ALL_KINDS, DEFAULT_KINDS

__all__ = ["ERROR_TYPES", "STREAM_EXCEPTION_TYPES", "FaultQueue", "FaultSpec", "parse_fault"]

# Default x-amzn-ErrorType for an injected status, as Bedrock Runtime names them.
ERROR_TYPES: Final[dict[int, str]] = {
    400: "ValidationException",
    403: "AccessDeniedException",
    404: "ResourceNotFoundException",
    408: "ModelTimeoutException",
    424: "ModelErrorException",
    429: "ThrottlingException",
    500: "InternalServerException",
    503: "ServiceUnavailableException",
}

# The in-stream exception events of InvokeModelWithResponseStream (the ``:exception-type`` header).
STREAM_EXCEPTION_TYPES: Final = (
    "throttlingException",
    "modelStreamErrorException",
    "internalServerException",
    "validationException",
    "modelTimeoutException",
    "serviceUnavailableException",
)

# Anthropic's error types, for an in-stream ``error`` event on the Anthropic-native paths (the
# event-stream names above map onto them there; an InvokeModel stream sends one as it is, an
# exception type no SDK knows).
ANTHROPIC_STREAM_ERROR_TYPES: Final = (
    "invalid_request_error",
    "authentication_error",
    "permission_error",
    "not_found_error",
    "request_too_large",
    "rate_limit_error",
    "api_error",
    "timeout_error",
    "overloaded_error",
)

MAX_CHUNKS: Final = 100_000  # frames one stream may be split into (empty ones included)
_MATCHES: Final = (
    "invoke",
    "stream",
    "count_tokens",
    "messages",
    "messages_count_tokens",
    "create_job",
    "get_job",
    "stop_job",
    "list_jobs",
)
_FLAGS: Final = ("reset", "crc", "novel")


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """One parsed directive set; every field left at its default means "behave normally"."""

    status: int | None = None
    error_type: str | None = None
    message: str | None = None
    retry_after: str | None = None
    retry_after_ms: int | None = None
    should_retry: bool | None = None
    reset: bool = False
    delay_ms: float = 0.0
    pace_ms: float = 0.0
    chunks: int | None = None
    cut: int | None = None
    crc: int | None = None
    exception: str | None = None
    after: int = 0
    length: int | None = None
    novel: frozenset[str] = frozenset()
    match: str | None = None
    text: str = ""

    def applies_to(self, operation: str) -> bool:
        """Whether a queued spec may be consumed by ``operation`` (``invoke``, ``stream``, ``count_tokens``)."""
        return self.match is None or self.match == operation


def _int(key: str, value: str, minimum: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{key} needs an integer, got {value!r}") from None
    if number < minimum:
        raise ValueError(f"{key} must be >= {minimum}, got {number}")
    return number


def _ms(key: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{key} needs a number of milliseconds, got {value!r}") from None
    if not 0 <= number <= 600_000:
        raise ValueError(f"{key} must be between 0 and 600000 ms, got {value}")
    return number


def parse_fault(text: str) -> FaultSpec:
    """Parse a spec such as ``status=503`` or ``exception=throttlingException;after=2``.

    Raises ValueError naming the offending key.
    """
    fields: dict[str, object] = {"text": text.strip()}
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        key, has_value, raw = part.partition("=")
        key = key.strip().lower().replace("-", "_")
        value = unquote(raw.strip())
        if key in _FLAGS and not has_value:
            fields[key] = {"reset": True, "crc": 0, "novel": DEFAULT_KINDS}[key]
            continue
        if not has_value:
            raise ValueError(f"fault key {key!r} needs a value ({key}=...)")
        if key == "status":
            status = _int(key, value, 400)
            if status > 599:
                raise ValueError(f"status must be an HTTP error status (400-599), got {status}")
            fields["status"] = status
        elif key in ("type", "error_type"):
            fields["error_type"] = value
        elif key == "message":
            fields["message"] = value
        elif key == "retry_after":
            fields["retry_after"] = value
        elif key == "retry_after_ms":
            fields["retry_after_ms"] = _int(key, value, 0)
        elif key == "should_retry":
            if value.lower() not in ("true", "false"):
                raise ValueError(f"should_retry must be true or false, got {value!r}")
            fields["should_retry"] = value.lower() == "true"
        elif key == "reset":
            fields["reset"] = value.lower() in ("1", "true", "yes")
        elif key == "delay":
            fields["delay_ms"] = _ms(key, value)
        elif key == "pace":
            fields["pace_ms"] = _ms(key, value)
        elif key == "chunks":
            chunks = _int(key, value, 1)
            if chunks > MAX_CHUNKS:
                raise ValueError(f"chunks must be at most {MAX_CHUNKS}, got {chunks}")
            fields["chunks"] = chunks
        elif key == "cut":
            fields["cut"] = _int(key, value, 0)
        elif key == "crc":
            fields["crc"] = _int(key, value, 0)
        elif key == "exception":
            if value not in STREAM_EXCEPTION_TYPES and value not in ANTHROPIC_STREAM_ERROR_TYPES:
                known = ", ".join((*STREAM_EXCEPTION_TYPES, *ANTHROPIC_STREAM_ERROR_TYPES))
                raise ValueError(f"exception must be one of {known}; got {value!r}")
            fields["exception"] = value
        elif key == "after":
            fields["after"] = _int(key, value, 0)
        elif key == "length":
            fields["length"] = _int(key, value, 0)
        elif key == "novel":
            kinds = frozenset(part.strip() for part in value.split(",") if part.strip())
            if not kinds or not kinds <= ALL_KINDS:
                raise ValueError(f"novel takes a list of {', '.join(sorted(ALL_KINDS))}; got {value!r}")
            fields["novel"] = kinds
        elif key == "match":
            if value not in _MATCHES:
                raise ValueError(f"match must be one of {', '.join(_MATCHES)}, got {value!r}")
            fields["match"] = value
        else:
            raise ValueError(f"unknown fault key {key!r}")
    spec = FaultSpec(**fields)  # type: ignore[arg-type]
    if spec.status is None and (spec.error_type or spec.retry_after or spec.retry_after_ms is not None):
        if spec.error_type is None:
            raise ValueError("retry_after needs status=<code>")
        # A bare error type picks its usual status.
        for status, name in ERROR_TYPES.items():
            if name == spec.error_type:
                return dataclasses.replace(spec, status=status)
        raise ValueError(f"type={spec.error_type} needs status=<code>")
    return spec


@dataclass(slots=True)
class _Queued:
    spec: FaultSpec
    remaining: int


class FaultQueue:
    """Directives queued for the next model requests, consumed in order (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[_Queued] = []

    def push(self, spec: str | FaultSpec, count: int = 1, *, match: str | None = None) -> None:
        """Queue ``spec`` for the next ``count`` model requests (``match``: only ``invoke``, ``stream`` or ``count_tokens``)."""
        parsed = parse_fault(spec) if isinstance(spec, str) else spec
        if match is not None:
            parsed = parse_fault(f"{parsed.text};match={match}" if parsed.text else f"match={match}")
        if count < 1:
            raise ValueError("count must be >= 1")
        with self._lock:
            self._items.append(_Queued(parsed, count))

    def take(self, operation: str) -> FaultSpec | None:
        """The first queued spec that applies to ``operation``, using up one of its uses."""
        with self._lock:
            for index, item in enumerate(self._items):
                if item.spec.applies_to(operation):
                    item.remaining -= 1
                    if item.remaining <= 0:
                        del self._items[index]
                    return item.spec
        return None

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def pending(self) -> int:
        """How many queued uses are left."""
        with self._lock:
            return sum(item.remaining for item in self._items)
