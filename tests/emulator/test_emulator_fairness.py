"""One heavy client does not hold up the others: heavy work runs off the event loop, choosing a
tool is linear in the text, and bodies that are not yet authenticated take bounded memory."""

from __future__ import annotations

import base64
import datetime as dt
import json
import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from test_emulator import MODEL, signed, text_body

from anthropic_bedrock.emulator import Emulator, emulator
from anthropic_bedrock.emulator import _bedrock as bedrock
from anthropic_bedrock.emulator._messages_check import validate

MARKER = "heavy-marker"
BEARER = {"Authorization": "Bearer ABSKemulator-api-key"}


def _messages(text: str, **extra: object) -> dict[str, Any]:
    body: dict[str, Any] = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 20,
        "messages": [{"role": "user", "content": text}],
    }
    body.update(extra)
    return body


@pytest.fixture
def parked(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Bodies containing MARKER stay in validation until the event is set (wherever that runs)."""
    release = threading.Event()
    parse = bedrock.parse_body

    def parse_body(raw: bytes) -> bedrock.Invocation:
        if MARKER.encode() in raw:
            release.wait(30)
        return parse(raw)

    monkeypatch.setattr(bedrock, "parse_body", parse_body)
    try:
        yield release
    finally:
        release.set()


def _heavy(operation: str) -> tuple[str, bytes]:
    body = json.dumps(_messages(f"{MARKER} " + "word " * 20_000)).encode()  # over 32 KiB: checked off the loop
    if operation == "count_tokens":
        return "count-tokens", json.dumps(
            {"input": {"invokeModel": {"body": base64.b64encode(body).decode()}}}
        ).encode()
    return {"invoke": "invoke", "stream": "invoke-with-response-stream"}[operation], body


@pytest.mark.parametrize("operation", ["invoke", "stream", "count_tokens"])
def test_a_small_request_is_answered_while_a_heavy_one_is_checked(
    emulator: Emulator, parked: threading.Event, operation: str
) -> None:
    path, body = _heavy(operation)
    heavy: list[httpx.Response] = []
    thread = threading.Thread(
        target=lambda: heavy.append(
            httpx.post(f"{emulator.url}/model/{MODEL}/{path}", content=body, headers=BEARER, timeout=60)
        )
    )
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not emulator.log and time.monotonic() < deadline:
            time.sleep(0.01)
        assert emulator.log  # the heavy request has arrived and is being checked
        # Were it checked on the event loop, this one would wait for it (and time out).
        small = httpx.post(f"{emulator.url}/model/{MODEL}/invoke", content=text_body(), headers=BEARER, timeout=10)
        assert small.status_code == 200
        assert not heavy
    finally:
        parked.set()
        thread.join(60)
    assert heavy[0].status_code == 200


def test_the_named_tool_is_found_among_thousands_in_a_long_text() -> None:
    tools = [{"name": f"tool_{index}", "input_schema": {"type": "object"}} for index in range(2000)]
    text = " ".join(f"word{index % 997}" for index in range(120_000)) + " then tool_1999."
    request = validate(_messages(text, tools=tools))
    answer = bedrock.answer(bedrock.Invocation("messages", 1, request))
    assert json.loads(answer.invoke_body(MODEL))["content"][-1]["name"] == "tool_1999"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "called"),
    [
        ("please run get-weather now", "get-weather"),
        ("get-weathers is not it", None),  # next to a name character: not a whole word
        ("xget-weather", None),
        ("(get-weather)", "get-weather"),
        ("get-weather_v2 and weather", "weather"),
        ("über-weather", None),
        ("üweather", "weather"),  # ü is not a name character
        ("nothing here", None),
    ],
)
def test_a_tool_is_named_as_a_whole_word(text: str, called: str | None) -> None:
    tools = [{"name": name, "input_schema": {"type": "object"}} for name in ("get-weather", "weather")]
    request = validate(_messages(text, tools=tools))
    answer = bedrock.answer(bedrock.Invocation("messages", 1, request))
    content = json.loads(answer.invoke_body(MODEL))["content"]  # type: ignore[union-attr]
    uses = [block["name"] for block in content if block["type"] == "tool_use"]
    assert uses == ([called] if called else [])


# -- bodies not yet authenticated --------------------------------------------------------------


def _open_body(port: int, head: str, size: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(
        f"POST /model/{MODEL}/invoke HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{head}Content-Length: {size}\r\n\r\n".encode()
    )
    return sock


def test_bodies_refused_on_their_headers_are_not_kept(emulator: Emulator) -> None:
    """Five clients each sending 20 MB they cannot sign: the emulator holds their first KiB, not 100 MB."""
    now = dt.datetime.now(dt.UTC)
    heads = [
        "",  # no Authorization
        "Authorization: Bearer wrong-key\r\n",
        f"Authorization: AWS4-HMAC-SHA256 Credential=AKIDUNKNOWN/{now:%Y%m%d}/us-east-1/bedrock/aws4_request, "
        f"SignedHeaders=host;x-amz-date, Signature={'0' * 64}\r\nX-Amz-Date: {now:%Y%m%dT%H%M%SZ}\r\n",
        "Authorization: AWS4-HMAC-SHA256 garbage\r\n",
        "Authorization: Basic dXNlcjpwYXNz\r\n",
    ]
    size = 20_000_000
    piece = b"a" * (1 << 20)
    tracemalloc.start()
    try:
        sockets = [_open_body(emulator.port, head, size) for head in heads]
        for _ in range(size // len(piece) - 1):  # all but the last MiB or so: every body still under way
            for sock in sockets:
                sock.sendall(piece)
        _, peak = tracemalloc.get_traced_memory()
        for sock in sockets:
            sock.sendall(b"a" * (size - (size // len(piece) - 1) * len(piece)))
        statuses = [sock.recv(4096).split(b" ", 2)[1] for sock in sockets]
        for sock in sockets:
            sock.close()
    finally:
        tracemalloc.stop()
    assert statuses == [b"403"] * len(heads)
    assert peak < 8_000_000, f"{peak / 1e6:.1f} MB traced while 5 x 20 MB unauthenticated bodies were under way"


def _signed_head(emu: Emulator, body: bytes) -> str:
    _, headers = signed(emu, body)
    return "".join(f"{name}: {value}\r\n" for name, value in headers.items() if name.lower() != "content-length")


def _status(sock: socket.socket) -> int:
    return int(sock.recv(4096).split(b" ", 2)[1])


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_unauthenticated_bodies_share_a_budget() -> None:
    """Signed bodies are held until their signature is checked, at most ``unauthenticated_bytes`` at once."""
    body = text_body(prompt="\n\nHuman: " + "a " * 400_000 + "\n\nAssistant:")  # 800 KB
    with emulator(unauthenticated_bytes=1_000_000) as emu:
        first = _open_body(emu.port, _signed_head(emu, body), len(body))
        first.sendall(body[:-1000])
        _wait_for(lambda: emu._budget.used >= len(body) - 1000 - 65536)
        second = _open_body(emu.port, _signed_head(emu, body), len(body))
        second.sendall(body)
        assert _status(second) == 503
        first.sendall(body[-1000:])
        assert _status(first) == 200
        first.close()
        second.close()
        _wait_for(lambda: emu._budget.used == 0)
        third = _open_body(emu.port, _signed_head(emu, body), len(body))
        third.sendall(body)
        assert _status(third) == 200
        third.close()
        assert [entry.status for entry in emu.log] == [503, 200, 200]
        assert emu.log[0].truncated


def test_a_request_refused_on_its_headers_is_answered_before_its_body() -> None:
    """With ``Expect: 100-continue`` the client holds its body back: a refusal comes without it."""
    with emulator() as emu:
        sock = _open_body(emu.port, "Expect: 100-continue\r\nAuthorization: Bearer wrong-key\r\n", 20_000_000)
        with sock:
            assert sock.recv(4096).startswith(b"HTTP/1.1 403")
        assert emu.log[0].body == b""
