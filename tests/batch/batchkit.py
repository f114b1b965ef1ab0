"""What the batch tests share besides fixtures: small quotas, and a look into the emulator's bucket."""

from __future__ import annotations

from anthropic_bedrock.emulator import Emulator
from anthropic_bedrock.emulator._batch_runner import BatchLimits

# Small quotas, so that a few hundred requests make several files and jobs.
LIMITS = BatchLimits(min_records_per_job=10, max_records_per_file=40, max_records_per_job=100)
QUOTAS = {"min_records_per_job": 10, "max_records_per_file": 40, "max_records_per_job": 100}
MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


def bucket_keys(emu: Emulator) -> list[str]:
    """Every object in the emulator's bucket."""
    client = emu.batch._client
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=emu.batch.bucket)
    return [item["Key"] for page in pages for item in page.get("Contents", ())]
