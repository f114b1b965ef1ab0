"""The keyword arguments of `completions.create`: the generated body shape plus `model`, `stream`
and the per-call options."""

from __future__ import annotations

from typing import Literal, Required

from .._generated.models.completion_request import CompletionRequest
from ._common import RequestOptions

__all__ = ["CompletionCreateParams", "CompletionCreateParamsNonStreaming", "CompletionCreateParamsStreaming"]


class _CompletionArguments(CompletionRequest, RequestOptions, total=False):
    model: Required[str]
    """A model id (`anthropic.claude-v2`), an inference-profile id or an ARN."""


class CompletionCreateParams(_CompletionArguments, total=False):
    """The keyword arguments of `completions.create`."""

    stream: bool


class CompletionCreateParamsNonStreaming(_CompletionArguments, total=False):
    stream: Literal[False]


class CompletionCreateParamsStreaming(_CompletionArguments):
    stream: Required[Literal[True]]
