#!/usr/bin/env python3
"""Batch inference at scale: a million requests from a generator through `messages.batches.create`,
then the results read back, against the emulator and its S3 server (moto) on loopback.

The emulator (with its S3) runs in a process of its own; each measured phase runs in a fresh child
process, so its peak RSS is its own:

- submit: `batches.create` over a generator of N requests (each checked and built as
  `messages.create` would, spooled to disk, cut into 50,000-request jobs, uploaded with multipart
  uploads, jobs created). Wall time, requests/s, JSONL MB/s uploaded, CPU time, peak RSS (target:
  under 200 MB).
- the emulator runs the jobs (its own time, not the SDK's; shown for scale).
- results: `batches.results` over every record (id maps, streamed `.out` files, parsed messages,
  custom_ids mapped back): records/s and peak RSS; beside it a plain botocore reader that only
  splits the same `.out` files into lines and `json.loads` each (no id map, no message models).

    .venv/bin/python scripts/bench_batch.py [--records 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
ROLE = "arn:aws:iam::123456789012:role/emulator-batch-role"
BUCKET = "emulator-batch"


def requests(count: int) -> Iterator[dict[str, Any]]:
    for i in range(count):
        yield {
            "custom_id": f"item-{i}",
            "params": {
                "max_tokens": 16,
                "system": "Label the sentiment of the review: positive, negative or neutral.",
                "messages": [{"role": "user", "content": f"Review {i}: the delivery was quick and the box intact."}],
            },
        }


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def client() -> Any:
    from anthropic_bedrock import AnthropicBedrock

    return AnthropicBedrock()  # everything from the emulator's environment


def phase_submit(count: int, name: str) -> dict[str, Any]:
    with client() as bedrock:
        baseline = peak_rss_mb()
        started, cpu = time.perf_counter(), cpu_seconds()
        batch = bedrock.messages.batches.create(
            requests=requests(count), model=MODEL, role_arn=ROLE, s3_prefix=f"s3://{BUCKET}/bench", job_name=name
        )
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    return {
        "seconds": seconds,
        "cpu": cpu,
        "jobs": len(batch.jobs),
        "records": batch.request_counts.total,
        "rss_before": baseline,
        "rss": peak_rss_mb(),
    }


def phase_results(name: str) -> dict[str, Any]:
    with client() as bedrock:
        started, cpu = time.perf_counter(), cpu_seconds()
        kinds: dict[str, int] = {}
        with bedrock.messages.batches.results(name) as results:
            for item in results:
                kinds[item.result.type] = kinds.get(item.result.type, 0) + 1
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    return {"seconds": seconds, "cpu": cpu, "kinds": kinds, "rss": peak_rss_mb()}


def phase_raw(name: str) -> dict[str, Any]:
    """The floor: botocore lists and streams the same .out files; each line is only json.loads'ed."""
    import botocore.session

    s3 = botocore.session.Session().create_client("s3")
    started, cpu = time.perf_counter(), cpu_seconds()
    lines = size = 0
    keys = [
        item["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=f"bench/{name}/output/")
        for item in page.get("Contents", ())
        if item["Key"].endswith(".jsonl.out")
    ]
    for key in keys:
        body = s3.get_object(Bucket=BUCKET, Key=key)["Body"]
        for line in body.iter_lines(chunk_size=1 << 20):
            if line:
                json.loads(line)
                lines += 1
                size += len(line) + 1
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    return {"seconds": seconds, "cpu": cpu, "records": lines, "bytes": size, "rss": peak_rss_mb()}


def input_bytes(name: str) -> int:
    import botocore.session

    s3 = botocore.session.Session().create_client("s3")
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=f"bench/{name}/input/")
    return sum(item["Size"] for page in pages for item in page.get("Contents", ()))


def child(*arguments: str, env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, *arguments], env=env, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--submit-only", action="store_true", help="measure the submission alone")
    parser.add_argument("--phase", choices=("submit", "results", "raw"), help=argparse.SUPPRESS)
    parser.add_argument("--name", default="bench-million", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "submit":
        print(json.dumps(phase_submit(args.records, args.name)))
        return 0
    if args.phase == "results":
        print(json.dumps(phase_results(args.name)))
        return 0
    if args.phase == "raw":
        print(json.dumps(phase_raw(args.name)))
        return 0

    server = subprocess.Popen(
        [sys.executable, "-m", "anthropic_bedrock.emulator", "--s3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        server.stdout.readline()  # the URL
        env = dict(os.environ)
        for line in iter(server.stdout.readline, ""):
            if line.startswith("export "):
                key, _, value = line[len("export ") :].strip().partition("=")
                env[key] = value
            if "AWS_ENDPOINT_URL_S3" in env and line.startswith("# API-key"):
                break
        os.environ.update(env)
        count = args.records
        print(f"records: {count:,}   nproc {os.cpu_count()}   Python {sys.version.split()[0]}")

        submitted = child("--phase", "submit", "--records", str(count), "--name", args.name, env=env)
        size = input_bytes(args.name)
        print(
            f"submit   {submitted['seconds']:8.1f} s  {count / submitted['seconds']:9,.0f} requests/s  "
            f"{size / 1e6 / submitted['seconds']:6.1f} MB/s of JSONL ({size / 1e6:,.0f} MB in {submitted['jobs']} jobs)  "
            f"CPU {submitted['cpu']:.1f} s  peak RSS {submitted['rss']:.0f} MB (client alone {submitted['rss_before']:.0f}) "
            f"({'under' if submitted['rss'] < 200 else 'OVER'} 200 MB)"
        )

        if args.submit_only:
            return 0
        started = time.perf_counter()
        with client() as bedrock:
            ended = bedrock.messages.batches.wait(args.name, poll_interval=2.0, max_poll_interval=10.0)
        counts = ended.request_counts
        print(
            f"jobs     {time.perf_counter() - started:8.1f} s  run by the emulator "
            f"({counts.succeeded:,} succeeded, {counts.errored:,} errored)"
        )

        read = child("--phase", "results", "--name", args.name, env=env)
        records = sum(read["kinds"].values())
        print(
            f"results  {read['seconds']:8.1f} s  {records / read['seconds']:9,.0f} records/s  "
            f"CPU {read['cpu']:.1f} s  peak RSS {read['rss']:.0f} MB  {read['kinds']}"
        )
        raw = child("--phase", "raw", "--name", args.name, env=env)
        print(
            f"  floor  {raw['seconds']:8.1f} s  {raw['records'] / raw['seconds']:9,.0f} lines/s  "
            f"CPU {raw['cpu']:.1f} s  peak RSS {raw['rss']:.0f} MB  ({raw['bytes'] / 1e6:,.0f} MB of .out; botocore + json.loads only)"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
