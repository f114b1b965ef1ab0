"""Bedrock's own request options as InvokeModel and its stream receive them: the guardrail, trace,
latency, service tier and request metadata headers, checked against the API description (the
generated ``BedrockRequestOptions`` and the header each option travels in), and what the emulated
guardrail does.

A bad value answers 400 ValidationException worded as AWS words its input checks (``1 validation
error detected: Value 'x' at 'trace' failed to satisfy constraint: ...``, with botocore's member
names). The tier and latency asked for come back as the ``X-Amzn-Bedrock-Service-Tier`` and
``X-Amzn-Bedrock-PerformanceConfig-Latency`` response headers.

The emulated guardrail: with ``X-Amzn-Bedrock-GuardrailIdentifier`` (and its version), a request
whose last user turn contains the word :data:`GUARDRAIL_TRIGGER` (any case, as a whole word) is blocked:
the answer is the one text block :data:`BLOCKED_MESSAGE`, ``stop_reason`` ``end_turn``, and the body
(every stream chunk) carries ``"amazon-bedrock-guardrailAction": "INTERVENED"``; otherwise
``"NONE"``. With ``X-Amzn-Bedrock-Trace`` ``ENABLED`` or ``ENABLED_FULL`` the body (the last stream
chunk) adds ``amazon-bedrock-trace``: ``{"guardrail": {"input": {<id>: <assessment>}, "outputs":
[]}}``, the assessment of a blocked request being ``{"wordPolicy": {"customWords": [{"match":
"forbidden", "action": "BLOCKED"}]}}`` and ``{}`` otherwise.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final

from .._operations.bedrock_options import HEADERS, MAX_REQUEST_METADATA
from .._operations.checks import CheckError
from .._operations.validation import checker
from ..types import BedrockRequestOptions

__all__ = ["BLOCKED_MESSAGE", "GUARDRAIL_TRIGGER", "OptionError", "Options", "read_options"]

GUARDRAIL_TRIGGER: Final = "forbidden"
BLOCKED_MESSAGE: Final = "Sorry, the model cannot answer this question."
_TRIGGER = re.compile(rf"\b{GUARDRAIL_TRIGGER}\b", re.IGNORECASE)
# botocore's member name of each option, as AWS names the field in its validation messages.
_MEMBERS: Final = {
    "guardrail_identifier": "guardrailIdentifier",
    "guardrail_version": "guardrailVersion",
    "trace": "trace",
    "performance_latency": "performanceConfigLatency",
    "service_tier": "serviceTier",
    "request_metadata": "requestMetadata",
}
_BY_HEADER: Final = {header.lower(): key for key, header in HEADERS.items()}


class OptionError(Exception):
    """A Bedrock option header that InvokeModel refuses; the message is the 400's."""


@dataclass(frozen=True, slots=True)
class Options:
    """The options a request gave (None where it gave none)."""

    guardrail_identifier: str | None = None
    guardrail_version: str | None = None
    trace: str | None = None
    performance_latency: str | None = None
    service_tier: str | None = None
    request_metadata: dict[str, str] | None = None

    def response_headers(self) -> list[tuple[str, str]]:
        """The tier and latency setting that served the request, as Bedrock reports them."""
        headers = []
        if self.service_tier is not None:
            headers.append(("x-amzn-bedrock-service-tier", self.service_tier))
        if self.performance_latency is not None:
            headers.append(("x-amzn-bedrock-performanceconfig-latency", self.performance_latency))
        return headers

    def guardrail(self, user_text: str) -> dict[str, Any] | None:
        """What the guardrail adds to the answer's body (None without a guardrail): its action, and
        its trace when one was asked for."""
        if self.guardrail_identifier is None:
            return None
        blocked = _TRIGGER.search(user_text) is not None
        fields: dict[str, Any] = {"amazon-bedrock-guardrailAction": "INTERVENED" if blocked else "NONE"}
        if self.trace in ("ENABLED", "ENABLED_FULL"):
            custom = [{"match": GUARDRAIL_TRIGGER, "action": "BLOCKED"}]
            assessment = {"wordPolicy": {"customWords": custom}} if blocked else {}
            trace = {"input": {self.guardrail_identifier: assessment}, "outputs": []}
            fields["amazon-bedrock-trace"] = {"guardrail": trace}
        return fields


def read_options(headers: list[tuple[str, str]]) -> Options:
    """The options among the request's headers; OptionError for one Bedrock would refuse."""
    given: dict[str, Any] = {}
    for name, value in headers:
        key = _BY_HEADER.get(name)
        if key is not None and value != "":  # an empty guardrail identifier means no guardrail
            given[key] = value
    if not given:
        return Options()
    raw = given.get("request_metadata")
    if raw is not None:
        given["request_metadata"] = _metadata(raw)
    try:
        checker(BedrockRequestOptions, strict=True)(given, None)
    except CheckError as exc:
        key = str(exc.path[1]) if isinstance(exc.path, tuple) else ""
        raise OptionError(_aws_message(_MEMBERS.get(key, key), exc)) from None
    if "guardrail_identifier" in given and "guardrail_version" not in given:
        raise OptionError("A guardrail version is required when a guardrail identifier is given.")
    return Options(**given)


def _metadata(raw: str) -> dict[str, str]:
    if len(raw) > MAX_REQUEST_METADATA:
        raise OptionError(
            "1 validation error detected: Value at 'requestMetadata' failed to satisfy constraint: "
            f"Member must have length less than or equal to {MAX_REQUEST_METADATA}"
        )
    try:
        metadata = json.loads(raw)
    except ValueError:
        metadata = None
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise OptionError("The request metadata must be a JSON object of string keys and string values.")
    return metadata


def _aws_message(member: str, exc: CheckError) -> str:
    value = exc.info.get("value")
    if exc.rule == "enum":
        constraint = "Member must satisfy enum value set: [" + ", ".join(map(str, exc.info["allowed"])) + "]"
    elif exc.rule == "pattern":
        constraint = f"Member must satisfy regular expression pattern: {exc.info['bound']}"
    elif exc.rule == "max_length":
        constraint = f"Member must have length less than or equal to {exc.info['bound']}"
    else:
        constraint = str(exc)
    return f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
