"""Requests per second the local Bedrock emulator serves, so client benchmarks know their ceiling.

The emulator runs in its own process (``python -m anthropic_bedrock.emulator``), so the client and
the server do not share a GIL. Requests are signed once with botocore (a signature stays valid for
five minutes) and replayed with plain httpx, sequentially and concurrently; a raw-socket client
(asyncio streams, no HTTP library) shows what the server can take when the client costs nothing.

    .venv/bin/python scripts/bench_emulator.py [--seconds 3] [--concurrency 64]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import ssl
import subprocess
import sys
import time
from urllib.parse import urlsplit

import httpx
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from anthropic_bedrock.emulator import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY

MODEL = "anthropic.claude-v2"


def presign(base: str, operation: str, words: int) -> tuple[str, dict[str, str], bytes]:
    body = json.dumps(
        {
            "prompt": "\n\nHuman: Tell me about event streams please\n\nAssistant:",
            "max_tokens_to_sample": words,
            "anthropic_version": "bedrock-2023-05-31",
        }
    ).encode()
    url = f"{base}/model/{MODEL}/{operation}"
    request = AWSRequest(method="POST", url=url, data=body, headers={"content-type": "application/json"})
    SigV4Auth(Credentials(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY), "bedrock", "us-east-1").add_auth(request)
    return url, dict(request.headers.items()), body


def sequential(url: str, headers: dict[str, str], body: bytes, seconds: float) -> float:
    done = 0
    with httpx.Client() as client:
        client.post(url, content=body, headers=headers).raise_for_status()
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            response = client.post(url, content=body, headers=headers)
            if response.status_code != 200:
                raise SystemExit(f"unexpected {response.status_code}: {response.text}")
            done += 1
        return done / (time.perf_counter() - start)


async def concurrent(url: str, headers: dict[str, str], body: bytes, seconds: float, workers: int) -> float:
    tls = ssl.create_default_context()
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        async with httpx.AsyncClient(verify=tls, timeout=30) as client:
            while time.perf_counter() < deadline:
                response = await client.post(url, content=body, headers=headers)
                if response.status_code != 200:
                    raise SystemExit(f"unexpected {response.status_code}: {response.text}")
                done += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return done / (time.perf_counter() - start)


async def raw_sockets(url: str, headers: dict[str, str], body: bytes, seconds: float, workers: int) -> float:
    parts = urlsplit(url)
    lines = [f"POST {parts.path} HTTP/1.1", f"host: {parts.netloc}", f"content-length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        while time.perf_counter() < deadline:
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                raise SystemExit(f"unexpected answer: {head!r}")
            length = next(
                int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
            )
            await reader.readexactly(length)
            done += 1
        writer.close()
        await writer.wait_closed()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return done / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0, help="duration of each measurement")
    parser.add_argument("--concurrency", type=int, default=64, help="connections for the concurrent runs")
    args = parser.parse_args()

    process = subprocess.Popen(
        [sys.executable, "-m", "anthropic_bedrock.emulator", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        base = process.stdout.readline().strip()
        invoke = presign(base, "invoke", 20)
        stream = presign(base, "invoke-with-response-stream", 20)
        print(f"emulator at {base}; {args.seconds:g} s per row; 20-word answers")
        rows = [
            ("invoke, httpx, sequential", sequential(*invoke, args.seconds)),
            ("stream (20 chunks), httpx, sequential", sequential(*stream, args.seconds)),
            (
                f"invoke, httpx, {args.concurrency} connections",
                asyncio.run(concurrent(*invoke, args.seconds, args.concurrency)),
            ),
            (
                f"invoke, raw sockets, {args.concurrency} connections",
                asyncio.run(raw_sockets(*invoke, args.seconds, args.concurrency)),
            ),
        ]
        for label, rate in rows:
            print(f"  {label:<44}{rate:>10,.0f} req/s")
    finally:
        process.terminate()
        process.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
