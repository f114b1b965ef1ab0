"""The emulated Bedrock control plane for batch inference: model invocation jobs and their state.

Four operations, as botocore's `bedrock` model describes them (rest-json on the control-plane host,
SigV4 signing name `bedrock`): ``POST /model-invocation-job`` (CreateModelInvocationJob),
``GET /model-invocation-job/{jobIdentifier}``, ``POST /model-invocation-job/{jobIdentifier}/stop``
and ``GET /model-invocation-jobs`` (paginated with ``maxResults`` / ``nextToken``; filters
``statusEquals``, ``nameContains``, ``submitTimeAfter``, ``submitTimeBefore``; ``sortOrder``).

`BatchJobs.handle(method, path, query, body) -> (status, headers, body)` answers one request; the
HTTP server routes to it after checking the signature, and adds the request id. Jobs move through
Submitted, Validating, Scheduled, InProgress and Completed (or PartiallyCompleted, Failed, Stopping,
Stopped, Expired), driven by a thread per job (`pace` seconds per step) or, with `autorun=False`, by
the test calling `advance`. A `clientRequestToken` seen before answers the job it created; more
jobs of one model than `max_concurrent_jobs` submitted or running is a ServiceQuotaExceededException.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, unquote

from . import _batch_runner
from ._batch_check import CheckError, check_create, check_list
from ._batch_runner import BatchLimits, Job
from ._errors import error_response

__all__ = ["BatchJobs", "BatchLimits", "Job"]

Answer = tuple[int, list[tuple[str, str]], bytes]
_ENDED = frozenset({"Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired"})
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def _time(moment: float | None) -> str | None:
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse_time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _json(status: int, document: object) -> Answer:
    return status, [("content-type", "application/json")], json.dumps(document).encode()


def _error(status: int, error_type: str, message: str) -> Answer:
    headers, body = error_response(error_type, message)
    return status, headers, body


class BatchJobs:
    """The jobs of one emulated account and Region, and the answers to the four operations."""

    def __init__(
        self,
        s3: Any,
        *,
        region: str = "us-east-1",
        account: str = "123456789012",
        limits: BatchLimits | None = None,
        autorun: bool = True,
        pace: float = 0.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.s3 = s3
        self.region = region
        self.account = account
        self.limits = limits or BatchLimits()
        self.autorun = autorun
        self.pace = pace
        self.clock = clock
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._runs: dict[str, Iterator[None]] = {}
        self._tokens: dict[str, str] = {}
        self._threads: list[threading.Thread] = []
        self._closed = threading.Event()

    # -- the operations ------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: str, body: bytes) -> Answer:
        """Answer one control-plane request (`path` as sent, percent-encoded; `query` without `?`)."""
        parts = path.strip("/").split("/")
        if parts == ["model-invocation-job"] and method == "POST":
            return self._create(body)
        if parts == ["model-invocation-jobs"] and method == "GET":
            return self._list(dict(parse_qsl(query, keep_blank_values=True)))
        if len(parts) == 2 and parts[0] == "model-invocation-job" and method == "GET":
            return self._get(unquote(parts[1]))
        if len(parts) == 3 and parts[0] == "model-invocation-job" and parts[2] == "stop" and method == "POST":
            return self._stop(unquote(parts[1]))
        return _error(404, "UnknownOperationException", "Unknown operation")

    def _create(self, body: bytes) -> Answer:
        try:
            document = check_create(json.loads(body or b"{}"))
        except ValueError:
            return _error(400, "ValidationException", "Malformed request body: it is not JSON.")
        except CheckError as exc:
            return _error(400, "ValidationException", str(exc))
        model = str(document["modelId"]).lower()
        if "nonexistent" in model or not ("anthropic" in model or "claude" in model or model.startswith("arn:")):
            return _error(
                404, "ResourceNotFoundException", "Could not resolve the foundation model from the model identifier."
            )
        with self._lock:
            token = document.get("clientRequestToken")
            if token is not None and token in self._tokens:
                return _json(200, {"jobArn": self._jobs[self._tokens[token]].arn})
            active = sum(
                1
                for job in self._jobs.values()
                if job.status not in _ENDED and job.request["modelId"] == document["modelId"]
            )
            if active >= self.limits.max_concurrent_jobs:
                return _error(
                    400,
                    "ServiceQuotaExceededException",
                    f"The number of submitted and in-progress batch inference jobs for {document['modelId']} "
                    f"has reached its quota of {self.limits.max_concurrent_jobs}.",
                )
            job_id = "".join(secrets.choice(_ID_ALPHABET) for _ in range(12))
            now = self.clock()
            # botocore's model gives no default timeout; the emulator takes 72 hours.
            hours = int(document.get("timeoutDurationInHours") or 72)
            job = Job(
                job_id=job_id,
                arn=f"arn:aws:bedrock:{self.region}:{self.account}:model-invocation-job/{job_id}",
                request=dict(document),
                submit_time=now,
                deadline=now + hours * 3600,
                last_modified=now,
            )
            self._jobs[job_id] = job
            if token is not None:
                self._tokens[token] = job_id
            self._runs[job_id] = _batch_runner.run(job, self.s3, self.limits, self._lock, self.clock)
        if self.autorun:
            thread = threading.Thread(target=self._drive, args=(job_id,), name=f"batch-job-{job_id}", daemon=True)
            self._threads.append(thread)
            thread.start()
        return _json(200, {"jobArn": job.arn})

    def _find(self, identifier: str) -> Job | None:
        job_id = identifier.rsplit("/", 1)[-1] if identifier.startswith("arn:") else identifier
        return self._jobs.get(job_id)

    def _get(self, identifier: str) -> Answer:
        with self._lock:
            job = self._find(identifier)
            if job is None:
                return _error(404, "ResourceNotFoundException", f"The job {identifier} was not found.")
            return _json(200, self.describe(job))

    def _stop(self, identifier: str) -> Answer:
        with self._lock:
            job = self._find(identifier)
            if job is None:
                return _error(404, "ResourceNotFoundException", f"The job {identifier} was not found.")
            if job.status in _ENDED or job.status == "Stopping":
                return _error(400, "ConflictException", f"The job is {job.status} and cannot be stopped.")
            job.stop_requested = True
            job.status = "Stopping"
            job.last_modified = self.clock()
        return _json(200, {})

    def _list(self, query: dict[str, str]) -> Answer:
        try:
            checked = check_list(query)
            after = _parse_time(query["submitTimeAfter"]) if "submitTimeAfter" in query else None
            before = _parse_time(query["submitTimeBefore"]) if "submitTimeBefore" in query else None
            start = int(base64.urlsafe_b64decode(query["nextToken"]).decode()) if "nextToken" in query else 0
        except CheckError as exc:
            return _error(400, "ValidationException", str(exc))
        except ValueError:
            return _error(400, "ValidationException", "Invalid nextToken or timestamp.")
        size = checked["maxResults"] or 1000
        with self._lock:
            jobs = [
                job
                for job in self._jobs.values()
                if (query.get("statusEquals") in (None, job.status))
                and (query.get("nameContains") is None or query["nameContains"] in job.request["jobName"])
                and (after is None or job.submit_time > after)
                and (before is None or job.submit_time < before)
            ]
            jobs.sort(key=lambda job: job.submit_time, reverse=query.get("sortOrder", "Descending") == "Descending")
            page = [self.describe(job) for job in jobs[start : start + size]]
        answer: dict[str, Any] = {"invocationJobSummaries": page}
        if start + size < len(jobs):
            answer["nextToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
        return _json(200, answer)

    def describe(self, job: Job) -> dict[str, Any]:
        """The job as GetModelInvocationJob answers it (call with the lock held)."""
        request = job.request
        fields: dict[str, Any] = {
            "jobArn": job.arn,
            "jobName": request["jobName"],
            "modelId": request["modelId"],
            "clientRequestToken": request.get("clientRequestToken"),
            "roleArn": request["roleArn"],
            "status": job.status,
            "message": job.message,
            "submitTime": _time(job.submit_time),
            "lastModifiedTime": _time(job.last_modified),
            "endTime": _time(job.end_time),
            "inputDataConfig": request["inputDataConfig"],
            "outputDataConfig": request["outputDataConfig"],
            "vpcConfig": request.get("vpcConfig"),
            "timeoutDurationInHours": request.get("timeoutDurationInHours"),
            "jobExpirationTime": _time(job.deadline),
            "modelInvocationType": request.get("modelInvocationType"),
        }
        if job.total is not None:
            fields.update(
                totalRecordCount=job.total,
                processedRecordCount=job.processed,
                successRecordCount=job.success,
                errorRecordCount=job.errors,
            )
        return {key: value for key, value in fields.items() if value is not None}

    # -- running -------------------------------------------------------------------------------

    def _drive(self, job_id: str) -> None:
        run = self._runs[job_id]
        for _ in run:
            if self._closed.wait(self.pace) if self.pace else self._closed.is_set():
                return

    def advance(self, job_id: str, steps: int = 1) -> str:
        """Move a job on by `steps` (with `autorun=False`); returns its status."""
        run = self._runs[job_id]
        for _ in range(steps):
            if next(run, StopIteration) is StopIteration:
                break
        with self._lock:
            return self._jobs[job_id].status

    def finish(self, job_id: str) -> str:
        """Run a job (with `autorun=False`) to its end; returns its final status."""
        for _ in self._runs[job_id]:
            pass
        with self._lock:
            return self._jobs[job_id].status

    def job(self, identifier: str) -> Job:
        """A job by ARN or id (for tests)."""
        with self._lock:
            job = self._find(identifier)
        if job is None:
            raise KeyError(identifier)
        return job

    def close(self) -> None:
        """Stop driving jobs (they stay where they are)."""
        self._closed.set()
        for thread in self._threads:
            thread.join(timeout=10)
