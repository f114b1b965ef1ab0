"""`anthropic_bedrock.types.completion`, the module the original package kept `Completion` in, so
that `from anthropic_bedrock.types.completion import Completion` keeps working."""

from __future__ import annotations

from .._generated.models.completion import Completion

__all__ = ["Completion"]
