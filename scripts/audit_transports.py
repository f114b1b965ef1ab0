"""Reproducers for the transport findings of the third reliability audit, with the figures they
give, on each transport (sync, async on httpx's pool, async on aiohttp): run them on two checkouts
to compare (only public names are used). The servers are those of the test suite (tests/servers.py).

- `proxy`: `HTTP_PROXY` naming a real local proxy: requests that went through it, of those made.
- `write`: a 16 MB body to a server that stops reading, `timeout=2`: the error and the time (20 s
  at most).
- `head`: a status line and headers trickled a byte a second (20 bytes), `timeout=2`: same.
- `headers`: `extra_headers={"Content-Length": "5"}`: the error; and an answer labelled gzip that
  is not gzip.
- `fork`: a parent and a forked child making `--calls` calls each at the same time on a client the
  parent used before forking: the calls that failed.

    .venv/bin/python scripts/audit_transports.py proxy|write|head|headers|fork [--calls 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import sys
import threading
import time
import warnings
from typing import Any

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))

import anthropic_bedrock as ab
from anthropic_bedrock.emulator import Emulator

from servers import Proxy, stalled_reader

MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
HELLO = [{"role": "user", "content": "one two three"}]
MODES = ("sync", "async-httpx", "async-aiohttp")


def call(mode: str, method: str = "create", **client_kwargs: Any) -> Any:
    """One `messages.<method>` call on a fresh client of `mode`; returns the answer or raises."""
    kwargs: dict[str, Any] = {"aws_access_key": "AKIDEXAMPLE", "aws_secret_key": "secret", "aws_region": "us-east-1"}
    kwargs.update(client_kwargs)
    extra = kwargs.pop("call", {})
    if mode == "sync":
        with ab.AnthropicBedrock(**kwargs) as client:
            return getattr(client.messages, method)(model=MODEL, max_tokens=3, messages=HELLO, **extra)
    os.environ["ANTHROPIC_BEDROCK_ASYNC_TRANSPORT"] = mode.split("-")[1]

    async def run() -> Any:
        async with ab.AsyncAnthropicBedrock(**kwargs) as client:
            return await getattr(client.messages, method)(model=MODEL, max_tokens=3, messages=HELLO, **extra)

    return asyncio.run(run())


def outcome(mode: str, cap: float, **kwargs: Any) -> str:
    """What a call gives within `cap` seconds (run in a thread, so a call that never ends shows)."""
    result: list[str] = []
    # A first call loads what the first call of a process loads: not part of the figure.
    with contextlib.suppress(ab.APIError):
        call(mode, base_url="http://127.0.0.1:9", max_retries=0)

    def run() -> None:
        started = time.monotonic()
        try:
            call(mode, **kwargs)
            result.append(f"answered after {time.monotonic() - started:.1f} s")
        except Exception as exc:
            cause = f" (from {type(exc.__cause__).__name__})" if exc.__cause__ else ""
            result.append(
                f"{type(exc).__module__.split('.')[0]}.{type(exc).__name__}{cause} after {time.monotonic() - started:.1f} s"
            )

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(cap)
    return result[0] if result else f"still waiting after {cap:.0f} s"


def proxy() -> None:
    with Emulator() as emu, Proxy() as server:
        os.environ["HTTP_PROXY"] = server.url
        try:
            for mode in MODES:
                before = len(server.seen)
                call(mode, base_url=emu.url, aws_access_key=emu.access_key, aws_secret_key=emu.secret_key)
                print(f"HTTP_PROXY set: {mode:<14} {len(server.seen) - before}/1 requests through the proxy")
        finally:
            del os.environ["HTTP_PROXY"]


def write() -> None:
    with stalled_reader() as url:
        for mode in MODES:
            padding = {"call": {"extra_body": {"padding": "x" * 16_000_000}}}
            print(
                f"16 MB to a server that stops reading, timeout=2: {mode:<14} {outcome(mode, 20, base_url=url, timeout=2, max_retries=0, **padding)}"
            )


def _trickle_server() -> str:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def handle(conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, rest = data.partition(b"\r\n\r\n")
            length = next(
                int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
            )
            while len(rest) < length:
                rest += conn.recv(65536)
            answer = b"HTTP/1.1 200 OK\r\nx-a: b\r\ncontent-length: 2\r\n\r\n{}"
            try:
                for byte in answer[:20]:  # the first 20 bytes a second apart, then the rest at once
                    time.sleep(1.0)
                    conn.sendall(bytes([byte]))
                conn.sendall(answer[20:])
            except OSError:
                pass

    def serve() -> None:
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}"


def head() -> None:
    url = _trickle_server()
    for mode in MODES:
        print(
            f"20 bytes of head at 1 byte/s, timeout=2: {mode:<14} {outcome(mode, 25, base_url=url, timeout=2, max_retries=0)}"
        )


def headers() -> None:
    with Emulator() as emu:
        creds = {
            "base_url": emu.url,
            "aws_access_key": emu.access_key,
            "aws_secret_key": emu.secret_key,
            "max_retries": 0,
        }
        for mode in MODES:
            emu.reset()
            said = outcome(mode, 20, call={"extra_headers": {"Content-Length": "5"}}, **creds)
            print(
                f"extra_headers Content-Length: 5: {mode:<14} {said}; requests that reached the server: {len(emu.log)}"
            )
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)

    def serve() -> None:
        while True:
            conn, _ = listener.accept()
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                body = b'{"id": "m"}'
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body)
                )

    threading.Thread(target=serve, daemon=True).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    for mode in MODES:
        print(f"an answer labelled gzip that is not: {mode:<14} {outcome(mode, 20, base_url=url, max_retries=0)}")


def fork(calls: int) -> None:
    with Emulator() as emu:
        client = ab.AnthropicBedrock(  # a call that waits for an answer that went to the other process: 10 s
            base_url=emu.url, aws_access_key=emu.access_key, aws_secret_key=emu.secret_key, max_retries=0, timeout=10
        )

        def run(count: int) -> int:
            failed = 0
            for _ in range(count):
                try:
                    client.messages.create(model=MODEL, max_tokens=3, messages=HELLO)
                except Exception:
                    failed += 1
            return failed

        run(5)  # the parent's pool has connections before the fork
        read, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            failed = run(calls)
            os.write(write_end, str(failed).encode())
            os._exit(0)
        failed = run(calls)
        os.waitpid(pid, 0)
        child_failed = int(os.read(read, 64))
        print(
            f"parent and forked child, {calls} calls each at once: parent {failed} failed, child {child_failed} failed"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["proxy", "write", "head", "headers", "fork"])
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print(f"anthropic_bedrock from {os.path.dirname(ab.__file__)}")
    if args.what == "fork":
        fork(args.calls)
    else:
        {"proxy": proxy, "write": write, "head": head, "headers": headers}[args.what]()
    os._exit(0)  # threads still waiting on servers that never answer


if __name__ == "__main__":
    main()
