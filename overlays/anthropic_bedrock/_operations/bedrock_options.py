"""Bedrock's own request options (guardrail, trace, latency, service tier, request metadata) as
keyword arguments: checked against the API description and turned into the headers InvokeModel and
InvokeModelWithResponseStream take.

The arguments are the generated `BedrockRequestOptions` TypedDict, whose properties name their
header (`x-header`); the endpoint modules take each header as a `build_request` keyword
(`Endpoint.header_parameters`), so the header names and allowed values come from the API description
alone. Bedrock's CountTokens takes none of these headers, and says so when given one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from .._generated.api import Endpoint
from .._generated.models.bedrock_request_options import BEDROCK_REQUEST_OPTIONS_HEADERS, BedrockRequestOptions
from .checks import CheckTypeError, CheckValueError
from .validation import checker

__all__ = ["HEADERS", "MAX_REQUEST_METADATA", "OPTION_KEYS", "header_arguments", "unknown_option_hint"]

HEADERS: Final[Mapping[str, str]] = BEDROCK_REQUEST_OPTIONS_HEADERS
"""Each option and the header that carries it (from the API description)."""
OPTION_KEYS: Final = frozenset(BEDROCK_REQUEST_OPTIONS_HEADERS)
# botocore's RequestMetadataJson: the header value is at most 8,500 characters.
MAX_REQUEST_METADATA: Final = 8500
_BEDROCK_TIERS: Final = "'priority', 'default', 'flex' and 'reserved'"
# Anthropic's own API takes these for `service_tier`; Bedrock has tiers of its own.
_FIRST_PARTY_TIERS: Final = frozenset({"auto", "standard_only"})


def header_arguments(endpoint: Endpoint, options: Mapping[str, Any]) -> dict[str, Any]:
    """The `build_request` keywords that send `options` as their headers; TypeError or ValueError
    naming the option, before anything is sent. None means not given, as for the body arguments."""
    given = {key: value for key, value in options.items() if value is not None}
    if not given:
        return {}
    tier = given.get("service_tier")
    if isinstance(tier, str) and tier in _FIRST_PARTY_TIERS:
        raise CheckValueError(
            f"service_tier {tier!r} is a tier of Anthropic's own API; Bedrock's tiers are {_BEDROCK_TIERS}",
            (None, "service_tier"),
            "enum",
            {"value": tier, "allowed": ("priority", "default", "flex", "reserved")},
        )
    checked = checker(BedrockRequestOptions)(given, None)
    if ("guardrail_identifier" in checked) != ("guardrail_version" in checked):
        missing = "guardrail_version" if "guardrail_identifier" in checked else "guardrail_identifier"
        raise CheckTypeError(
            f"{missing} is missing: Bedrock takes a guardrail's identifier and version together",
            None,
            "missing",
            {"key": missing},
        )
    if "request_metadata" in checked:
        checked["request_metadata"] = _request_metadata(checked["request_metadata"])
    arguments: dict[str, Any] = {}
    for key, value in checked.items():
        keyword = endpoint.header_parameters.get(BEDROCK_REQUEST_OPTIONS_HEADERS[key])
        if keyword is None:  # the API description gives this operation no such header
            raise TypeError(f"{endpoint.name} does not take {key}")
        arguments[keyword] = value
    return arguments


def _request_metadata(metadata: Mapping[str, object]) -> str:
    for key, value in metadata.items():
        if not isinstance(value, str):
            raise CheckTypeError(
                f"request_metadata[{key!r}] must be a string, not {type(value).__name__}",
                ((None, "request_metadata"), str(key)),
                "type",
                {"value": value, "expected": "string"},
            )
    # ASCII JSON (other characters escaped), so the value is a legal header whatever it holds.
    text = json.dumps(metadata, separators=(",", ":"), ensure_ascii=True)
    if len(text) > MAX_REQUEST_METADATA:
        raise CheckValueError(
            f"request_metadata is {len(text)} characters as JSON; Bedrock takes at most {MAX_REQUEST_METADATA}",
            (None, "request_metadata"),
            "max_length",
            {"value": text, "bound": MAX_REQUEST_METADATA},
        )
    return text


def unknown_option_hint(operation: str, unknown: list[str]) -> str:
    """What to add to an unexpected-argument error when a Bedrock option went to an operation
    that takes none (such as CountTokens, which has no such headers)."""
    if OPTION_KEYS.isdisjoint(unknown):
        return ""
    return f" ({operation}() takes none of Bedrock's request options: its operation has no such header)"
