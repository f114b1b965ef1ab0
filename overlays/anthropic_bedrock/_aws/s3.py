"""S3 transfers for batch inference, through botocore's own S3 client (no hand-made S3 requests).

Batch inputs go up as multipart uploads fed from a stream of chunks (one part in memory at a time);
outputs come down line by line from a streaming GET; folders are listed page by page. botocore is
already the SDK's credential engine: the client signs with the SDK's credential source, so keys
given to the Bedrock client work for S3 too. Every S3 failure surfaces as an SDK error: an
`S3Error` (an `APIStatusError`, and also the status class the SDK uses elsewhere: `NotFoundError`
for a missing bucket or key, `PermissionDeniedError` for AccessDenied, ...) carrying S3's error code,
or `APIConnectionError` / `APITimeoutError` when S3 could not be reached.

The calls block; the async clients run them in a worker thread (`_batch.s3_async.AsyncS3Transfers`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeVar

from .s3_errors import (
    S3BadRequestError,
    S3ConflictError,
    S3Error,
    S3InternalServerError,
    S3NotFoundError,
    S3PermissionDeniedError,
    S3ServiceUnavailableError,
    s3_error,
)

if TYPE_CHECKING:
    from botocore.client import BaseClient

    from .credentials import CredentialSource

__all__ = [
    "MAX_PARTS",
    "MIN_PART_SIZE",
    "LineReader",
    "S3BadRequestError",
    "S3ConflictError",
    "S3Error",
    "S3InternalServerError",
    "S3NotFoundError",
    "S3Object",
    "S3PermissionDeniedError",
    "S3ServiceUnavailableError",
    "S3Transfers",
    "Upload",
    "make_s3_client",
]

T = TypeVar("T")

MIN_PART_SIZE: Final = 5 * 1024 * 1024
"""S3's smallest part of a multipart upload (all but the last)."""
MAX_PARTS: Final = 10_000
"""S3's most parts in one multipart upload."""
DEFAULT_PART_SIZE: Final = 8 * 1024 * 1024
READ_CHUNK: Final = 1024 * 1024


def make_s3_client(
    *,
    region: str,
    credentials: CredentialSource | None = None,
    profile: str | None = None,
    endpoint_url: str | None = None,
    max_pool_connections: int = 10,
    max_attempts: int = 5,
) -> BaseClient:
    """botocore's S3 client signing with `credentials` (the SDK's source, refreshed as it refreshes)
    or, without them, botocore's own chain for `profile`."""
    import botocore.session
    from botocore.config import Config

    session = botocore.session.Session(profile=profile)
    if credentials is not None:
        session.register_component("credential_provider", _resolver(credentials))
    config = Config(
        retries={"mode": "standard", "max_attempts": max_attempts},
        max_pool_connections=max_pool_connections,
        # A custom endpoint (an S3-compatible server, a VPC endpoint) takes the bucket in the path.
        s3={"addressing_style": "path"} if endpoint_url else None,
    )
    return session.create_client("s3", region_name=region, endpoint_url=endpoint_url, config=config)


def _resolver(source: CredentialSource) -> Any:
    from botocore.credentials import CredentialProvider, CredentialResolver, Credentials, ReadOnlyCredentials

    class SourceCredentials(Credentials):
        """Asks the SDK's source for keys at every signature, so refreshed keys are used."""

        def __init__(self) -> None:
            super().__init__("", "", None, method="anthropic-bedrock")

        def get_frozen_credentials(self) -> ReadOnlyCredentials:
            frozen = source.frozen()
            return ReadOnlyCredentials(frozen.access_key, frozen.secret_key, frozen.token)

    class SourceProvider(CredentialProvider):
        METHOD = "anthropic-bedrock"

        def load(self) -> Credentials:
            return SourceCredentials()

    return CredentialResolver([SourceProvider()])


@dataclass(frozen=True, slots=True)
class S3Object:
    """An object found by a listing."""

    key: str
    size: int


@dataclass(frozen=True, slots=True)
class Upload:
    """What an upload wrote: its size in bytes and the parts it took (1 for a single PUT)."""

    bucket: str
    key: str
    size: int
    parts: int


class LineReader:
    """The lines of one S3 object, read as they arrive (each without its line end). Close it (or read
    to the end, or use `with`) to give the connection back."""

    def __init__(self, body: Any, fail: Callable[[Exception], Exception], chunk_size: int = READ_CHUNK) -> None:
        self._body = body
        self._fail = fail
        self._chunk_size = chunk_size
        self._closed = False

    def __iter__(self) -> Iterator[bytes]:
        rest = b""
        while not self._closed:
            try:
                chunk = self._body.read(self._chunk_size)
            except Exception as exc:
                self.close()
                raise self._fail(exc) from exc
            if not chunk:
                break
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            yield from (line.rstrip(b"\r") for line in lines)
        if rest and not self._closed:
            yield rest.rstrip(b"\r")
        self.close()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._body.close()

    def __enter__(self) -> LineReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class S3Transfers:
    """Uploads, line-by-line downloads and listings on one botocore S3 client (blocking calls)."""

    def __init__(self, client: BaseClient, *, part_size: int = DEFAULT_PART_SIZE) -> None:
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"part_size must be at least {MIN_PART_SIZE} bytes (S3's smallest part), got {part_size}")
        self.client = client
        self.part_size = part_size

    def _call(self, operation: str, bucket: str, key: str | None, call: Callable[[], T]) -> T:
        try:
            return call()
        except Exception as exc:
            raise self._error(exc, operation, bucket, key) from exc

    def _error(self, exc: Exception, operation: str, bucket: str, key: str | None) -> Exception:
        return s3_error(exc, operation=operation, bucket=bucket, key=key, endpoint=self.client.meta.endpoint_url)

    def upload(
        self, bucket: str, key: str, chunks: Iterable[bytes], *, content_type: str = "application/jsonl"
    ) -> Upload:
        """Write the bytes of `chunks` to `s3://bucket/key`: one PUT when they fit in one part, else a
        multipart upload holding one part in memory, aborted if anything fails."""
        client: Any = self.client
        buffer = bytearray()
        upload_id: str | None = None
        parts: list[dict[str, Any]] = []
        size = 0
        try:
            for chunk in chunks:
                size += len(chunk)
                if not buffer and len(chunk) == self.part_size:
                    # A whole part as given (a file read a part at a time): sent as it is, no copy.
                    if upload_id is None:
                        upload_id = self._start(bucket, key, content_type)
                    self._part(bucket, key, upload_id, parts, chunk)
                    continue
                buffer += chunk
                while len(buffer) >= self.part_size:
                    if upload_id is None:
                        upload_id = self._start(bucket, key, content_type)
                    self._part(bucket, key, upload_id, parts, bytes(memoryview(buffer)[: self.part_size]))
                    del buffer[: self.part_size]
            if upload_id is None:
                data = bytes(buffer)
                self._call(
                    "PutObject",
                    bucket,
                    key,
                    lambda: client.put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type),
                )
                return Upload(bucket, key, size, 1)
            if buffer:
                self._part(bucket, key, upload_id, parts, bytes(buffer))
            finished = upload_id
            self._call(
                "CompleteMultipartUpload",
                bucket,
                key,
                lambda: client.complete_multipart_upload(
                    Bucket=bucket, Key=key, UploadId=finished, MultipartUpload={"Parts": parts}
                ),
            )
            return Upload(bucket, key, size, len(parts))
        except BaseException:
            if upload_id is not None:
                self._abort(bucket, key, upload_id)
            raise

    def _start(self, bucket: str, key: str, content_type: str) -> str:
        client: Any = self.client
        created = self._call(
            "CreateMultipartUpload",
            bucket,
            key,
            lambda: client.create_multipart_upload(Bucket=bucket, Key=key, ContentType=content_type),
        )
        upload_id: str = created["UploadId"]
        return upload_id

    def _part(self, bucket: str, key: str, upload_id: str, parts: list[dict[str, Any]], data: bytes) -> None:
        number = len(parts) + 1
        if number > MAX_PARTS:
            raise ValueError(
                f"s3://{bucket}/{key} needs more than {MAX_PARTS} parts of {self.part_size} bytes; raise part_size"
            )
        client: Any = self.client
        answer = self._call(
            "UploadPart",
            bucket,
            key,
            lambda: client.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=data),
        )
        parts.append({"PartNumber": number, "ETag": answer["ETag"]})

    def _abort(self, bucket: str, key: str, upload_id: str) -> None:
        # Best effort: the upload already failed, and that failure is what the caller must see.
        client: Any = self.client
        with contextlib.suppress(Exception):
            client.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)

    def check_bucket(self, bucket: str) -> None:
        """That `bucket` exists and these credentials may use it (HeadBucket), before any work."""
        client: Any = self.client
        try:
            self._call("HeadBucket", bucket, None, lambda: client.head_bucket(Bucket=bucket))
        except S3NotFoundError as exc:
            # HeadBucket answers with no body: name the error as the other operations would.
            raise S3NotFoundError(
                f"The bucket {bucket!r} does not exist",
                response=exc.response,
                code="NoSuchBucket",
                operation="HeadBucket",
                bucket=bucket,
                key=None,
            ) from exc

    def put_bytes(self, bucket: str, key: str, data: bytes, *, content_type: str = "application/json") -> Upload:
        """Write a small object in one PUT."""
        return self.upload(bucket, key, [data], content_type=content_type)

    def get_bytes(self, bucket: str, key: str) -> bytes:
        """A whole (small) object, such as a manifest."""
        client: Any = self.client
        answer = self._call("GetObject", bucket, key, lambda: client.get_object(Bucket=bucket, Key=key))
        body = answer["Body"]
        try:
            return self._call("GetObject", bucket, key, body.read)  # type: ignore[no-any-return]
        finally:
            body.close()

    def lines(self, bucket: str, key: str, *, chunk_size: int = READ_CHUNK) -> LineReader:
        """The object's lines, streamed: memory is one chunk and one line."""
        client: Any = self.client
        answer = self._call("GetObject", bucket, key, lambda: client.get_object(Bucket=bucket, Key=key))
        return LineReader(answer["Body"], lambda exc: self._error(exc, "GetObject", bucket, key), chunk_size)

    def list_objects(self, bucket: str, prefix: str) -> Iterator[S3Object]:
        """The objects under `prefix`, page by page, in key order."""
        client: Any = self.client
        paginator = client.get_paginator("list_objects_v2")
        pages = paginator.paginate(Bucket=bucket, Prefix=prefix)
        iterator = iter(pages)
        while True:
            page = self._call("ListObjectsV2", bucket, prefix or None, lambda: next(iterator, None))
            if page is None:
                return
            for item in page.get("Contents", ()):
                yield S3Object(item["Key"], int(item["Size"]))

    def delete(self, bucket: str, keys: Iterable[str]) -> None:
        """Delete `keys` (1000 per request, as S3 allows)."""
        client: Any = self.client
        batch: list[dict[str, str]] = []
        for key in keys:
            batch.append({"Key": key})
            if len(batch) == 1000:
                self._delete(client, bucket, batch)
                batch = []
        if batch:
            self._delete(client, bucket, batch)

    def _delete(self, client: Any, bucket: str, objects: list[dict[str, str]]) -> None:
        self._call(
            "DeleteObjects", bucket, None, lambda: client.delete_objects(Bucket=bucket, Delete={"Objects": objects})
        )

    def close(self) -> None:
        """Close the client's connection pool."""
        client: Any = self.client
        client.close()
