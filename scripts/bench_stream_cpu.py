"""Where a streamed event's client CPU goes, and how it compares with boto3's: the stream study.

Two parts:

* ``--part e2e``: one stream of 20,000 deltas per run, read to its end in a fresh interpreter of each venv
  (scripts/benchlib/worker.py, figure ``study_stream``) against the emulator in its own process: ours sync and
  async (on aiohttp and on httpx's pool), both APIs, and boto3 (sync; it has no async client). Runs are
  interleaved; the table gives the client CPU per event, median and min..max.
* ``--part reads``: the sync path over httpx, handing ChunkReader one HTTP chunk at a time (as the SDK does) or
  64 KiB at a time, and the transport alone, with the socket reads counted: how much of an event's CPU is the
  per-chunk hand-over rather than the decoding.
* ``--part stages``: our side alone, in this interpreter (the work tree's code, no venv to rebuild): the frames of
  a recorded Messages stream fed one per read through each stage of the pipeline, best of N, in ns per event;
  and h11 parsing the same stream as an HTTP/1.1 chunked body (one chunk per frame), which is what httpx does
  per event below us. ``--callgrind`` runs the stages under valgrind and prints instructions per event instead
  (repeatable on a busy machine).

    .venv/bin/python scripts/bench_stream_cpu.py --part e2e [--runs 5]
    .venv/bin/python scripts/bench_stream_cpu.py --part reads [--runs 5]
    .venv/bin/python scripts/bench_stream_cpu.py --part stages [--repeat 7] [--callgrind]
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

E2E = (
    # label, venv, anchor, api, mode, environment
    ("ours messages sync", "ours", "ours", "messages", "sync"),
    ("ours messages async, aiohttp", "ours", "ours", "messages", "async"),
    ("ours messages async, httpx pool", "ours", "ours_httpx", "messages", "async"),
    ("boto3 messages sync", "boto3", "boto3", "messages", "sync"),
    ("ours completions sync", "ours", "ours", "completions", "sync"),
    ("ours completions async, aiohttp", "ours", "ours", "completions", "async"),
    ("ours completions async, httpx pool", "ours", "ours_httpx", "completions", "async"),
    ("boto3 completions sync", "boto3", "boto3", "completions", "sync"),
)


def e2e(runs: int, chunks: int) -> int:
    from bench import RESULT_MARK, WORKER, worker_env
    from benchlib import venvs
    from benchlib.emulator import Emulator

    for name in ("ours", "boto3"):
        venvs.ensure(venvs.VENVS[name], venvs.BENCH_DIR / "pip.log")
    server = Emulator(sys.executable, venvs.BENCH_DIR / "emulator-study.log")
    server.start()
    results: dict[str, list[dict[str, Any]]] = {row[0]: [] for row in E2E}
    try:
        for i in range(runs):
            for label, venv, anchor, api, mode in E2E[i % len(E2E) :] + E2E[: i % len(E2E)]:
                spec = {"url": server.url, "creds": server.creds, "api": api, "mode": mode, "chunks": chunks}
                proc = subprocess.run(
                    [str(venvs.VENVS[venv].python), "-I", str(WORKER), "study_stream", anchor, json.dumps(spec)],
                    capture_output=True,
                    text=True,
                    timeout=300,
                    env=worker_env(),
                    cwd=venvs.BENCH_DIR,
                )
                line = next((x for x in reversed(proc.stdout.splitlines()) if x.startswith(RESULT_MARK)), None)
                tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
                results[label].append(json.loads(line[len(RESULT_MARK) :]) if line else {"error": tail})
            print(f"  run {i + 1}/{runs} done", flush=True)
    finally:
        server.stop()
    print(f"\nclient CPU per event (us), one stream of {chunks} deltas (completions: 4,096), {runs} runs")
    print(f"{'':<40}{'median':>8}{'min..max':>16}{'events/s':>10}")
    for label, rs in results.items():
        ok = [r for r in rs if "error" not in r]
        if not ok:
            print(f"{label:<40}  ERR {rs[0].get('error') if rs else ''}")
            continue
        cpu = [r["cpu_us_per_event"] for r in ok]
        eps = statistics.median(r["events"] / r["wall_s"] for r in ok)
        print(f"{label:<40}{statistics.median(cpu):>8.1f}{f'{min(cpu):.1f}..{max(cpu):.1f}':>16}{eps:>10,.0f}")
    return 0


# ---------------------------------------------------------------------------------------------------- reads


def reads(chunks: int, repeat: int) -> int:
    """Our sync path over httpx, with the HTTP chunks handed to ChunkReader one by one (as the SDK does), joined
    into 64 KiB pieces by us or by `iter_raw(65536)`, and not decoded at all; with the socket reads counted."""
    import httpx
    from benchlib import venvs
    from benchlib.emulator import Emulator
    from httpcore._backends import sync as backend

    from anthropic_bedrock._operations.messages import MESSAGES
    from anthropic_bedrock._streaming.stream import ChunkReader

    socket_reads = [0, 0]
    original = backend.SyncStream.read

    def counted(self: Any, max_bytes: int, timeout: float | None = None) -> bytes:
        data = original(self, max_bytes, timeout)
        socket_reads[0] += 1
        socket_reads[1] += len(data)
        return data

    backend.SyncStream.read = counted  # type: ignore[method-assign]

    def consume(response: httpx.Response, how: str) -> tuple[int, int]:
        assert MESSAGES.event is not None and MESSAGES.accumulator is not None
        reader = ChunkReader(response, MESSAGES.event, MESSAGES.accumulator(), {})
        events = feeds = 0
        if how == "one chunk per feed (the SDK)":
            for data in response.iter_raw():
                feeds += 1
                events += sum(1 for _ in reader.feed(data))
        elif how == "joined to 64 KiB by the caller":
            pending: list[bytes] = []
            size = 0
            for data in response.iter_raw():
                pending.append(data)
                size += len(data)
                if size >= 65536:
                    feeds += 1
                    events += sum(1 for _ in reader.feed(b"".join(pending)))
                    pending, size = [], 0
            events += sum(1 for _ in reader.feed(b"".join(pending)))
        elif how == "iter_raw(65536)":
            for data in response.iter_raw(65536):
                feeds += 1
                events += sum(1 for _ in reader.feed(data))
        else:  # the transport alone
            for _ in response.iter_raw():
                feeds += 1
            events = chunks + 5
        return events, feeds

    server = Emulator(sys.executable, venvs.BENCH_DIR / "emulator-study.log")
    server.start()
    try:
        url, headers, body = signed_stream(server.url, server.creds, chunks)
        print(f"one Messages stream of {chunks} deltas, sync httpx; median (min..max) of {repeat}")
        for how in (
            "one chunk per feed (the SDK)",
            "joined to 64 KiB by the caller",
            "iter_raw(65536)",
            "transport only, no decoding",
        ):
            results = []
            for _ in range(repeat):
                with httpx.Client() as client, client.stream("POST", url, content=body, headers=headers()) as r:
                    socket_reads[:] = [0, 0]
                    cpu0 = time.process_time()
                    events, feeds = consume(r, how)
                    cpu = time.process_time() - cpu0
                results.append((cpu / events * 1e6, socket_reads[0], socket_reads[1], feeds))
            cpus = sorted(r[0] for r in results)
            _, count, size, feeds = results[0]
            print(
                f"  {how:<34}{statistics.median(cpus):6.1f} us/event ({cpus[0]:.1f}..{cpus[-1]:.1f}); "
                f"{count} socket reads of {size / max(count, 1) / 1024:.0f} KiB, {feeds} feeds"
            )
    finally:
        server.stop()
        backend.SyncStream.read = original  # type: ignore[method-assign]
    return 0


def signed_stream(base: str, creds: dict[str, str], chunks: int) -> tuple[str, Callable[[], dict[str, str]], bytes]:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    body = json.dumps(
        {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": chunks,
            "messages": [{"role": "user", "content": "hi"}],
        }
    ).encode()
    url = f"{base}/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke-with-response-stream"

    def headers() -> dict[str, str]:
        request = AWSRequest(
            method="POST",
            url=url,
            data=body,
            headers={"content-type": "application/json", "x-emulator-fault": f"chunks={chunks}"},
        )
        SigV4Auth(Credentials(creds["access_key"], creds["secret_key"]), "bedrock", creds["region"]).add_auth(request)
        return dict(request.headers)

    return url, headers, body


# ---------------------------------------------------------------------------------------------------- stages


def record(chunks: int) -> list[bytes]:
    """The frames of one Messages stream of `chunks` deltas, as the emulator sends them (one per read)."""
    import httpx
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    from anthropic_bedrock.emulator import emulator

    body = json.dumps(
        {
            "anthropic_version": "bedrock-2023-05-31",
            "max_tokens": chunks,
            "messages": [{"role": "user", "content": "hi"}],
        }
    ).encode()
    with emulator() as emu:
        url = f"{emu.url}/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke-with-response-stream"
        headers = {"content-type": "application/json", "x-emulator-fault": f"chunks={chunks}"}
        request = AWSRequest(method="POST", url=url, data=body, headers=headers)
        SigV4Auth(Credentials(emu.access_key, emu.secret_key), "bedrock", emu.region).add_auth(request)
        with httpx.Client() as client, client.stream("POST", url, content=body, headers=dict(request.headers)) as r:
            r.raise_for_status()
            from anthropic_bedrock._aws.eventstream import EventStreamDecoder

            decoder = EventStreamDecoder()
            frames = []
            pending = b""
            for data in r.iter_raw():
                pending += data
                if decoder.feed(data):
                    frames.append(pending)
                    pending = b""
            return frames


def chunked_http(frames: list[bytes]) -> bytes:
    head = b"HTTP/1.1 200 OK\r\ncontent-type: application/vnd.amazon.eventstream\r\ntransfer-encoding: chunked\r\n\r\n"
    return head + b"".join(b"%x\r\n%s\r\n" % (len(f), f) for f in frames) + b"0\r\n\r\n"


def stages(frames: list[bytes]) -> dict[str, Callable[[], int]]:
    import h11
    import httpx

    from anthropic_bedrock._aws.eventstream import EventStreamDecoder
    from anthropic_bedrock._operations.messages import MESSAGES
    from anthropic_bedrock._streaming.stream import ChunkReader, _chunk_bytes

    response = httpx.Response(200, request=httpx.Request("POST", "http://127.0.0.1/"))
    decode = MESSAGES.event
    accumulator = MESSAGES.accumulator
    assert decode is not None and accumulator is not None
    payloads = [m.payload for f in frames for m in EventStreamDecoder().feed(f)]
    texts = [base64.b64decode(json.loads(p)["bytes"]).decode() for p in payloads]
    dicts = [json.loads(t) for t in texts]
    wire = chunked_http(frames)
    reads = [wire[i : i + 65536] for i in range(0, len(wire), 65536)]

    class NoAccumulator:
        complete = True
        text = ""

        def add(self, event: object) -> None:
            pass

    def decoder_only() -> int:
        decoder = EventStreamDecoder()
        return sum(len(decoder.feed(f)) for f in frames)

    def payload_to_json() -> int:
        a2b = __import__("binascii").a2b_base64
        loads = json.loads
        for p in payloads:
            loads(a2b(_chunk_bytes(p), strict_mode=True).decode())
        return len(payloads)

    def models_only() -> int:
        for d in dicts:
            decode(d)
        return len(dicts)

    def reader_no_acc() -> int:
        reader = ChunkReader(response, decode, NoAccumulator(), {})
        return sum(1 for f in frames for _ in reader.feed(f))

    def reader_full() -> int:
        reader = ChunkReader(response, decode, accumulator(), {})
        return sum(1 for f in frames for _ in reader.feed(f))

    def h11_chunks() -> int:
        conn = h11.Connection(h11.CLIENT)
        conn.send(h11.Request(method="POST", target="/", headers=[("host", "x"), ("content-length", "0")]))
        conn.send(h11.EndOfMessage())
        count = 0
        for data in reads:
            conn.receive_data(data)
            while True:
                event = conn.next_event()
                if event is h11.NEED_DATA or type(event) is h11.EndOfMessage:
                    break
                count += type(event) is h11.Data
        return count

    return {
        "event-stream decoder (CRC, prelude, headers)": decoder_only,
        "chunk payload -> JSON (slice, base64, json)": payload_to_json,
        "JSON -> event models": models_only,
        "ChunkReader.feed, no accumulator": reader_no_acc,
        "ChunkReader.feed with MessageAccumulator": reader_full,
        "h11: one HTTP chunk per frame (64 KiB reads)": h11_chunks,
    }


def run_stages(chunks: int, repeat: int, only: str) -> int:
    frames = record(chunks)
    events = len(frames)
    print(f"{events} frames, {sum(map(len, frames)) / events:.0f} bytes per frame")
    for label, fn in stages(frames).items():
        if only and only not in label:
            continue
        fn()  # warm
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - t0)
        print(f"  {label:<50}{best / events * 1e9:>9.0f} ns/event")
    return 0


def callgrind(chunks: int) -> int:
    """Instructions per event of each stage: the difference between a run with the stage and one without."""
    import os
    import re
    import tempfile

    counts: dict[str, int] = {}
    frames = record(chunks)
    names = [*stages(frames[:64]).keys(), ""]
    with tempfile.TemporaryDirectory() as tmp:
        # Recorded once, so that every run under valgrind reads the same bytes from a file (no emulator, no threads).
        saved = os.path.join(tmp, "frames.json")
        Path(saved).write_text(json.dumps([base64.b64encode(f).decode() for f in frames]))
        for label in names:
            out = os.path.join(tmp, "cg.out")
            cmd = [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}",
                sys.executable,
                __file__,
                "--part",
                "one-stage",
                "--frames-file",
                saved,
                "--only",
                label or "<none>",
            ]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            match = re.search(r"Collected : (\d+)", proc.stderr)
            counts[label] = int(match.group(1)) if match else -1
    base = counts.pop("")
    print(f"instructions per event over a run that records and does nothing ({chunks} deltas):")
    for label, n in counts.items():
        print(f"  {label:<50}{(n - base) / len(frames):>9.0f}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=("e2e", "reads", "stages", "one-stage"), default="stages")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--chunks", type=int, default=20000)
    parser.add_argument("--only", default="", help="stages: only those whose label contains this")
    parser.add_argument("--frames-file", default="", help=argparse.SUPPRESS)
    parser.add_argument("--callgrind", action="store_true", help="stages: instructions per event under valgrind")
    args = parser.parse_args()
    if args.part == "e2e":
        return e2e(args.runs, args.chunks)
    if args.part == "reads":
        return reads(args.chunks, args.runs)
    if args.part == "one-stage":
        frames = [base64.b64decode(f) for f in json.loads(Path(args.frames_file).read_text())]
        fn = stages(frames).get(args.only)
        if fn is not None:
            fn()
        return 0
    if args.callgrind:
        return callgrind(args.chunks)
    return run_stages(args.chunks, args.repeat, args.only)


if __name__ == "__main__":
    sys.exit(main())
