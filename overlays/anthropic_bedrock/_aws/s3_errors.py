"""The SDK errors S3 failures become: `S3Error` is an `APIStatusError` carrying S3's error code, and
each status also takes the class the SDK uses elsewhere (`S3NotFoundError` is a `NotFoundError`), so
`except NotFoundError` catches a missing bucket as it catches a missing model."""

from __future__ import annotations

from typing import Final
from urllib.parse import quote

import httpx

from .._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    MissingCredentialsError,
    NotFoundError,
    PermissionDeniedError,
    ServiceUnavailableError,
)

__all__ = [
    "S3BadRequestError",
    "S3ConflictError",
    "S3Error",
    "S3InternalServerError",
    "S3NotFoundError",
    "S3PermissionDeniedError",
    "S3ServiceUnavailableError",
    "s3_error",
]


class S3Error(APIStatusError):
    """S3 answered with an error status; `code` is S3's error code (`NoSuchBucket`, `AccessDenied`, ...)."""

    code: str
    operation: str
    bucket: str
    key: str | None

    def __init__(
        self, message: str, *, response: httpx.Response, code: str, operation: str, bucket: str, key: str | None
    ) -> None:
        super().__init__(message, response=response, body={"Code": code, "Message": message}, error_type=code)
        self.code = code
        self.operation = operation
        self.bucket = bucket
        self.key = key

    def __str__(self) -> str:
        where = f"s3://{self.bucket}/{self.key}" if self.key else f"s3://{self.bucket}"
        return f"{super().__str__()} ({self.operation} {where})"


class S3BadRequestError(S3Error, BadRequestError):
    """400 from S3."""


class S3PermissionDeniedError(S3Error, PermissionDeniedError):
    """403 from S3 (AccessDenied, a bad signature)."""


class S3NotFoundError(S3Error, NotFoundError):
    """404 from S3 (NoSuchBucket, NoSuchKey, NoSuchUpload)."""


class S3ConflictError(S3Error, ConflictError):
    """409 from S3."""


class S3ServiceUnavailableError(S3Error, ServiceUnavailableError):
    """503 from S3 (SlowDown)."""


class S3InternalServerError(S3Error, InternalServerError):
    """Another 5xx from S3."""


_BY_STATUS: Final[dict[int, type[S3Error]]] = {
    400: S3BadRequestError,
    403: S3PermissionDeniedError,
    404: S3NotFoundError,
    409: S3ConflictError,
    503: S3ServiceUnavailableError,
}


def s3_error(exc: Exception, *, operation: str, bucket: str, key: str | None, endpoint: str) -> Exception:
    """The SDK's error for a botocore exception raised by an S3 call."""
    from botocore import exceptions as boto

    if isinstance(exc, boto.ClientError):
        error = exc.response.get("Error", {})
        meta = exc.response.get("ResponseMetadata", {})
        status = int(meta.get("HTTPStatusCode") or 500)
        code = str(error.get("Code") or f"HTTP{status}")
        message = str(error.get("Message") or code)
        headers = {"x-amzn-requestid": str(meta.get("RequestId") or "")} if meta.get("RequestId") else {}
        url = f"{endpoint.rstrip('/')}/{bucket}" + (f"/{quote(key)}" if key else "")
        response = httpx.Response(status, headers=headers, request=httpx.Request("GET", url))
        cls = _BY_STATUS.get(status, S3InternalServerError if status >= 500 else S3Error)
        return cls(message, response=response, code=code, operation=operation, bucket=bucket, key=key)
    if isinstance(exc, boto.NoCredentialsError | boto.PartialCredentialsError):
        return MissingCredentialsError(f"No AWS credentials for S3: {exc}")
    if isinstance(exc, boto.ConnectTimeoutError | boto.ReadTimeoutError):
        return APITimeoutError(message=f"S3 {operation} timed out: {exc}")
    if isinstance(exc, boto.EndpointConnectionError | boto.ConnectionClosedError | boto.HTTPClientError):
        return APIConnectionError(f"S3 {operation} could not reach S3: {exc}")
    return exc
