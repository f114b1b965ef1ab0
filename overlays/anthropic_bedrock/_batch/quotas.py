"""Bedrock's batch inference quotas, in one place, so that a batch is cut to fit before anything is uploaded.

Bedrock refuses a job (at validation, after the upload) whose files break a quota: too few records,
too many records or bytes in a file or in the job. The defaults are the published ones (AWS General
Reference, "Amazon Bedrock endpoints and quotas"): for every Claude model a job needs at least 100
records and holds at most 50,000 records and 5 GB, a file at most 50,000 records and 1 GB, and 20 jobs
may be submitted or in progress per model at once. They are per account and Region; the record and
job-count quotas are adjustable, so an account can have other values: the caller overrides any of
them. Sizes are counted in decimal units (1 GB = 10^9 bytes), the smaller reading of "GB".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

__all__ = ["DEFAULT_QUOTAS", "BatchQuotas", "quotas_for_model"]


@dataclass(frozen=True, slots=True)
class BatchQuotas:
    """The limits a batch is cut to fit: each job gets at least `min_records_per_job` records and at
    most `max_records_per_job` records and `max_bytes_per_job` bytes, spread over `.jsonl` files of
    at most `max_records_per_file` records and `max_bytes_per_file` bytes each; at most
    `max_concurrent_jobs` jobs of one model may be submitted or running at a time."""

    min_records_per_job: int = 100
    max_records_per_file: int = 50_000
    max_records_per_job: int = 50_000
    max_bytes_per_file: int = 1_000_000_000
    max_bytes_per_job: int = 5_000_000_000
    max_concurrent_jobs: int = 20

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"quotas.{field.name} must be a positive integer, got {value!r}")
        if self.max_records_per_file > self.max_records_per_job:
            raise ValueError(
                f"quotas.max_records_per_file ({self.max_records_per_file}) must not exceed "
                f"quotas.max_records_per_job ({self.max_records_per_job})"
            )
        if self.max_bytes_per_file > self.max_bytes_per_job:
            raise ValueError(
                f"quotas.max_bytes_per_file ({self.max_bytes_per_file}) must not exceed "
                f"quotas.max_bytes_per_job ({self.max_bytes_per_job})"
            )
        # A batch over one job's limit is split; with room for two minimums in a job, any total of
        # at least the minimum splits into jobs that all meet it.
        if self.max_records_per_job < 2 * self.min_records_per_job:
            raise ValueError(
                f"quotas.max_records_per_job ({self.max_records_per_job}) must be at least twice "
                f"quotas.min_records_per_job ({self.min_records_per_job}) so that a large batch can be split"
            )

    def replace(self, **changes: int) -> BatchQuotas:
        """These quotas with some changed (checked again); an unknown name raises TypeError."""
        return dataclasses.replace(self, **changes)


DEFAULT_QUOTAS: Final = BatchQuotas()

# Models whose published defaults differ from DEFAULT_QUOTAS, by a fragment of the model id. Every
# Claude model has the defaults; the two rows show what the table is for.
_BY_MODEL: Final[Mapping[str, BatchQuotas]] = {
    "meta.llama4-scout": BatchQuotas(min_records_per_job=50),
    "amazon.nova-pro": BatchQuotas(max_bytes_per_job=100_000_000_000),
}


def quotas_for_model(model_id: str, overrides: Mapping[str, int] | None = None) -> BatchQuotas:
    """The default quotas for `model_id` (a model id, inference profile id or ARN) with the caller's
    `overrides` (field name -> value) applied."""
    lowered = model_id.lower()
    quotas = next((q for fragment, q in _BY_MODEL.items() if fragment in lowered), DEFAULT_QUOTAS)
    if overrides:
        names = [field.name for field in dataclasses.fields(BatchQuotas)]
        unknown = sorted(set(overrides) - set(names))
        if unknown:
            raise ValueError(f"unknown quota {unknown[0]!r}; known: {', '.join(names)}")
        quotas = dataclasses.replace(quotas, **overrides)
    return quotas
