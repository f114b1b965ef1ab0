"""Clients that leave mid-answer, malformed signatures, and log output nobody reads.

A client that stops reading a stream is normal: the emulator notes it in one debug line at most.
A malformed signature is a 403, never a 500. And log lines never stop the server, even when its
stderr is a pipe that nobody reads.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import struct
import subprocess
import sys
import threading
import time

import httpx
import pytest
from test_emulator import MODEL, signed

from anthropic_bedrock.emulator import Emulator, emulator
from anthropic_bedrock.emulator._logsink import StderrSink

API_KEY = "ABSKemulator-api-key"
STREAM_BODY = json.dumps(
    {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 20_000,
        "messages": [{"role": "user", "content": "one two three " * 50}],
    }
).encode()


def _stream_head(body: bytes, api_key: str = API_KEY) -> bytes:
    return (
        f"POST /model/{MODEL}/invoke-with-response-stream HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {api_key}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()


def _leave_mid_stream(port: int) -> None:
    """Start a long stream, read its first bytes, then leave with a TCP RST."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(_stream_head(STREAM_BODY) + STREAM_BODY)
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def _authorization(signature: str, access_key: str = "AKIDEMULATOR000000") -> dict[str, str]:
    now = dt.datetime.now(dt.UTC)
    return {
        "X-Amz-Date": f"{now:%Y%m%dT%H%M%SZ}",
        "Authorization": (
            f"AWS4-HMAC-SHA256 Credential={access_key}/{now:%Y%m%d}/us-east-1/bedrock/aws4_request, "
            f"SignedHeaders=host;x-amz-date, Signature={signature}"
        ),
    }


def test_a_client_leaving_mid_stream_is_one_debug_line(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="anthropic_bedrock.emulator")
    with emulator() as emu:  # its own server: no other test's clients in its log
        _leave_mid_stream(emu.port)
        deadline = time.monotonic() + 10
        while not any(r.name == "anthropic_bedrock.emulator" for r in caplog.records) and time.monotonic() < deadline:
            time.sleep(0.02)
    records = [record for record in caplog.records if record.name.startswith("anthropic_bedrock.emulator")]
    assert len(records) == 1
    assert records[0].levelno == logging.DEBUG and records[0].exc_info is None
    assert "client left" in records[0].getMessage()


@pytest.mark.parametrize(
    "signature",
    [
        "é" + "0" * 63,  # non-ASCII: hmac.compare_digest raised TypeError on it
        "€" * 64,
        "0" * 63,  # too short
        "0" * 65,
        "A" * 64,  # upper-case hex is not what SigV4 produces
        "z" * 64,
    ],
)
def test_a_malformed_signature_is_a_403(emulator: Emulator, signature: str) -> None:
    headers = {name: value.encode() for name, value in _authorization(signature).items()}
    response = httpx.post(f"{emulator.url}/model/{MODEL}/invoke", content=b"{}", headers=headers, timeout=10)
    assert response.status_code == 403
    assert response.headers["x-amzn-errortype"] == "InvalidSignatureException"
    assert emulator.stats().signature_failures == 1


def test_a_host_no_url_parser_accepts_is_a_403(emulator: Emulator) -> None:
    body = b"{}"
    url, headers = signed(emulator, body)
    with socket.create_connection(("127.0.0.1", emulator.port), timeout=10) as sock:
        headers = {**headers, "Host": "["}
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        path = url.split(str(emulator.port), 1)[1]
        sock.sendall(f"POST {path} HTTP/1.1\r\n{head}Content-Length: 2\r\n\r\n".encode() + body)
        assert sock.recv(4096).startswith(b"HTTP/1.1 403")


def test_logging_never_blocks_serving() -> None:
    """Stderr on a pipe nobody reads: hundreds of early-stopped streams and bad signatures later, it still answers."""
    process = subprocess.Popen(
        [sys.executable, "-m", "anthropic_bedrock.emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().decode().strip()
        port = int(url.rsplit(":", 1)[1])
        bad = {name: value.encode() for name, value in _authorization("é" + "0" * 63).items()}
        with httpx.Client(base_url=url, timeout=10) as client:
            for _ in range(200):
                _leave_mid_stream(port)
                response = client.post(f"/model/{MODEL}/invoke", content=b"{}", headers=bad)
                assert response.status_code == 403
            response = client.post(
                f"/model/{MODEL}/invoke", content=b"{}", headers={"Authorization": f"Bearer {API_KEY}"}
            )
            assert response.status_code == 400  # answered: an empty body is a validation error
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert b"Traceback" not in stderr


def test_the_log_sink_drops_lines_rather_than_block() -> None:
    read_end, write_end = os.pipe()
    stream = os.fdopen(write_end, "w")
    try:
        sink = StderrSink(stream, capacity=10)
        logger = logging.getLogger("test_emulator_disconnects.sink")
        logger.propagate = False
        logger.addHandler(sink)
        try:
            line = "x" * 1000
            # Far more than the pipe holds (64 KiB): emit must return every time, whatever the pipe does.
            done = threading.Event()

            def emit_many() -> None:
                for _ in range(2000):
                    logger.warning(line)
                done.set()

            thread = threading.Thread(target=emit_many, daemon=True)
            thread.start()
            thread.join(60)
            assert done.is_set()
            with os.fdopen(os.dup(read_end), "rb") as reader:
                os.set_blocking(reader.fileno(), False)
                received = b""
                deadline = time.monotonic() + 10
                while b"dropped" not in received and time.monotonic() < deadline:
                    chunk = reader.read(1 << 20)
                    received += chunk or b""
                    if not chunk:
                        time.sleep(0.01)
                        logger.warning("one more")
            assert b"log line(s) dropped" in received
        finally:
            logger.removeHandler(sink)
    finally:
        os.close(read_end)
