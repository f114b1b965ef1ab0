"""The emulator's resource bounds: what one request may ask for, what the log keeps, how long an idle
or slow connection may hold a socket, and how loudly it may complain when out of descriptors."""

from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_emulator import MODEL, post, text_body

from anthropic_bedrock.emulator import Emulator, emulator
from anthropic_bedrock.emulator import _bedrock as bedrock

BODY_LIMIT = 25_000_000  # InvokeModel's `body` member: at most 25,000,000 bytes


def messages_body(max_tokens: int, text: str = "hello there", **extra: object) -> bytes:
    body: dict[str, object] = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": max_tokens,
        "messages": [{"role": "user", "content": text}],
    }
    body.update(extra)
    return json.dumps(body).encode()


# -- what a request may ask for ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field", "limit"),
    [
        (text_body(max_tokens_to_sample=4097), "max_tokens_to_sample", "4096"),
        (text_body(max_tokens_to_sample=10**30), "max_tokens_to_sample", "4096"),
        (messages_body(128_001), "max_tokens", "128000"),
        (messages_body(10**30), "max_tokens", "128000"),
    ],
)
def test_token_limits_over_bedrocks_are_refused(emulator: Emulator, body: bytes, field: str, limit: str) -> None:
    response = post(emulator, body)
    assert response.status_code == 400
    assert response.headers["x-amzn-errortype"] == "ValidationException"
    message = response.json()["message"]
    assert f"#/{field}" in message and limit in message


def test_token_limits_themselves_are_accepted(emulator: Emulator) -> None:
    response = post(emulator, text_body(max_tokens_to_sample=4096))
    assert response.status_code == 200
    assert len(response.json()["completion"].split()) == 4096
    response = post(emulator, messages_body(128_000, "x"), extra={"x-emulator-fault": "length=3"})
    assert response.json()["content"][0]["text"] == "x x x"


def test_long_words_are_echoed_in_64_character_tokens(emulator: Emulator) -> None:
    word = "w" * 20_000
    body = text_body(prompt=f"\n\nHuman: {word}\n\nAssistant:", max_tokens_to_sample=4096)
    response = post(emulator, body)
    assert response.status_code == 200
    assert len(response.content) < 1_000_000  # not 4096 copies of the word
    completion = response.json()["completion"]
    assert completion.startswith(f" {word} {word[:64]}")
    assert response.headers["x-amzn-bedrock-output-token-count"] == "4096"
    # 313 tokens per copy of the word (312 slices of 64 and one of 32): 13 copies, then 27 slices.
    assert completion == f" {word}" * 13 + " " + word[: 27 * 64]
    assert response.headers["x-amzn-bedrock-input-token-count"] == str(1 + 313 + 1)


def test_answers_are_generated_lazily() -> None:
    invocation = bedrock.parse_body(messages_body(128_000, "one two"))
    tracemalloc.start()
    try:
        result = bedrock.answer(invocation)
        payloads = bedrock.chunk_payloads(invocation, result, MODEL, None, dict)
        first = [next(payloads) for _ in range(5)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(first) == 5
    assert result.output_tokens == 128_000
    assert peak < 500_000  # a list of 128,000 pieces alone takes several MB


def test_chunks_directive_is_bounded(emulator: Emulator) -> None:
    response = post(emulator, stream=True, extra={"x-emulator-fault": "chunks=1000000000"})
    assert response.status_code == 400
    assert "chunks must be at most 100000" in response.json()["message"]


def test_deeply_nested_body_is_a_validation_error(emulator: Emulator) -> None:
    response = post(emulator, b"[" * 100_000)
    assert response.status_code == 400
    assert response.headers["x-amzn-errortype"] == "ValidationException"


# -- request bodies and the log ----------------------------------------------------------------


def test_log_keeps_only_the_start_of_rejected_bodies(emulator: Emulator) -> None:
    payload = b"x" * 1_000_000
    for _ in range(10):
        assert httpx.post(f"{emulator.url}/nowhere", content=payload).status_code == 404
        assert httpx.post(f"{emulator.url}/model/{MODEL}/invoke", content=payload).status_code == 403
    entries = emulator.log
    assert len(entries) == 20
    assert sum(len(entry.body) for entry in entries) <= 20 * 1024
    assert all(entry.body_size == 1_000_000 and entry.body == payload[: len(entry.body)] for entry in entries)


def test_log_is_bounded_by_bytes() -> None:
    prompt = "\n\nHuman: " + "a " * 500_000 + "\n\nAssistant:"
    with emulator(log_bytes=3_000_000) as emu:
        for index in range(6):
            assert post(emu, text_body(prompt=prompt, top_k=index)).status_code == 200
        entries = emu.log
        assert sum(len(entry.body) for entry in entries) <= 3_000_000
        assert [entry.json()["top_k"] for entry in entries] == [4, 5]  # type: ignore[index]
        assert emu.stats().requests == 6


def test_body_over_the_invoke_limit_is_refused(emulator: Emulator) -> None:
    filler = BODY_LIMIT - len(text_body(prompt=""))
    body = text_body(prompt="a" * (filler + 1))
    assert len(body) == BODY_LIMIT + 1
    response = post(emulator, body)
    assert response.status_code == 400
    assert response.headers["x-amzn-errortype"] == "ValidationException"
    assert response.json()["message"] == (
        "1 validation error detected: Value at 'body' failed to satisfy constraint: "
        "Member must have length less than or equal to 25000000"
    )
    (entry,) = emulator.log
    assert entry.body_size == BODY_LIMIT + 1 and len(entry.body) <= 1024
    assert post(emulator, text_body(prompt="a" * (filler - 100))).status_code == 200


def test_chunked_body_over_the_limit_is_refused(emulator: Emulator) -> None:
    def pieces() -> Iterator[bytes]:
        for _ in range(26):
            yield b"a" * 1_000_000

    response = httpx.post(
        f"{emulator.url}/model/{MODEL}/invoke",
        content=pieces(),
        headers={"Authorization": f"Bearer {emulator.api_key}"},
        timeout=30,
    )
    assert response.status_code == 400
    assert "25000000" in response.json()["message"]


# -- connections -------------------------------------------------------------------------------


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    sock.settimeout(seconds)
    try:
        return sock.recv(1024) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def test_idle_connections_are_closed() -> None:
    with emulator(idle_timeout=0.3) as emu:
        idle = socket.create_connection(("127.0.0.1", emu.port))
        with idle:
            assert _closed_within(idle, 5)
        # A keep-alive connection serves requests until it idles that long.
        with httpx.Client(base_url=emu.url, headers={"Authorization": f"Bearer {emu.api_key}"}) as client:
            for _ in range(3):
                assert client.post(f"/model/{MODEL}/invoke", content=text_body()).status_code == 200
        assert emu.stats().connections_opened == 2


def test_slow_headers_are_cut_off() -> None:
    with emulator(header_timeout=0.5, idle_timeout=30) as emu:
        slow = socket.create_connection(("127.0.0.1", emu.port))
        with slow:
            start = time.monotonic()
            closed = False
            for byte in b"POST /model/anthropic.claude-v2/invoke HTTP/1.1\r\nHost: x\r\n" * 10:
                try:
                    slow.sendall(bytes([byte]))
                except OSError:
                    closed = True
                    break
                if _closed_within(slow, 0.05):
                    closed = True
                    break
            assert closed
            assert time.monotonic() - start < 5


def test_accept_errors_are_rate_limited(tmp_path: Path) -> None:
    """Out of descriptors, the emulator logs a line now and then, not a traceback per accept attempt."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < 300:
        pytest.skip("needs a descriptor limit of at least 300")
    stderr_path = tmp_path / "stderr.txt"
    # The child lowers its own limit to 64 descriptors, then runs the emulator's command line.
    script = (
        "import resource, runpy, sys; "
        "resource.setrlimit(resource.RLIMIT_NOFILE, (64, resource.getrlimit(resource.RLIMIT_NOFILE)[1])); "
        "sys.argv = ['emulator', '--port', '0']; "
        "runpy.run_module('anthropic_bedrock.emulator', run_name='__main__')"
    )
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-c", script],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    sockets: list[socket.socket] = []
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        port = int(url.rsplit(":", 1)[1])
        for _ in range(150):
            sockets.append(socket.create_connection(("127.0.0.1", port)))
        time.sleep(3)
        logged = stderr_path.stat().st_size
        assert logged < 20_000, f"{logged} bytes of stderr in 3 s"
        for sock in sockets:
            sock.close()
        sockets.clear()
        # Once descriptors are free again it serves as before.
        deadline = time.monotonic() + 10
        while True:
            try:
                response = httpx.post(
                    f"{url}/model/{MODEL}/invoke",
                    content=text_body(),
                    headers={"Authorization": "Bearer ABSKemulator-api-key"},
                    timeout=2,
                )
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert response.status_code == 200
    finally:
        for sock in sockets:
            sock.close()
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
