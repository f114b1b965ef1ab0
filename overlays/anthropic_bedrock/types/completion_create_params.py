"""`anthropic_bedrock.types.completion_create_params`, the module the original package kept the
keyword-argument shapes of `completions.create` in."""

from __future__ import annotations

from .completions import CompletionCreateParams, CompletionCreateParamsNonStreaming, CompletionCreateParamsStreaming

__all__ = ["CompletionCreateParams", "CompletionCreateParamsNonStreaming", "CompletionCreateParamsStreaming"]
