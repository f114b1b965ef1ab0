"""A Bedrock job's status and counts, said the way `anthropic` says a message batch's.

Bedrock's ten job statuses (botocore's ModelInvocationJobStatus) fold into `anthropic`'s three
`processing_status` values: everything before the end is `in_progress`, `Stopping` is `canceling`,
and `Completed`, `PartiallyCompleted`, `Failed`, `Stopped` and `Expired` are `ended`. A batch of
several jobs is `ended` when all are, `canceling` when any is stopping, else `in_progress`.

`request_counts` has `anthropic`'s five fields. Bedrock reports its record counts while a job runs,
so `succeeded` and `errored` grow as it goes (where `anthropic` keeps them at zero until the end)
and `processing` is what is left. Once a job has ended, the records it never processed are
`canceled` (Stopped), `expired` (Expired, PartiallyCompleted: not processed in time) or `errored`
(Failed, or missing from a Completed job).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from .results import Unanswered

__all__ = [
    "ACTIVE_STATUSES",
    "ENDED_STATUSES",
    "JOB_STATUSES",
    "Manifest",
    "ProcessingStatus",
    "RequestCounts",
    "batch_processing_status",
    "parse_manifest",
    "processing_status",
    "request_counts",
    "unanswered_for",
]

ProcessingStatus = Literal["in_progress", "canceling", "ended"]

JOB_STATUSES: Final = (
    "Submitted",
    "Validating",
    "Scheduled",
    "InProgress",
    "Completed",
    "PartiallyCompleted",
    "Failed",
    "Stopping",
    "Stopped",
    "Expired",
)
ENDED_STATUSES: Final = frozenset({"Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired"})
ACTIVE_STATUSES: Final = frozenset({"Submitted", "Validating", "Scheduled", "InProgress", "Stopping"})
"""Statuses that count against the concurrent-jobs quota (submitted or in progress)."""


def processing_status(status: str | None) -> ProcessingStatus:
    """`anthropic`'s processing_status for a Bedrock job status (a status this release does not know
    is taken as still running, so that waiting goes on rather than reading half a result)."""
    if status in ENDED_STATUSES:
        return "ended"
    if status == "Stopping":
        return "canceling"
    return "in_progress"


def batch_processing_status(statuses: Iterable[str | None]) -> ProcessingStatus:
    """The processing_status of a batch made of jobs in `statuses`."""
    kinds = {processing_status(status) for status in statuses}
    if not kinds or kinds == {"ended"}:
        return "ended"
    return "canceling" if "canceling" in kinds else "in_progress"


def unanswered_for(status: str | None) -> Unanswered | None:
    """What the records a job never answered became, once it has ended; None while it runs."""
    if status == "Stopped":
        return "canceled"
    if status in ("Expired", "PartiallyCompleted"):
        return "expired"
    if status in ("Failed", "Completed"):
        return "errored"
    return None


@dataclass(frozen=True, slots=True)
class RequestCounts:
    """How many requests are in each state; the five add up to the batch's requests."""

    processing: int = 0
    succeeded: int = 0
    errored: int = 0
    canceled: int = 0
    expired: int = 0

    def __add__(self, other: RequestCounts) -> RequestCounts:
        return RequestCounts(
            self.processing + other.processing,
            self.succeeded + other.succeeded,
            self.errored + other.errored,
            self.canceled + other.canceled,
            self.expired + other.expired,
        )

    @property
    def total(self) -> int:
        return self.processing + self.succeeded + self.errored + self.canceled + self.expired

    def to_dict(self) -> dict[str, int]:
        return {
            "processing": self.processing,
            "succeeded": self.succeeded,
            "errored": self.errored,
            "canceled": self.canceled,
            "expired": self.expired,
        }


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def request_counts(job: Mapping[str, Any], expected: int) -> RequestCounts:
    """The counts of one job from its GetModelInvocationJob (or list summary) fields; `expected` is
    the number of records the job was given, used until Bedrock reports `totalRecordCount`."""
    total = _count(job.get("totalRecordCount"))
    total = expected if total is None or total == 0 else total
    succeeded = _count(job.get("successRecordCount")) or 0
    errored = _count(job.get("errorRecordCount")) or 0
    processed = max(_count(job.get("processedRecordCount")) or 0, succeeded + errored)
    left = max(total - processed, 0)
    unanswered = unanswered_for(job.get("status"))
    if unanswered is None:
        return RequestCounts(processing=left, succeeded=succeeded, errored=errored)
    # Processed records are answered or errored; what is left, and any gap between processed and
    # the two counts, did not get an answer.
    left += processed - succeeded - errored
    if unanswered == "canceled":
        return RequestCounts(succeeded=succeeded, errored=errored, canceled=left)
    if unanswered == "expired":
        return RequestCounts(succeeded=succeeded, errored=errored, expired=left)
    return RequestCounts(succeeded=succeeded, errored=errored + left)


@dataclass(frozen=True, slots=True)
class Manifest:
    """`manifest.json.out`: the job's record and token counts (user guide, batch-inference-results)."""

    total_record_count: int
    processed_record_count: int
    success_record_count: int
    error_record_count: int
    input_token_count: int
    output_token_count: int


def parse_manifest(data: bytes) -> Manifest:
    """Read `manifest.json.out`; a missing count reads as 0, a count of the wrong type raises ValueError."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise ValueError("manifest.json.out is not JSON") from exc
    if not isinstance(document, dict):
        raise ValueError("manifest.json.out is not a JSON object")
    values = []
    for key in (
        "totalRecordCount",
        "processedRecordCount",
        "successRecordCount",
        "errorRecordCount",
        "inputTokenCount",
        "outputTokenCount",
    ):
        value = document.get(key, 0)
        if _count(value) is None:
            raise ValueError(f"manifest.json.out: {key} must be a non-negative integer, got {value!r}")
        values.append(value)
    return Manifest(*values)
