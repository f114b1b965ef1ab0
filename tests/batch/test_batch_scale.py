"""Requests from a generator go through the sharder in bounded memory.

Memory is asserted with tracemalloc's peak (never with time). The suite runs 150,000 requests
(three jobs of 50,000); `ANTHROPIC_BEDROCK_SCALE_RECORDS=1000000` runs a million (about 160 MB of
JSONL in twenty jobs; minutes under tracemalloc, which traces every allocation). The peak must stay
far below what was written either way.
"""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from anthropic_bedrock._batch.quotas import DEFAULT_QUOTAS
from anthropic_bedrock._batch.sharder import FileData, FileEnd, JobEnd, Sharder

N = int(os.environ.get("ANTHROPIC_BEDROCK_SCALE_RECORDS", "150000"))
JOBS = -(-N // 50_000)
PEAK_LIMIT = 32_000_000


def check(params: Mapping[str, Any], where: str) -> dict[str, Any]:
    return {"anthropic_version": "bedrock-2023-05-31", **params}


def generate(n: int) -> Iterator[dict[str, Any]]:
    for i in range(n):
        yield {
            "custom_id": f"item-{i}",
            "params": {"max_tokens": 16, "messages": [{"role": "user", "content": f"Classify item {i}."}]},
        }


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_many_requests_are_sharded_in_bounded_memory() -> None:
    written = files = records = 0
    jobs: list[JobEnd] = []
    tracemalloc.start()
    try:
        sharder = Sharder(model="anthropic.claude-3-haiku-20240307-v1:0", check=check, quotas=DEFAULT_QUOTAS)
        for request in generate(N):
            for event in sharder.add(request):
                if isinstance(event, FileData):
                    written += len(event.data)
                elif isinstance(event, FileEnd):
                    files += 1
                    records += event.records
                elif isinstance(event, JobEnd):
                    jobs.append(event)
        for event in sharder.finish():
            if isinstance(event, FileData):
                written += len(event.data)
            elif isinstance(event, FileEnd):
                files += 1
                records += event.records
            elif isinstance(event, JobEnd):
                jobs.append(event)
        duplicates = sharder.suspected_duplicates()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert records == N and files == JOBS and duplicates == set()
    assert [(job.part, job.records) for job in jobs] == [(part, 50_000) for part in range(1, JOBS + 1)]
    assert sum(job.size for job in jobs) == written > 150 * N
    assert peak < PEAK_LIMIT, f"peak traced memory {peak} bytes for {written} bytes of JSONL"
