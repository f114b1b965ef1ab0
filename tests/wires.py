"""The Messages API's wire formats, as the tests see them: one test body runs against each.

`invoke` is InvokeModel (`AnthropicBedrock`: the model in the path, the binary event stream);
`mantle` and `runtime` are Anthropic's own Messages wire format (`AnthropicBedrockMantle`, signed
for `bedrock-mantle`, and `AnthropicBedrockNative`, signed for `bedrock`: `model` and `stream` in
the body, server-sent events). A `Wire` answers what a test must know that differs between them:
which emulator log entries a call made, the body it sent as plain Messages arguments, and what an
injected in-stream error becomes.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import anthropic_bedrock as ab

# In-stream error directives (`exception=` faults) and what each wire makes of them:
# (directive, exception class, status, error_type).
INVOKE_STREAM_ERRORS = [
    ("throttlingException", ab.RateLimitError, 429, "ThrottlingException"),
    ("validationException", ab.BadRequestError, 400, "ValidationException"),
    ("modelTimeoutException", ab.RequestTimeoutError, 408, "ModelTimeoutException"),
    ("modelStreamErrorException", ab.FailedDependencyError, 424, "ModelStreamErrorException"),
    ("internalServerException", ab.InternalServerError, 500, "InternalServerException"),
    ("serviceUnavailableException", ab.ServiceUnavailableError, 503, "ServiceUnavailableException"),
]
# On the Anthropic-native wire an `error` event carries Anthropic's type, whose documented status
# picks the class (the emulator maps the event-stream names to those types).
NATIVE_STREAM_ERRORS = [
    ("throttlingException", ab.RateLimitError, 429, "rate_limit_error"),
    ("validationException", ab.BadRequestError, 400, "invalid_request_error"),
    ("modelTimeoutException", ab.InternalServerError, 504, "timeout_error"),
    ("modelStreamErrorException", ab.InternalServerError, 500, "api_error"),
    ("internalServerException", ab.InternalServerError, 500, "api_error"),
    ("serviceUnavailableException", ab.InternalServerError, 529, "overloaded_error"),
    ("overloaded_error", ab.InternalServerError, 529, "overloaded_error"),
]


@dataclass(frozen=True)
class Wire:
    name: str
    client_class: str
    native: bool
    service: str

    @property
    def stream_errors(self) -> list[tuple[str, type, int, str]]:
        return NATIVE_STREAM_ERRORS if self.native else INVOKE_STREAM_ERRORS

    def client_kwargs(self, emu: Any, **overrides: Any) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "aws_access_key": emu.access_key,
            "aws_secret_key": emu.secret_key,
            "aws_region": emu.region,
            "base_url": emu.url + "/anthropic" if self.native else emu.url,
        }
        kwargs.update(overrides)
        return kwargs

    def operation(self, kind: str) -> str:
        """The emulator's operation for a call of `kind` (`invoke`, `stream`, `count_tokens`), as
        `push_fault(match=...)` names it."""
        if not self.native:
            return kind
        return "messages_count_tokens" if kind == "count_tokens" else "messages"

    def requests(self, emu: Any, kind: str) -> list[Any]:
        """The log entries of the calls of `kind` (a native create and stream share one path)."""
        entries = emu.requests(self.operation(kind))
        if self.native and kind != "count_tokens":
            entries = [e for e in entries if bool(e.json().get("stream")) == (kind == "stream")]
        return list(entries)

    def calls(self, emu: Any, kind: str) -> int:
        return len(self.requests(emu, kind))

    def arguments(self, entry: Any) -> dict[str, Any]:
        """The body of a create call as Messages arguments: without InvokeModel's version and betas,
        or the native wire's `model` and `stream`."""
        body = dict(entry.json())
        for key in ("model", "stream") if self.native else ("anthropic_version", "anthropic_beta"):
            body.pop(key, None)
        return body

    def counted(self, entry: Any) -> dict[str, Any]:
        """What a count-tokens call asked to count, as the create body it stands for."""
        if self.native:
            return {k: v for k, v in entry.json().items() if k != "model"}
        inner = json.loads(base64.b64decode(entry.json()["input"]["invokeModel"]["body"]))
        return {k: v for k, v in inner.items() if k not in ("anthropic_version", "max_tokens")}

    def betas(self, entry: Any) -> list[str]:
        if not self.native:
            return list(entry.json().get("anthropic_beta", []))
        value = entry.header("anthropic-beta") or ""
        return [name.strip() for name in value.split(",") if name.strip()]


WIRES = {
    "invoke": Wire("invoke", "AnthropicBedrock", native=False, service="bedrock"),
    "mantle": Wire("mantle", "AnthropicBedrockMantle", native=True, service="bedrock-mantle"),
    "runtime": Wire("runtime", "AnthropicBedrockNative", native=True, service="bedrock"),
}

__all__ = ["INVOKE_STREAM_ERRORS", "NATIVE_STREAM_ERRORS", "WIRES", "Wire"]
