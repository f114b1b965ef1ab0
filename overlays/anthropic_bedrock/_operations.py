"""The operations this SDK calls, each described by what differs between them: the arguments it
takes (a generated TypedDict), the body it sends, and how its answer and stream events parse.
Text completions are defined here; the Messages API operations in `_message_ops`, loaded on first
use so that a program that never calls them does not import their models.
Sending, signing, retries, streams and errors are one core for all of them (`_client`, `_core`,
`_streaming`); `prepare` turns a call's keyword arguments into the request, checking every one of
them before anything is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final, Generic, Protocol, TypeVar

import attrs
import httpx

from . import _core as core
from . import _exceptions as errors
from ._constants import ANTHROPIC_VERSION
from ._core import NotGiven
from ._generated.api.runtime import invoke_model, invoke_model_with_response_stream
from ._generated.models.completion_request import CompletionRequest
from ._generated.types import RequestParts
from ._headers import checked_headers
from ._json import loads
from ._streaming import Accumulator, CompletionAccumulator
from ._validation import checker, required_keys
from .types import Completion, CompletionChunk, ResponseMetadata

__all__ = ["COMPLETIONS", "Call", "Operation", "answer", "invoke", "parse_result", "prepare"]

R = TypeVar("R")
E = TypeVar("E")

OPTIONS: Final = ("extra_headers", "extra_query", "extra_body", "timeout", "max_retries")
# Bedrock's limit on a model identifier (an id, an inference-profile id or an ARN).
MAX_MODEL_ID_LENGTH: Final = 2048


@attrs.frozen(slots=True)
class Operation(Generic[R, E]):
    """One operation: its public name, arguments, body and parsers."""

    name: str
    """How the caller reaches it (`messages.create`), for error messages."""
    arguments: Any
    """The TypedDict of its body arguments, from the API description; the checks derive from it."""
    body: Callable[[dict[str, Any], Mapping[str, str]], dict[str, Any]]
    """The JSON body from the checked arguments and the request's headers."""
    endpoint: Callable[[str, dict[str, Any], bool], RequestParts]
    """The generated request builder: (model, body, stream) -> request parts."""
    result: Callable[[Any, httpx.Headers], R]
    """The typed answer from a success body's JSON."""
    event: Callable[[Any], E | None] | None = None
    """One stream event from a chunk's JSON (None to skip it); None when the operation cannot stream."""
    accumulator: Callable[[], Accumulator[E]] | None = None

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self.arguments.__annotations__)


@attrs.frozen(slots=True)
class Call(Generic[R, E]):
    """A checked call, ready to send."""

    operation: Operation[R, E]
    request: httpx.Request
    max_retries: int
    stream: bool


# ---------------------------------------------------------------- bodies


def invoke(model: str, body: dict[str, Any], stream: bool) -> RequestParts:
    # `body` is a checked dict of one of the invoke body shapes.
    if stream:
        return invoke_model_with_response_stream.build_request(model, body=body)  # type: ignore[arg-type]
    return invoke_model.build_request(model, body=body)  # type: ignore[arg-type]


def _completion_body(arguments: dict[str, Any], headers: Mapping[str, str]) -> dict[str, Any]:
    return {**arguments, "anthropic_version": ANTHROPIC_VERSION}


# ---------------------------------------------------------------- answers


class _Answered(Protocol):
    response_metadata: ResponseMetadata | None


A = TypeVar("A", bound=_Answered)


def answer(model: Callable[[Any], A]) -> Callable[[Any, httpx.Headers], A]:
    """The parser of a success body into `model`, with the response's metadata attached."""

    def parse(data: Any, headers: httpx.Headers) -> A:
        answer = model(data)
        answer.response_metadata = ResponseMetadata.from_headers(headers)
        return answer

    return parse


COMPLETIONS: Final[Operation[Completion, CompletionChunk]] = Operation(
    name="completions.create",
    arguments=CompletionRequest,
    body=_completion_body,
    endpoint=invoke,
    result=answer(Completion.from_dict),
    event=CompletionChunk.from_dict,
    accumulator=CompletionAccumulator,
)
# ---------------------------------------------------------------- preparing a call


def check_model(model: object) -> str:
    if isinstance(model, NotGiven):
        raise TypeError("missing required argument: 'model'")
    if not isinstance(model, str):
        raise TypeError(f"model must be a model id string, not {type(model).__name__}")
    if not model.strip():
        raise ValueError("model must not be empty")
    if model in (".", ".."):
        raise ValueError(f"model must be a model id, not {model!r} (a path segment of its own)")
    if len(model) > MAX_MODEL_ID_LENGTH:
        raise ValueError(f"model must be at most {MAX_MODEL_ID_LENGTH} characters long, got {len(model)}")
    if not model.isprintable():
        raise ValueError(f"model must not hold control characters, got {model!r}")
    try:
        model.encode()
    except UnicodeEncodeError:
        raise ValueError("model holds a lone surrogate, which cannot be sent") from None
    return model


def prepare(
    settings: core.Settings, operation: Operation[R, E], params: Mapping[str, Any], *, stream: bool | None = None
) -> Call[R, E]:
    """The checked, ready-to-send call for `operation` with the caller's keyword arguments.

    Raises TypeError or ValueError naming the bad argument, before anything is sent. `stream`
    forces streaming (for `messages.stream`); otherwise the `stream` argument decides.
    """
    arguments = dict(params)
    options = {name: arguments.pop(name) for name in OPTIONS if name in arguments}
    model = check_model(arguments.pop("model", core.NOT_GIVEN))
    wants_stream = arguments.pop("stream", False) if stream is None else stream
    if not isinstance(wants_stream, bool):
        raise TypeError(f"stream must be a bool, not {type(wants_stream).__name__}")
    if wants_stream and operation.event is None:
        raise TypeError(f"{operation.name}() does not stream")
    unknown = sorted(set(arguments) - operation.keys)
    if unknown:
        raise TypeError(f"{operation.name}() got unexpected keyword argument(s): {', '.join(map(repr, unknown))}")
    for key in required_keys(operation.arguments):
        if key not in arguments:
            raise TypeError(f"{operation.name}() missing required argument: {key!r}")
    # Explicit None means "not given", as in `anthropic`.
    arguments = {key: value for key, value in arguments.items() if value is not None}
    checked = checker(operation.arguments)(arguments, None)

    extra_headers = checked_headers("extra_headers", options.get("extra_headers"))
    headers = {**settings.default_headers, **extra_headers}
    body = operation.body(checked, headers)
    extra_body = options.get("extra_body")
    if extra_body:
        if not isinstance(extra_body, Mapping):
            raise TypeError(f"extra_body must be a dict, not {type(extra_body).__name__}")
        for key in ("model", "stream"):
            if key in extra_body:
                raise ValueError(f"extra_body must not contain {key!r}: Bedrock takes it from the URL")
        body.update(extra_body)  # last, so it overrides anything the arguments set

    request = core.build_request(
        settings,
        operation.endpoint(model, body, wants_stream),
        extra_headers=extra_headers,
        extra_query=options.get("extra_query"),
        timeout=options.get("timeout", core.NOT_GIVEN),
    )
    max_retries = options.get("max_retries", core.NOT_GIVEN)
    retries = settings.max_retries if isinstance(max_retries, NotGiven) else core.check_max_retries(max_retries)
    return Call(operation=operation, request=request, max_retries=retries, stream=wants_stream)


def parse_result(call: Call[R, E], response: httpx.Response) -> R:
    """The typed answer from a read 2xx response; a body that is not one raises
    APIResponseValidationError (with the first bytes of the body kept)."""
    try:
        data = loads(response.content)
        if not isinstance(data, dict):
            raise TypeError(f"the body is a JSON {type(data).__name__}, not an object")
        return call.operation.result(data, response.headers)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise errors.APIResponseValidationError(
            response,
            f"The response body is not a valid answer to {call.operation.name}(): {exc!r}",
            body=response.content[:1000],
        ) from exc
