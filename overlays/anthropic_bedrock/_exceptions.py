"""The error tree: everything the SDK raises about a request derives from `APIError`.

Status errors are chosen by HTTP status (as in the reference SDK) and carry the Bedrock error
type from `x-amzn-ErrorType` and the request id from `x-amzn-RequestId`. Anthropic's own error
shape (`{"type": "error", "error": {"type": ..., "message": ...}}`, from the Anthropic-native
endpoints) gives the type and message instead, and its `request-id` header the request id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ._json import loads

if TYPE_CHECKING:
    import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APIStreamError",
    "APITimeoutError",
    "AnthropicBedrockError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "FailedDependencyError",
    "InternalServerError",
    "MissingCredentialsError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeoutError",
    "ServiceUnavailableError",
    "StreamDecodeError",
    "StreamInterruptedError",
    "UnprocessableEntityError",
]


class AnthropicBedrockError(Exception):
    """Root of every error this SDK raises on purpose."""


class MissingCredentialsError(AnthropicBedrockError):
    """No usable AWS credentials (or Bedrock API key) were found."""


class APIError(AnthropicBedrockError):
    """A request failed: the server said no, could not be reached, or answered nonsense."""

    message: str
    request: httpx.Request | None
    body: object | None

    def __init__(self, message: str, request: httpx.Request | None = None, *, body: object | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body


class APIConnectionError(APIError):
    """The server could not be reached, or the connection broke before a response arrived."""

    def __init__(self, message: str = "Connection error.", request: httpx.Request | None = None) -> None:
        super().__init__(message, request)


class APITimeoutError(APIConnectionError):
    """The request took longer than its timeout."""

    def __init__(self, request: httpx.Request | None = None, message: str = "Request timed out.") -> None:
        super().__init__(message, request)


class APIResponseValidationError(APIError):
    """The server answered 2xx with a body that does not match the API description."""

    def __init__(self, response: httpx.Response, message: str, *, body: object | None = None) -> None:
        super().__init__(message, response.request, body=body)
        self.response = response
        self.status_code = response.status_code


class APIStreamError(APIError):
    """A response stream could not be read to its end."""


class StreamDecodeError(APIStreamError):
    """The event stream was corrupt: a bad CRC, impossible lengths or an unknown header type."""


class StreamInterruptedError(APIStreamError):
    """The connection closed (or broke) in the middle of the event stream."""


class APIStatusError(APIError):
    """The server answered with a 4xx or 5xx status."""

    response: httpx.Response
    status_code: int
    request_id: str | None
    error_type: str | None
    """The Bedrock error type, such as `ThrottlingException` (from `x-amzn-ErrorType` or the stream)."""

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: object | None,
        error_type: str | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(message, response.request, body=body)
        self.response = response
        # An exception inside a 200 event stream carries the status Bedrock documents for it.
        self.status_code = response.status_code if status_code is None else status_code
        self.request_id = request_id(response.headers)
        self.error_type = error_type if error_type is not None else _header_error_type(response)

    def __str__(self) -> str:
        parts = [f"Error code: {self.status_code}"]
        if self.error_type:
            parts.append(self.error_type)
        text = " - ".join(parts) + f" - {self.message}"
        if self.request_id:
            text += f" (request id {self.request_id})"
        return text


class BadRequestError(APIStatusError):
    """400: the request is invalid (ValidationException) or over a quota."""


class AuthenticationError(APIStatusError):
    """401: the credentials were not accepted."""


class PermissionDeniedError(APIStatusError):
    """403: access denied, or the signature was wrong or expired."""


class NotFoundError(APIStatusError):
    """404: the model or resource does not exist."""


class RequestTimeoutError(APIStatusError):
    """408: the model took too long (ModelTimeoutException)."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's state."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was understood but cannot be processed."""


class FailedDependencyError(APIStatusError):
    """424: the model failed to handle the request (ModelErrorException)."""


class RateLimitError(APIStatusError):
    """429: too many requests (ThrottlingException) or the model is not ready yet."""


class InternalServerError(APIStatusError):
    """5xx: Bedrock or the model failed."""


class ServiceUnavailableError(InternalServerError):
    """503: Bedrock is temporarily unavailable."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    408: RequestTimeoutError,
    409: ConflictError,
    422: UnprocessableEntityError,
    424: FailedDependencyError,
    429: RateLimitError,
    503: ServiceUnavailableError,
}


# Error types whose class is not their status's: Bedrock's control plane answers a ConflictException
# (a job that can no longer be stopped) with 400.
_BY_TYPE: dict[str, type[APIStatusError]] = {"ConflictException": ConflictError}


def _header_error_type(response: httpx.Response) -> str | None:
    # AWS sometimes appends `:http://internal.amazon.com/...` to the type.
    value = response.headers.get("x-amzn-errortype")
    return value.split(":", 1)[0] if value else None


def request_id(headers: Mapping[str, str]) -> str | None:
    """AWS's `x-amzn-RequestId`, else Anthropic's `request-id` (the Anthropic-native endpoints)."""
    return headers.get("x-amzn-requestid") or headers.get("request-id") or None


def status_error_class(status_code: int) -> type[APIStatusError]:
    cls = _BY_STATUS.get(status_code)
    if cls is not None:
        return cls
    return InternalServerError if status_code >= 500 else APIStatusError


def make_status_error(
    response: httpx.Response,
    content: bytes,
    *,
    error_type: str | None = None,
    status_code: int | None = None,
) -> APIStatusError:
    """The typed error for an error body: a read error response, or the payload of an in-stream
    exception message (then `status_code` is the status Bedrock documents for its type)."""
    status = response.status_code if status_code is None else status_code
    body: Any
    try:
        body = loads(content) if content else None
    except ValueError:
        body = content.decode("utf-8", "replace")
    message = body.get("message") or body.get("Message") if isinstance(body, dict) else None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        # Anthropic's shape: {"type": "error", "error": {"type": "overloaded_error", "message": ...}}
        error = body["error"]
        message = error.get("message")
        kind = error.get("type")
        if error_type is None and isinstance(kind, str) and kind:
            error_type = kind
    if not isinstance(message, str) or not message:
        message = body if isinstance(body, str) and body else (error_type or f"HTTP {status}")
    cls = _BY_TYPE.get(error_type or _header_error_type(response) or "") or status_error_class(status)
    return cls(message, response=response, body=body, error_type=error_type, status_code=status_code)


def status_error(response: httpx.Response) -> APIStatusError:
    """The typed error for an error response whose body has been read."""
    return make_status_error(response, response.content)


def connection_error(exc: Exception, request: httpx.Request) -> APIConnectionError:
    """The SDK error for a transport failure (a timeout is `APITimeoutError`)."""
    import httpx  # loaded by then: only a client that sent something gets here

    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(request)
    return APIConnectionError(f"Connection error: {exc}" if str(exc) else "Connection error.", request)


def undecodable_body(response: httpx.Response, exc: Exception) -> APIResponseValidationError:
    """The SDK error for a body that its `Content-Encoding` (gzip, deflate...) does not decode."""
    encoding = response.headers.get("content-encoding", "")
    return APIResponseValidationError(
        response, f"The response body could not be decoded as its Content-Encoding {encoding!r} says: {exc}"
    )
