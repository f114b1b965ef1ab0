"""What each batch method does, once for sync and async: flows of effects (`effects`) that the
drivers (`drive`) carry out.

A batch is found again from its name alone: its jobs are named `<batch>-p<part>of<parts>` and their
idempotency tokens carry their record counts (`jobs`), so `retrieve` lists the jobs whose name holds
the batch's, and a `MessageBatch` in hand is refreshed job by job (GetModelInvocationJob reads its
own writes; a listing may lag a moment behind a create).
"""

from __future__ import annotations

import math
import random
import secrets
import time
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .._exceptions import APIError, ConflictError
from .._operations.base import check_model
from .._operations.batches import CREATE_JOB, GET_JOB, LIST_JOBS, STOP_JOB
from .effects import Api, Emit, Flow, Progress, Sleep, WithS3
from .errors import BatchNotFoundError, BatchWaitTimeoutError
from .jobs import MessageBatch, create_job_body, parse_token, summarize
from .layout import BatchLayout, S3Location, check_batch_name, new_batch_name, parse_job_name
from .polling import PollPolicy
from .quotas import BatchQuotas, quotas_for_model
from .sharder import Check
from .status import ACTIVE_STATUSES
from .submit import SubmittedPart, spool_and_upload

__all__ = ["batch_name", "cancel_batch", "create_batch", "find_jobs", "list_batches", "retrieve_batch", "wait_batch"]

Jobs = list[dict[str, Any]]


def _quotas(model: str, quotas: BatchQuotas | Mapping[str, int] | None) -> BatchQuotas:
    if quotas is None or isinstance(quotas, BatchQuotas):
        return quotas or quotas_for_model(model)
    if not isinstance(quotas, Mapping):
        raise TypeError(
            f"quotas must be a BatchQuotas or a mapping of quota names to values, not {type(quotas).__name__}"
        )
    return quotas_for_model(model, quotas)


def create_batch(
    *,
    requests: Iterable[object],
    model: str,
    role_arn: str,
    s3_prefix: str,
    check: Check,
    job_name: str | None = None,
    timeout_hours: int | None = None,
    kms_key_id: str | None = None,
    tags: Mapping[str, str] | None = None,
    quotas: BatchQuotas | Mapping[str, int] | None = None,
    spool_dir: str | Path | None = None,
) -> Flow[MessageBatch]:
    """Every argument checked now; the flow then checks and uploads the requests and creates the jobs."""
    if isinstance(requests, str | bytes | Mapping) or not isinstance(requests, Iterable):
        raise TypeError(
            f"requests must be an iterable of {{'custom_id', 'params'}} mappings, not {type(requests).__name__}"
        )
    model = check_model(model)
    prefix = S3Location.parse(s3_prefix, "s3_prefix")
    name = (
        check_batch_name(job_name) if job_name is not None else new_batch_name(datetime.now(UTC), secrets.token_hex(3))
    )
    limits = _quotas(model, quotas)
    layout = BatchLayout.under(prefix, name)
    settings: dict[str, Any] = {
        "model": model,
        "role_arn": role_arn,
        "timeout_hours": timeout_hours,
        "kms_key_id": kms_key_id,
    }
    # The arguments of every job, checked here and by the API description's own checks.
    probe = create_job_body(layout=layout, batch=name, part=1, parts=1, records=1, tags=tags, **settings)
    return _create(requests, probe, layout, name, limits, check, tags, settings, spool_dir)


def _create(
    requests: Iterable[object],
    probe: dict[str, Any],
    layout: BatchLayout,
    name: str,
    quotas: BatchQuotas,
    check: Check,
    tags: Mapping[str, str] | None,
    settings: dict[str, Any],
    spool_dir: str | Path | None,
) -> Flow[MessageBatch]:
    yield Api(CREATE_JOB, probe, send=False)
    bucket = layout.root.bucket
    yield WithS3(lambda s3: s3.check_bucket(bucket))
    parts: list[SubmittedPart] = yield WithS3(
        lambda s3: spool_and_upload(
            requests, s3=s3, layout=layout, model=settings["model"], check=check, quotas=quotas, spool_dir=spool_dir
        )
    )
    arns: list[str] = []
    for part in parts:
        body = create_job_body(
            layout=layout, batch=name, part=part.part, parts=len(parts), records=part.records, tags=tags, **settings
        )
        try:
            answer = yield Api(CREATE_JOB, body)
        except APIError as exc:
            if arns:
                exc.add_note(
                    f"batch {name!r}: the jobs of parts 1 to {len(arns)} of {len(parts)} were created; the same "
                    f"create with job_name={name!r} and the same requests makes only the missing ones"
                )
            raise
        arns.append(answer.job_arn)
    return summarize(name, (yield from _get_jobs(arns)))


def _get_jobs(arns: Iterable[str]) -> Flow[Jobs]:
    jobs: Jobs = []
    for arn in arns:
        answer = yield Api(GET_JOB, {"jobIdentifier": arn})
        jobs.append(answer.to_dict())
    return jobs


def batch_name(batch: object) -> str:
    """The name of `batch` (a batch id, or a `MessageBatch`); a bad id raises naming `batch_id`."""
    if isinstance(batch, MessageBatch):
        return batch.id
    return check_batch_name(batch, "batch_id")


def find_jobs(batch: str | MessageBatch) -> Flow[tuple[str, Jobs]]:
    """The batch's name and its jobs: by GetModelInvocationJob for a whole `MessageBatch` in hand,
    else from a listing of the jobs named after it."""
    name = batch_name(batch)
    if isinstance(batch, MessageBatch) and batch.complete and batch.jobs:
        return name, (yield from _get_jobs(job.arn for job in batch.jobs))
    jobs: Jobs = []
    token: str | None = None
    while True:
        page, response = yield Api(
            LIST_JOBS, {"nameContains": f"{name}-p", "maxResults": 1000, "nextToken": token}, raw=True
        )
        for summary in page.invocation_job_summaries or ():
            job = summary.to_dict()
            named = parse_job_name(str(job.get("jobName", "")))
            if named is not None and named[0] == name:
                jobs.append(job)
        token = page.next_token
        if not token:
            break
    if not jobs:
        raise BatchNotFoundError(name, response)
    return name, jobs


def retrieve_batch(batch: str | MessageBatch) -> Flow[MessageBatch]:
    batch_name(batch)
    return _retrieve(batch)


def _retrieve(batch: str | MessageBatch) -> Flow[MessageBatch]:
    name, jobs = yield from find_jobs(batch)
    return summarize(name, jobs)


def cancel_batch(batch: str | MessageBatch) -> Flow[MessageBatch]:
    batch_name(batch)
    return _cancel(batch)


def _cancel(batch: str | MessageBatch) -> Flow[MessageBatch]:
    name, jobs = yield from find_jobs(batch)
    for job in jobs:
        if job.get("status") in ACTIVE_STATUSES and job.get("status") != "Stopping":
            try:
                yield Api(STOP_JOB, {"jobIdentifier": job["jobArn"]})
            except ConflictError:
                continue  # it ended (or began stopping) since it was read
    return summarize(name, (yield from _get_jobs(job["jobArn"] for job in jobs)))


def list_batches(limit: int | None = None) -> Flow[None]:
    """Every batch of the account and Region, newest first, `limit` jobs read per request."""
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 1000):
        raise ValueError(f"limit must be an integer from 1 to 1000 (jobs per page), got {limit!r}")
    return _list(limit or 1000)


def _list(limit: int) -> Flow[None]:
    pending: dict[str, Jobs] = {}
    token: str | None = None
    while True:
        page = yield Api(LIST_JOBS, {"maxResults": limit, "nextToken": token})
        for summary in page.invocation_job_summaries or ():
            job = summary.to_dict()
            named = parse_job_name(str(job.get("jobName", "")))
            if named is None or parse_token(job.get("clientRequestToken")) is None:
                continue  # not a job this SDK made
            name, _, parts = named
            group = pending.setdefault(name, [])
            group.append(job)
            if len(group) >= parts:  # every job of the batch seen: it is whole
                yield Emit((summarize(name, pending.pop(name)),))
        token = page.next_token
        if not token:
            break
    for name, group in pending.items():
        yield Emit((summarize(name, group),))


def _seconds(name: str, value: object, *, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
        raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
    return float(value)


def wait_batch(
    batch: str | MessageBatch,
    *,
    poll_interval: float = 5.0,
    max_poll_interval: float = 120.0,
    timeout: float | None = None,
) -> Flow[MessageBatch]:
    """Poll until the batch has ended (see `PollPolicy`); `timeout` seconds at most, else no limit."""
    batch_name(batch)
    initial = _seconds("poll_interval", poll_interval)
    maximum = _seconds("max_poll_interval", max_poll_interval)
    assert initial is not None and maximum is not None
    if maximum < initial:
        raise ValueError(f"max_poll_interval ({maximum}) must not be below poll_interval ({initial})")
    return _wait(batch, PollPolicy(initial=initial, maximum=maximum), _seconds("timeout", timeout, optional=True))


def _wait(batch: str | MessageBatch, policy: PollPolicy, timeout: float | None) -> Flow[MessageBatch]:
    started = time.monotonic()
    unchanged = 0
    seen: object = None
    target = batch
    while True:
        name, jobs = yield from find_jobs(target)
        current = summarize(name, jobs)
        target = current if current.complete else name
        yield Progress(current)
        if current.processing_status == "ended":
            return current
        state = (current.processing_status, current.request_counts, tuple(job.status for job in current.jobs))
        unchanged = 0 if state != seen else unchanged + 1
        seen = state
        remaining = None if timeout is None else started + timeout - time.monotonic()
        if remaining is not None and remaining <= 0:
            raise BatchWaitTimeoutError(current, time.monotonic() - started)
        yield Sleep(policy.delay(unchanged, random.random(), remaining))
