"""One operation as data (`Operation`), and the one way a call to any of them is checked, built
(`prepare`) and its answer read (`parse_result`).

What differs between operations is only data: the arguments (a generated TypedDict, from which the
checks derive), a body hook, the generated endpoint(s) and how the answer and events parse. Sending,
signing, retries, streams and errors are the engine's, one for all (`_base_client`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar
from urllib.parse import quote, urlencode

import attrs
import httpx

from .. import _exceptions as errors
from .._config import NOT_GIVEN, NotGiven, Settings, Timeout, check_max_retries, to_timeout
from .._generated.api import Endpoint, RequestParts
from ..types import ResponseMetadata
from .bedrock_options import header_arguments, unknown_option_hint
from .checks import Path
from .encoding import encode_body
from .headers import checked_headers
from .validation import checker, required_keys

if TYPE_CHECKING:
    from .._streaming.stream import Accumulator

__all__ = [
    "Call",
    "Operation",
    "build_request",
    "check_arguments",
    "check_body",
    "check_model",
    "parse_result",
    "prepare",
]

R = TypeVar("R")
E = TypeVar("E")

OPTIONS: Final = ("extra_headers", "extra_query", "extra_body", "timeout", "max_retries")
# Bedrock's limit on a model identifier (an id, an inference-profile id or an ARN).
MAX_MODEL_ID_LENGTH: Final = 2048


@attrs.frozen(slots=True)
class Operation(Generic[R, E]):
    """One public operation: its name, arguments, body hook, endpoints and parsers."""

    name: str
    """How the caller reaches it (`messages.create`), for error messages."""
    arguments: Any
    """The TypedDict of its body arguments, from the API description; the checks derive from it."""
    body: Callable[[dict[str, Any], Mapping[str, str]], dict[str, Any]]
    """The JSON body from the checked arguments and the request's headers."""
    endpoint: Endpoint
    """The generated endpoint a plain call goes to."""
    result: Any = None
    """The generated model of a success body, when the endpoint answers with one of several kinds
    (passed to its parser as `kind`); None when the endpoint documents one model."""
    stream_endpoint: Endpoint | None = None
    """The generated endpoint a streamed call goes to; None when the operation cannot stream."""
    event: Callable[[Any], E | None] | None = None
    """One stream event from a chunk's JSON (None to skip it, such as a keep-alive)."""
    accumulator: Callable[[], Accumulator[E, Any]] | None = None
    """What a stream of this operation keeps of its events."""
    stream_class: Any = None
    """The sync stream class (a `Stream` subclass with this operation's helpers)."""
    async_stream_class: Any = None
    options: frozenset[str] = frozenset()
    """The Bedrock request options (`BedrockRequestOptions` keys) it takes, sent as headers."""
    model_in_body: bool = False
    """Anthropic's own wire format: `model` (and `stream`, when the caller names it) are body
    fields, not a path segment (the Anthropic-native endpoints)."""
    inputs: Callable[[dict[str, Any], Path], dict[str, Any]] | None = None
    """What turns the caller's arguments into plain request data before the checks (files read,
    SDK models as their JSON; errors name places under the path given); None when the arguments
    are taken as given."""
    request: Callable[[dict[str, Any]], RequestParts] | None = None
    """The request parts from the checked arguments, for an operation whose arguments are not a
    model and a body (a control-plane operation: path and query parameters, or a whole body)."""
    control_plane: bool = False
    """Whether it goes to Bedrock's control plane (`bedrock.{region}`) rather than the runtime."""
    envelope: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    """Wraps the body (`extra_body` merged) in the request the endpoint takes, when the body is
    carried inside another (CountTokens counts an InvokeModel body sent in base64)."""

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


# ---------------------------------------------------------------- building the request


@functools.lru_cache(maxsize=256)
def _parsed_url(url: str) -> httpx.URL:
    # Parsing a URL is a large share of httpx's cost per request, and calls repeat the same few
    # (one per model and operation); URLs are immutable, so one parse serves them all.
    return httpx.URL(url)


def _merged(base: Mapping[str, str], over: Mapping[str, str]) -> dict[str, str]:
    """`base` with the headers of `over` in place of those of the same name in any spelling (two
    spellings would otherwise both go out, `anthropic-beta` and `Anthropic-Beta` as two lines)."""
    if not over:
        return dict(base)
    names = {name.lower() for name in over}
    headers = {name: value for name, value in base.items() if name.lower() not in names}
    headers.update(over)
    return headers


def build_request(
    settings: Settings,
    parts: RequestParts,
    *,
    extra_headers: Mapping[str, str] | None = None,
    extra_query: Mapping[str, object] | None = None,
    timeout: Timeout | NotGiven = NOT_GIVEN,
    base_url: str | None = None,
) -> httpx.Request:
    """The httpx request for `parts` with the client's and the call's headers, query and timeout
    (sent to `base_url`, by default the client's runtime endpoint)."""
    headers = _merged(parts.headers, settings.default_headers)
    if extra_headers is not None:
        headers = _merged(headers, checked_headers("extra_headers", extra_headers))
    query = {**settings.default_query, **parts.params, **(extra_query or {})}
    url = (settings.base_url if base_url is None else base_url) + parts.path
    if query:
        # RFC 3986 percent-encoding (a space is %20, never "+"): the query goes out exactly as SigV4 signs it.
        url += "?" + urlencode({k: v for k, v in query.items() if v is not None}, doseq=True, quote_via=quote)
    content = b"" if parts.json is None else encode_body(parts.json)
    return httpx.Request(
        parts.method,
        _parsed_url(url),
        headers=headers,
        content=content,
        extensions={"timeout": to_timeout(timeout, settings.timeout).as_dict()},
    )


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
    settings: Settings, operation: Operation[R, E], params: Mapping[str, Any], *, stream: bool | None = None
) -> Call[R, E]:
    """The checked, ready-to-send call for `operation` with the caller's keyword arguments.

    Raises TypeError or ValueError naming the bad argument, before anything is sent. `stream`
    forces streaming (for `messages.stream`); otherwise the `stream` argument decides.
    """
    arguments = dict(params)
    options: dict[str, Any] = {name: arguments.pop(name) for name in OPTIONS if name in arguments}
    if operation.request is not None:
        # A control-plane operation: its arguments make the whole request, nothing streams.
        parts = operation.request(check_arguments(operation, arguments))
        headers = checked_headers("extra_headers", options.get("extra_headers"))
        return _ready(settings, operation, parts, options, headers, stream=False)
    model = check_model(arguments.pop("model", NOT_GIVEN))
    stream_given = stream if stream is not None else arguments.get("stream")
    wants_stream = arguments.pop("stream", False) if stream is None else stream
    if not isinstance(wants_stream, bool):
        raise TypeError(f"stream must be a bool, not {type(wants_stream).__name__}")
    endpoint = operation.stream_endpoint if wants_stream else operation.endpoint
    if endpoint is None:
        raise TypeError(f"{operation.name}() does not stream")
    header_options = {key: arguments.pop(key) for key in operation.options if key in arguments}
    checked = check_arguments(operation, arguments)

    extra_headers = checked_headers("extra_headers", options.get("extra_headers"))
    headers = {**settings.default_headers, **extra_headers}
    body = operation.body(checked, headers)
    extra_body = options.get("extra_body")
    if extra_body:
        if not isinstance(extra_body, Mapping):
            raise TypeError(f"extra_body must be a dict, not {type(extra_body).__name__}")
        for key in ("model", "stream"):
            if key in extra_body:
                raise ValueError(f"extra_body must not contain {key!r}: pass it as the {key} argument")
        body.update(extra_body)  # last, so it overrides anything the arguments set
    if operation.envelope is not None:
        body = operation.envelope(body)

    if operation.model_in_body:
        body = {"model": model, **body}
        if stream_given is not None:
            body["stream"] = wants_stream
        parts = endpoint.build_request(body=body)
    else:
        headers_given = header_arguments(endpoint, header_options) if header_options else {}
        parts = endpoint.build_request(model, body=body, **headers_given)
    return _ready(settings, operation, parts, options, extra_headers, stream=wants_stream)


def _ready(
    settings: Settings,
    operation: Operation[R, E],
    parts: RequestParts,
    options: Mapping[str, Any],
    extra_headers: Mapping[str, str],
    *,
    stream: bool,
) -> Call[R, E]:
    """The call for built request parts, with the call's options applied."""
    request = build_request(
        settings,
        parts,
        extra_headers=extra_headers,
        extra_query=options.get("extra_query"),
        timeout=options.get("timeout", NOT_GIVEN),
        base_url=settings.control_url if operation.control_plane else None,
    )
    max_retries = options.get("max_retries", NOT_GIVEN)
    retries = settings.max_retries if isinstance(max_retries, NotGiven) else check_max_retries(max_retries)
    return Call(operation=operation, request=request, max_retries=retries, stream=stream)


def check_arguments(operation: Operation[Any, Any], arguments: Mapping[str, Any], where: str | None = None) -> Any:
    """`arguments` checked against the operation's shape: no unknown key, every required one, each
    value by the API description; an explicit None means "not given", as in `anthropic`. Errors
    name the place under `where` (`requests[3].params.messages[0]`), or the keyword argument."""
    unknown = sorted(set(arguments) - operation.keys)
    if unknown:
        listed = ", ".join(map(repr, unknown)) + unknown_option_hint(operation.name, unknown)
        raise TypeError(
            f"{operation.name}() got unexpected keyword argument(s): {listed}"
            if where is None
            else f"{where} has unexpected key(s) for {operation.name}(): {listed}"
        )
    for key in required_keys(operation.arguments):
        if key not in arguments:
            raise TypeError(
                f"{operation.name}() missing required argument: {key!r}"
                if where is None
                else f"{where} is missing the required key {key!r}"
            )
    given = {key: value for key, value in arguments.items() if value is not None}
    root: Path = None if where is None else (None, where)
    if operation.inputs is not None:
        given = operation.inputs(given, root)
    return checker(operation.arguments)(given, root)


def check_body(settings: Settings, operation: Operation[Any, Any], params: Mapping[str, Any], where: str) -> Any:
    """The body `prepare` would send for `params` (body arguments only: no `model`, `stream` or
    per-call options), checked exactly as `prepare` checks them, with places named under `where`."""
    if not isinstance(params, Mapping):
        raise TypeError(f"{where} must be a mapping of {operation.name}() arguments, not {type(params).__name__}")
    return operation.body(check_arguments(operation, params, where), settings.default_headers)


def parse_result(call: Call[R, E], response: httpx.Response) -> R:
    """The typed answer from a read 2xx response, with the response's metadata attached; a body
    that is not one raises APIResponseValidationError (with the first bytes of the body kept)."""
    operation = call.operation
    try:
        parse = operation.endpoint.parse_response
        status, content = response.status_code, response.content
        answer = parse(status, content) if operation.result is None else parse(status, content, kind=operation.result)
        if answer is None:
            raise TypeError(f"status {response.status_code} is not a documented success")
    except RecursionError as exc:
        raise _invalid(call, response, ValueError("the JSON document is nested too deeply to decode")) from exc
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _invalid(call, response, exc) from exc
    metadata = ResponseMetadata.from_headers(response.headers)
    if metadata.request_id is None:
        metadata.request_id = errors.request_id(response.headers)  # Anthropic's `request-id`
    extra = getattr(answer, "additional_properties", None)
    if extra and not metadata._body_keys.isdisjoint(extra):
        metadata.read_body(extra)  # what Bedrock adds to the body (a guardrail's action and trace)
    answer.response_metadata = metadata
    result: R = answer
    return result


def _invalid(call: Call[Any, Any], response: httpx.Response, exc: Exception) -> errors.APIResponseValidationError:
    return errors.APIResponseValidationError(
        response,
        f"The response body is not a valid answer to {call.operation.name}(): {exc!r}",
        body=response.content[:1000],
    )
