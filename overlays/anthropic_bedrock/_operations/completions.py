"""`completions.create`: Anthropic text completions on InvokeModel and its stream."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .._constants import ANTHROPIC_VERSION
from .._generated.api.runtime import invoke_model, invoke_model_with_response_stream
from .._streaming.completions import AsyncCompletionStream, CompletionAccumulator, CompletionStream
from ..types import Completion, CompletionChunk, CompletionRequest
from .base import Operation

__all__ = ["COMPLETIONS"]


def _completion_body(arguments: dict[str, Any], headers: Mapping[str, str]) -> dict[str, Any]:
    return {**arguments, "anthropic_version": ANTHROPIC_VERSION}


COMPLETIONS: Final[Operation[Completion, CompletionChunk]] = Operation(
    name="completions.create",
    arguments=CompletionRequest,
    body=_completion_body,
    endpoint=invoke_model.ENDPOINT,
    result=Completion,
    stream_endpoint=invoke_model_with_response_stream.ENDPOINT,
    event=CompletionChunk.from_dict,
    accumulator=CompletionAccumulator,
    stream_class=CompletionStream,
    async_stream_class=AsyncCompletionStream,
)
