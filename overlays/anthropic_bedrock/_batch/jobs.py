"""A batch's jobs on the control plane: the CreateModelInvocationJob body of each part, and the
`anthropic`-shaped batch object summarized from the jobs' GetModelInvocationJob answers.

Each part's `clientRequestToken` is derived from the batch name, the part and its record count
(`<batch>-p0001of0003-n50000`): a retried create answers the job already made instead of a second
one, and since Get and List return the token, the record count of a job is known before Bedrock
has counted it (no local state is needed to retrieve a batch).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal

from .layout import BatchLayout, job_name, parse_job_name
from .status import ProcessingStatus, RequestCounts, batch_processing_status, request_counts

__all__ = ["BatchJob", "MessageBatch", "create_job_body", "parse_token", "summarize"]

_ROLE_ARN: Final = re.compile(r"arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+")
_TAG: Final = re.compile(r"[a-zA-Z0-9\s._:/=+@-]*")
_TOKEN: Final = re.compile(r"(.+)-p([0-9]{4})of([0-9]{4})-n([0-9]+)")
BATCH_TAG: Final = "anthropic-bedrock:batch"
"""The tag every job of a batch carries, its value the batch name."""


def create_job_body(
    *,
    layout: BatchLayout,
    batch: str,
    part: int,
    parts: int,
    records: int,
    model: str,
    role_arn: str,
    timeout_hours: int | None = None,
    kms_key_id: str | None = None,
    tags: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The CreateModelInvocationJob body for `part` of `parts` (arguments checked, named as the
    caller gave them: `role_arn`, `timeout_hours`, `kms_key_id`, `tags`)."""
    if not isinstance(role_arn, str) or _ROLE_ARN.fullmatch(role_arn) is None or len(role_arn) > 2048:
        raise ValueError(
            f"role_arn must be an IAM role ARN such as arn:aws:iam::123456789012:role/name, got {role_arn!r}"
        )
    if timeout_hours is not None and (
        not isinstance(timeout_hours, int) or isinstance(timeout_hours, bool) or not 24 <= timeout_hours <= 168
    ):
        raise ValueError(f"timeout_hours must be an integer from 24 to 168, got {timeout_hours!r}")
    all_tags = dict(tags or {})
    if len(all_tags) >= 200:
        raise ValueError(f"tags may hold at most 199 entries (one is the batch's own), got {len(all_tags)}")
    for key, value in all_tags.items():
        if not isinstance(key, str) or not 1 <= len(key) <= 128 or _TAG.fullmatch(key) is None:
            raise ValueError(f"tags: the key {key!r} must be 1 to 128 letters, digits, spaces or ._:/=+@-")
        if not isinstance(value, str) or len(value) > 256 or _TAG.fullmatch(value) is None:
            raise ValueError(f"tags[{key!r}] must be at most 256 letters, digits, spaces or ._:/=+@-")
    all_tags[BATCH_TAG] = batch
    output: dict[str, Any] = {"s3Uri": layout.output_folder(part).uri + "/"}
    if kms_key_id is not None:
        if not isinstance(kms_key_id, str) or not 1 <= len(kms_key_id) <= 2048:
            raise ValueError(f"kms_key_id must be a KMS key id, ARN or alias, got {kms_key_id!r}")
        output["s3EncryptionKeyId"] = kms_key_id
    body: dict[str, Any] = {
        "jobName": job_name(batch, part, parts),
        "roleArn": role_arn,
        "clientRequestToken": f"{batch}-p{part:04d}of{parts:04d}-n{records}",
        "modelId": model,
        "inputDataConfig": {
            "s3InputDataConfig": {"s3Uri": layout.input_folder(part).uri + "/", "s3InputFormat": "JSONL"}
        },
        "outputDataConfig": {"s3OutputDataConfig": output},
        "tags": [{"key": key, "value": value} for key, value in all_tags.items()],
    }
    if timeout_hours is not None:
        body["timeoutDurationInHours"] = timeout_hours
    return body


def parse_token(token: object) -> tuple[str, int, int, int] | None:
    """(batch, part, parts, records) from a token made by `create_job_body`, else None."""
    match = _TOKEN.fullmatch(token) if isinstance(token, str) else None
    if match is None:
        return None
    return match.group(1), int(match.group(2)), int(match.group(3)), int(match.group(4))


@dataclass(frozen=True, slots=True)
class BatchJob:
    """One Bedrock job of a batch."""

    part: int
    arn: str
    name: str
    status: str
    message: str | None
    records: int
    request_counts: RequestCounts
    output_s3_uri: str | None


@dataclass(frozen=True, slots=True)
class MessageBatch:
    """A batch as `anthropic` describes one (`processing_status`, `request_counts`, the timestamps),
    with Bedrock's jobs (ARN, status, counts) alongside. `id` is the batch name."""

    id: str
    processing_status: ProcessingStatus
    request_counts: RequestCounts
    created_at: datetime | None
    ended_at: datetime | None
    expires_at: datetime | None
    cancel_initiated_at: datetime | None
    jobs: tuple[BatchJob, ...]
    parts: int
    type: Literal["message_batch"] = "message_batch"
    archived_at: None = None
    results_url: None = None

    @property
    def complete(self) -> bool:
        """Whether every part of the batch has a job (a create may have been interrupted)."""
        return len(self.jobs) == self.parts


def _when(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def summarize(batch: str, jobs: Sequence[Mapping[str, Any]]) -> MessageBatch:
    """The batch made of `jobs` (GetModelInvocationJob answers or list summaries of its parts)."""
    found: list[BatchJob] = []
    parts = 0
    created: list[datetime] = []
    ended: list[datetime] = []
    expires: list[datetime] = []
    canceled: list[datetime] = []
    for job in jobs:
        named = parse_job_name(str(job.get("jobName", "")))
        if named is None or named[0] != batch:
            raise ValueError(f"the job {job.get('jobName')!r} is not part of batch {batch!r}")
        token = parse_token(job.get("clientRequestToken"))
        records = token[3] if token is not None else 0
        parts = max(parts, named[2])
        status = str(job.get("status", "Submitted"))
        output = job.get("outputDataConfig", {}).get("s3OutputDataConfig", {}).get("s3Uri")
        found.append(
            BatchJob(
                part=named[1],
                arn=str(job.get("jobArn", "")),
                name=str(job["jobName"]),
                status=status,
                message=job.get("message"),
                records=records,
                request_counts=request_counts(job, expected=records),
                output_s3_uri=output,
            )
        )
        for moment, bucket in ((job.get("submitTime"), created), (job.get("endTime"), ended)):
            if (when := _when(moment)) is not None:
                bucket.append(when)
        if (when := _when(job.get("jobExpirationTime"))) is not None:
            expires.append(when)
        if status in ("Stopping", "Stopped") and (when := _when(job.get("lastModifiedTime"))) is not None:
            canceled.append(when)
    found.sort(key=lambda job: job.part)
    processing = batch_processing_status(job.status for job in found)
    counts = sum((job.request_counts for job in found), RequestCounts())
    return MessageBatch(
        id=batch,
        processing_status=processing,
        request_counts=counts,
        created_at=min(created, default=None),
        ended_at=max(ended, default=None) if processing == "ended" else None,
        expires_at=max(expires, default=None),
        cancel_initiated_at=min(canceled, default=None),
        jobs=tuple(found),
        parts=parts,
    )
