"""Request options every method takes, beside the body arguments the API description defines;
`UNSET`, the marker of a value the caller did not give; and `FileInput`, the file data a source's
`data` may be given as."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

import httpx

from .._generated.types import UNSET, FileInput, Unset

__all__ = ["UNSET", "FileInput", "RequestOptions", "Unset"]


class RequestOptions(TypedDict, total=False):
    """Per-call options every method takes."""

    extra_headers: Mapping[str, str] | None
    """Headers added to this request only (an `anthropic-beta` header becomes the body's `anthropic_beta`)."""
    extra_query: Mapping[str, object] | None
    extra_body: Mapping[str, object] | None
    """JSON fields merged into the body last, overriding the arguments (never `model` or `stream`)."""
    timeout: float | httpx.Timeout | None
    max_retries: int
