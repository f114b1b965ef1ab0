"""Python SDK for Anthropic's Claude models on Amazon Bedrock.

    from anthropic_bedrock import AnthropicBedrock, HUMAN_PROMPT, AI_PROMPT

    client = AnthropicBedrock(aws_region="us-east-2")
    completion = client.completions.create(
        model="anthropic.claude-v2",
        max_tokens_to_sample=256,
        prompt=f"{HUMAN_PROMPT} Hello{AI_PROMPT}",
    )

The clients (and with them httpx) are imported on first use, and botocore only when credentials
are first needed, so importing this package is cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._constants import AI_PROMPT, HUMAN_PROMPT
from ._exceptions import (
    AnthropicBedrockError,
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APIStreamError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    FailedDependencyError,
    InternalServerError,
    MissingCredentialsError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestTimeoutError,
    ServiceUnavailableError,
    StreamDecodeError,
    StreamInterruptedError,
    StructuredOutputError,
    UnprocessableEntityError,
)

AnthropicError = AnthropicBedrockError
"""The root of every error this SDK raises, under the name `anthropic` gives its own root."""

if TYPE_CHECKING:
    from httpx import Timeout

    from ._batch.errors import BatchNotEndedError, BatchNotFoundError, BatchWaitTimeoutError
    from ._batch.jobs import BatchJob, MessageBatch
    from ._batch.quotas import BatchQuotas
    from ._batch.results import (
        MessageBatchCanceledResult,
        MessageBatchErroredResult,
        MessageBatchExpiredResult,
        MessageBatchIndividualResponse,
        MessageBatchResult,
        MessageBatchSucceededResult,
    )
    from ._batch.sharder import BatchQuotaError, BatchRequestError
    from ._batch.status import RequestCounts as MessageBatchRequestCounts
    from ._client import AnthropicBedrock, AsyncAnthropicBedrock, AsyncClient, Client
    from ._config import NOT_GIVEN, NotGiven
    from ._native_client import (
        AnthropicBedrockMantle,
        AnthropicBedrockNative,
        AsyncAnthropicBedrockMantle,
        AsyncAnthropicBedrockNative,
    )
    from ._response import APIResponse, AsyncAPIResponse
    from ._streaming.stream import AsyncStream, Stream
    from .tokenizer import get_tokenizer
    from .types import Completion, CompletionChunk, RequestOptions, ResponseMetadata

__version__ = "0.9.0"

_LAZY = {
    "AnthropicBedrock": "._client",
    "AsyncAnthropicBedrock": "._client",
    "Client": "._client",
    "AsyncClient": "._client",
    "AnthropicBedrockMantle": "._native_client",
    "AsyncAnthropicBedrockMantle": "._native_client",
    "AnthropicBedrockNative": "._native_client",
    "AsyncAnthropicBedrockNative": "._native_client",
    "NOT_GIVEN": "._config",
    "NotGiven": "._config",
    "APIResponse": "._response",
    "AsyncAPIResponse": "._response",
    "Stream": "._streaming.stream",
    "AsyncStream": "._streaming.stream",
    "Completion": ".types",
    "CompletionChunk": ".types",
    "ResponseMetadata": ".types",
    "RequestOptions": ".types",
    "get_tokenizer": ".tokenizer",
    # batch inference (client.messages.batches)
    "BatchJob": "._batch.jobs",
    "BatchNotEndedError": "._batch.errors",
    "BatchNotFoundError": "._batch.errors",
    "BatchQuotaError": "._batch.sharder",
    "BatchQuotas": "._batch.quotas",
    "BatchRequestError": "._batch.sharder",
    "BatchWaitTimeoutError": "._batch.errors",
    "MessageBatch": "._batch.jobs",
    "MessageBatchCanceledResult": "._batch.results",
    "MessageBatchErroredResult": "._batch.results",
    "MessageBatchExpiredResult": "._batch.results",
    "MessageBatchIndividualResponse": "._batch.results",
    "MessageBatchRequestCounts": "._batch.status",
    "MessageBatchResult": "._batch.results",
    "MessageBatchSucceededResult": "._batch.results",
}
# Names whose home module calls them otherwise.
_RENAMED = {"MessageBatchRequestCounts": "RequestCounts"}

__all__ = [
    "AI_PROMPT",
    "HUMAN_PROMPT",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APIStreamError",
    "APITimeoutError",
    "AnthropicBedrock",
    "AnthropicBedrockError",
    "AnthropicBedrockMantle",
    "AnthropicBedrockNative",
    "AnthropicError",
    "AsyncAPIResponse",
    "AsyncAnthropicBedrock",
    "AsyncAnthropicBedrockMantle",
    "AsyncAnthropicBedrockNative",
    "AsyncClient",
    "AsyncStream",
    "AuthenticationError",
    "BadRequestError",
    "BatchJob",
    "BatchNotEndedError",
    "BatchNotFoundError",
    "BatchQuotaError",
    "BatchQuotas",
    "BatchRequestError",
    "BatchWaitTimeoutError",
    "Client",
    "Completion",
    "CompletionChunk",
    "ConflictError",
    "FailedDependencyError",
    "InternalServerError",
    "MessageBatch",
    "MessageBatchCanceledResult",
    "MessageBatchErroredResult",
    "MessageBatchExpiredResult",
    "MessageBatchIndividualResponse",
    "MessageBatchRequestCounts",
    "MessageBatchResult",
    "MessageBatchSucceededResult",
    "MissingCredentialsError",
    "NotFoundError",
    "NotGiven",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestOptions",
    "RequestTimeoutError",
    "ResponseMetadata",
    "ServiceUnavailableError",
    "Stream",
    "StreamDecodeError",
    "StreamInterruptedError",
    "StructuredOutputError",
    "Timeout",
    "UnprocessableEntityError",
    "__version__",
    "get_tokenizer",
]


def __getattr__(name: str) -> Any:
    import importlib

    if name == "types":  # `anthropic_bedrock.types.X` after a plain `import anthropic_bedrock`
        value: Any = importlib.import_module(".types", __name__)
        globals()[name] = value
        return value
    if name == "Timeout":  # httpx's, as in the original package (`timeout=Timeout(60.0, connect=2.0)`)
        value = importlib.import_module("httpx").Timeout
        globals()[name] = value
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), _RENAMED.get(name, name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
