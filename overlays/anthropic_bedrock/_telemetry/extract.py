"""What a call's plain data says in the conventions' terms: pure functions over dicts, no OpenTelemetry.

The engine hands the observer the JSON it sends and receives (request body, response body, stream
chunk, response headers) rather than SDK objects, so this package depends on nothing above it and can
be tested with literal dicts. `Outcome` gathers what a response or a stream said, piece by piece,
and turns it into span attributes and metric values once, at the end.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from . import conventions as c

AttributeValue = str | bool | int | float | tuple[str, ...]

_MAX_DESCRIPTION: Final = 1024
# Query keys whose values `url.full` must not show (the convention's list, plus SigV4's presigned-URL keys).
_SECRET_QUERY_KEYS: Final = frozenset(
    {
        "awsaccesskeyid",
        "signature",
        "sig",
        "x-goog-signature",
        "x-amz-signature",
        "x-amz-credential",
        "x-amz-security-token",
    }
)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def request_attributes(params: Mapping[str, Any] | None, *, stream: bool) -> dict[str, AttributeValue]:
    """The `gen_ai.request.*` attributes of a request body (Messages or text completions)."""
    attributes: dict[str, AttributeValue] = {}
    if stream:
        attributes[c.REQUEST_STREAM] = True
    if not params:
        return attributes
    max_tokens = _count(params.get("max_tokens", params.get("max_tokens_to_sample")))
    if max_tokens is not None:
        attributes[c.REQUEST_MAX_TOKENS] = max_tokens
    for key, name in (("temperature", c.REQUEST_TEMPERATURE), ("top_p", c.REQUEST_TOP_P), ("top_k", c.REQUEST_TOP_K)):
        number = _number(params.get(key))
        if number is not None:
            attributes[name] = number
    stops = params.get("stop_sequences")
    if isinstance(stops, list | tuple) and all(isinstance(s, str) for s in stops):
        attributes[c.REQUEST_STOP_SEQUENCES] = tuple(stops)
    if _asks_for_json(params):
        attributes[c.OUTPUT_TYPE] = "json"
    return attributes


def _asks_for_json(params: Mapping[str, Any]) -> bool:
    """Structured outputs: `output_format` (beta) or `output_config.format`, of type json_schema."""
    fmt = params.get("output_format")
    config = params.get("output_config")
    if fmt is None and isinstance(config, Mapping):
        fmt = config.get("format")
    return isinstance(fmt, Mapping) and fmt.get("type") == "json_schema"


def header(headers: Mapping[str, str] | None, name: str) -> str | None:
    """A response header by lower-case name, from httpx's case-insensitive headers or a plain dict."""
    if not headers:
        return None
    value = headers.get(name)
    if value is None and isinstance(headers, dict):  # httpx.Headers already ignores case
        for key, found in headers.items():
            if key.lower() == name:
                return str(found)
    return value


def error_type(error: BaseException) -> str:
    """`error.type` for an exception: Bedrock's error code (`ThrottlingException`, from the
    x-amzn-ErrorType header or an in-stream exception frame) when the error carries one, else its
    HTTP status, else the exception's class name (`APIConnectionError`, `APITimeoutError`,
    `StreamInterruptedError`, `StreamDecodeError`, `APIResponseValidationError`, `CancelledError`...)."""
    code = getattr(error, "error_type", None)
    if isinstance(code, str) and code:
        return code
    status = getattr(error, "status_code", None)
    if isinstance(status, int) and not isinstance(status, bool):
        return str(status)
    return type(error).__qualname__


def error_description(error: BaseException) -> str:
    """The span status description: the exception's message, bounded."""
    text = str(error) or type(error).__qualname__
    return text if len(text) <= _MAX_DESCRIPTION else text[: _MAX_DESCRIPTION - 1] + "…"


def redact_url(url: str) -> str:
    """`url.full` without credentials: user info and signing query values become REDACTED."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "REDACTED:REDACTED@" + netloc.rpartition("@")[2]
    query = parts.query
    if query and any(key.lower() in _SECRET_QUERY_KEYS for key, _ in parse_qsl(query, keep_blank_values=True)):
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, "REDACTED" if k.lower() in _SECRET_QUERY_KEYS else v) for k, v in pairs])
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


class Outcome:
    """What the answer said so far: filled from a response body, or event by event from a stream."""

    __slots__ = (
        "batch_status",
        "cache_creation",
        "cache_read",
        "counted",
        "finish_reason",
        "input_tokens",
        "output_final",
        "output_tokens",
        "request_id",
        "response_id",
        "response_model",
    )

    def __init__(self) -> None:
        self.response_id: str | None = None
        self.response_model: str | None = None
        self.finish_reason: str | None = None
        self.input_tokens: int | None = None
        self.output_tokens: int | None = None
        self.cache_read: int | None = None
        self.cache_creation: int | None = None
        self.output_final = False
        """Whether `output_tokens` is the final count (a stream stopped early has only a placeholder)."""
        self.counted: int | None = None
        self.batch_status: str | None = None
        self.request_id: str | None = None

    # ---------------------------------------------------------------- filling

    def usage(self, usage: object, *, final: bool) -> None:
        """Anthropic's usage object (`message_start` holds it all; `message_delta` the running totals)."""
        if not isinstance(usage, Mapping):
            return
        value = _count(usage.get("input_tokens"))
        if value is not None:
            self.input_tokens = value
        value = _count(usage.get("cache_read_input_tokens"))
        if value is not None:
            self.cache_read = value
        value = _count(usage.get("cache_creation_input_tokens"))
        if value is not None:
            self.cache_creation = value
        value = _count(usage.get("output_tokens"))
        if value is not None:
            self.output_tokens = value
            self.output_final = self.output_final or final

    def invocation_metrics(self, metrics: object) -> None:
        """Bedrock's `amazon-bedrock-invocationMetrics` on a stream's last chunk: the counts it
        billed, used when the model's own usage did not come (text completions)."""
        if not isinstance(metrics, Mapping):
            return
        if self.input_tokens is None:
            self.input_tokens = _count(metrics.get("inputTokenCount"))
        if not self.output_final:
            value = _count(metrics.get("outputTokenCount"))
            if value is not None:
                self.output_tokens = value
                self.output_final = True

    def headers(self, headers: Mapping[str, str] | None) -> None:
        """The request id, and the token counts Bedrock puts in the headers of a non-streamed answer."""
        if not headers:
            return
        self.request_id = header(headers, c.REQUEST_ID_HEADER) or self.request_id
        if self.input_tokens is None:
            self.input_tokens = _int_header(headers, c.INPUT_TOKENS_HEADER)
        if not self.output_final:
            value = _int_header(headers, c.OUTPUT_TOKENS_HEADER)
            if value is not None:
                self.output_tokens = value
                self.output_final = True

    def response(self, operation: str, data: Mapping[str, Any]) -> None:
        """A whole answer's body, by the kind of operation it answers."""
        if operation == c.COUNT_TOKENS:
            self.counted = _count(data.get("inputTokens"))
        elif operation in c.BATCH_OPERATIONS:
            job = data.get("jobArn")
            self.response_id = job if isinstance(job, str) else self.response_id
            status = data.get("status")
            self.batch_status = status if isinstance(status, str) else None
        else:
            self._message(data)
            self.usage(data.get("usage"), final=True)
            self.invocation_metrics(data.get("amazon-bedrock-invocationMetrics"))

    def _message(self, data: Mapping[str, Any]) -> None:
        value = data.get("id")
        if isinstance(value, str):
            self.response_id = value
        value = data.get("model")
        if isinstance(value, str):
            self.response_model = value
        value = data.get("stop_reason")
        if isinstance(value, str):
            self.finish_reason = value

    def event(self, event: Mapping[str, Any]) -> None:
        """One stream chunk's JSON: a Messages event, or a text-completion chunk."""
        kind = event.get("type")
        if kind == "message_start":
            message = event.get("message")
            if isinstance(message, Mapping):
                self._message(message)
                self.usage(message.get("usage"), final=False)
        elif kind == "message_delta":
            delta = event.get("delta")
            if isinstance(delta, Mapping) and isinstance(delta.get("stop_reason"), str):
                self.finish_reason = delta["stop_reason"]
            self.usage(event.get("usage"), final=True)
        elif kind == "message_stop":
            self.invocation_metrics(event.get("amazon-bedrock-invocationMetrics"))
        elif kind is None and "completion" in event:
            reason = event.get("stop_reason")
            if isinstance(reason, str):
                self.finish_reason = reason
            self.invocation_metrics(event.get("amazon-bedrock-invocationMetrics"))

    # ---------------------------------------------------------------- reading

    @property
    def total_input(self) -> int | None:
        """All input tokens, cached ones included (`gen_ai.usage.input_tokens` SHOULD include them;
        Anthropic reports the uncached part alone)."""
        parts = (self.input_tokens, self.cache_read, self.cache_creation)
        if all(part is None for part in parts):
            return None
        return sum(part for part in parts if part is not None)

    def attributes(self) -> dict[str, AttributeValue]:
        attributes: dict[str, AttributeValue] = {}
        if self.response_id is not None:
            attributes[c.RESPONSE_ID] = self.response_id
        if self.response_model is not None:
            attributes[c.RESPONSE_MODEL] = self.response_model
        if self.finish_reason is not None:
            attributes[c.RESPONSE_FINISH_REASONS] = (self.finish_reason,)
        total = self.total_input
        if total is not None:
            attributes[c.USAGE_INPUT_TOKENS] = total
        if self.output_tokens is not None and self.output_final:
            attributes[c.USAGE_OUTPUT_TOKENS] = self.output_tokens
        if self.cache_read is not None:
            attributes[c.USAGE_CACHE_READ_INPUT_TOKENS] = self.cache_read
        if self.cache_creation is not None:
            attributes[c.USAGE_CACHE_CREATION_INPUT_TOKENS] = self.cache_creation
        if self.counted is not None:
            attributes[c.COUNT_TOKENS_INPUT_TOKENS] = self.counted
        if self.batch_status is not None:
            attributes[c.BATCH_STATUS] = self.batch_status
        if self.request_id is not None:
            attributes[c.AWS_REQUEST_ID] = self.request_id
        return attributes


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    value = header(headers, name)
    return int(value) if value is not None and value.isdigit() else None


def capture_from_env(value: str | None) -> bool:
    """Whether OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT asks for content on spans."""
    return value is not None and value.strip().lower() in c.CAPTURE_CONTENT_ON
