"""S3 transfers through botocore against a real S3-compatible server on loopback (moto's server mode)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from anthropic_bedrock._aws.credentials import StaticCredentials
from anthropic_bedrock._aws.s3 import (
    MIN_PART_SIZE,
    S3Error,
    S3NotFoundError,
    S3Transfers,
    make_s3_client,
)
from anthropic_bedrock._batch.s3_async import AsyncS3Transfers
from anthropic_bedrock._exceptions import APIConnectionError, APIStatusError, NotFoundError
from anthropic_bedrock.emulator._s3server import S3Server


@pytest.fixture(scope="module")
def server() -> Iterator[S3Server]:
    with S3Server() as s3:
        yield s3


@pytest.fixture
def transfers(server: S3Server) -> Iterator[S3Transfers]:
    server.reset()
    client = make_s3_client(
        region="us-east-1",
        credentials=StaticCredentials("AKIDEXAMPLE", "secret", None),
        endpoint_url=server.url,
    )
    client.create_bucket(Bucket="batch-bucket")
    sync = S3Transfers(client, part_size=MIN_PART_SIZE)
    yield sync
    sync.close()


def lines_of(count: int, width: int) -> Iterator[bytes]:
    """`count` JSONL-ish lines of `width` bytes each (newline included), a few per chunk."""
    for start in range(0, count, 7):
        yield b"".join(b"%08d" % i + b"x" * (width - 9) + b"\n" for i in range(start, min(start + 7, count)))


def test_multipart_upload_round_trips_line_by_line(transfers: S3Transfers) -> None:
    count, width = 12_000, 1000  # 12 MB: three parts of 5 MiB
    upload = transfers.upload("batch-bucket", "in/part-0001/records-00001.jsonl", lines_of(count, width))
    assert upload.size == count * width and upload.parts == 3
    with transfers.lines("batch-bucket", "in/part-0001/records-00001.jsonl") as reader:
        got = list(reader)
    assert len(got) == count
    assert got[0].startswith(b"00000000x") and got[-1].startswith(b"%08d" % (count - 1))
    assert all(len(line) == width - 1 for line in got)
    listed = list(transfers.list_objects("batch-bucket", "in/"))
    assert [(o.key, o.size) for o in listed] == [("in/part-0001/records-00001.jsonl", count * width)]


def test_small_upload_is_one_put_and_lines_keep_their_content(transfers: S3Transfers) -> None:
    upload = transfers.upload("batch-bucket", "small.jsonl", [b'{"a":1}\r\n{"b":', b"2}\n\n", b'{"c":3}'])
    assert upload.parts == 1 and upload.size == 25
    with transfers.lines("batch-bucket", "small.jsonl", chunk_size=3) as reader:
        assert list(reader) == [b'{"a":1}', b'{"b":2}', b"", b'{"c":3}']
    assert transfers.get_bytes("batch-bucket", "small.jsonl") == b'{"a":1}\r\n{"b":2}\n\n{"c":3}'


def test_listing_pages_through_many_objects(transfers: S3Transfers) -> None:
    for i in range(1005):  # more than one page of ListObjectsV2 (1000 keys)
        transfers.client.put_object(Bucket="batch-bucket", Key=f"many/{i:05d}", Body=b"x")  # type: ignore[attr-defined]
    keys = [o.key for o in transfers.list_objects("batch-bucket", "many/")]
    assert keys == [f"many/{i:05d}" for i in range(1005)]
    transfers.delete("batch-bucket", keys)
    assert list(transfers.list_objects("batch-bucket", "many/")) == []


def test_a_failed_stream_aborts_the_multipart_upload(transfers: S3Transfers) -> None:
    def broken() -> Iterator[bytes]:
        yield b"x" * (MIN_PART_SIZE + 10)
        raise ValueError("requests[9] is bad")

    with pytest.raises(ValueError, match=r"requests\[9\] is bad"):
        transfers.upload("batch-bucket", "broken.jsonl", broken())
    pending = transfers.client.list_multipart_uploads(Bucket="batch-bucket")  # type: ignore[attr-defined]
    assert pending.get("Uploads", []) == []
    assert list(transfers.list_objects("batch-bucket", "broken")) == []


def test_s3_errors_are_typed_sdk_errors(transfers: S3Transfers) -> None:
    with pytest.raises(S3NotFoundError) as missing_key:
        transfers.lines("batch-bucket", "nope.jsonl")
    error = missing_key.value
    assert isinstance(error, NotFoundError) and isinstance(error, APIStatusError) and isinstance(error, S3Error)
    assert error.status_code == 404 and error.code == "NoSuchKey" and error.error_type == "NoSuchKey"
    assert error.operation == "GetObject" and error.key == "nope.jsonl"
    assert "s3://batch-bucket/nope.jsonl" in str(error)
    with pytest.raises(S3NotFoundError) as missing_bucket:
        transfers.upload("no-such-bucket", "k", [b"data"])
    assert missing_bucket.value.code == "NoSuchBucket" and missing_bucket.value.bucket == "no-such-bucket"


def test_an_unreachable_s3_is_a_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends: nothing listens there
    client = make_s3_client(
        region="us-east-1",
        credentials=StaticCredentials("AKIDEXAMPLE", "secret", None),
        endpoint_url=f"http://127.0.0.1:{port}",
        max_attempts=1,
    )
    with pytest.raises(APIConnectionError, match="could not reach S3"):
        S3Transfers(client).upload("batch-bucket", "k", [b"x"])
    client.close()


def test_requests_are_signed_with_the_sdk_credentials(server: S3Server, transfers: S3Transfers) -> None:
    seen: list[str] = []

    def capture(request: Any, **_: Any) -> None:
        header = request.headers.get("Authorization")
        seen.append(header.decode() if isinstance(header, bytes) else str(header))

    transfers.client.meta.events.register("before-send.s3", capture)  # type: ignore[attr-defined]
    transfers.upload("batch-bucket", "signed.jsonl", [b"{}\n"])
    assert seen and all("Credential=AKIDEXAMPLE/" in header for header in seen)


def test_async_transfers_run_off_the_loop(transfers: S3Transfers) -> None:
    async def main() -> tuple[int, list[bytes], list[str]]:
        async_transfers = AsyncS3Transfers(transfers)
        upload = await async_transfers.upload("batch-bucket", "async.jsonl", lines_of(2500, 50))
        got = [line async for line in async_transfers.lines("batch-bucket", "async.jsonl", batch=1000)]
        listed = await async_transfers.list_objects("batch-bucket", "async")
        return upload.size, got, [o.key for o in listed]

    size, got, keys = asyncio.run(main())
    assert size == 2500 * 50 and len(got) == 2500 and keys == ["async.jsonl"]
