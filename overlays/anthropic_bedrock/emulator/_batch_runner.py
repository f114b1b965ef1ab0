"""The emulated batch job runner: a job's life from Submitted to its end, reading and writing S3.

Like Bedrock it validates first (the input location holds `.jsonl` files of JSON records with a
`modelInput` object, within the quotas, and the role may read them), then answers each record with
the same deterministic Messages (or text completions) answer InvokeModel gives, a record whose body
the model refuses getting an `error` line instead, and writes `<output>/<job id>/<file>.out` per
input file and `<output>/<job id>/manifest.json.out`. Output lines come in blocks of 64 written last
first: Bedrock does not keep the input order, and neither does the emulator, so a reader relying on
it fails here too.

`run(job, ...)` is a generator: it yields after each state change and each record, so a thread can
pace it and a test can step it; a stop request or the job's deadline is noticed at the next step.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import IO, Any, Final

from . import _bedrock

__all__ = ["BatchLimits", "Job", "run"]

BLOCK: Final = 64
_END: Final = object()


@dataclass(frozen=True, slots=True)
class BatchLimits:
    """The quotas the emulated service enforces (the published defaults for Claude models)."""

    min_records_per_job: int = 100
    max_records_per_file: int = 50_000
    max_records_per_job: int = 50_000
    max_bytes_per_file: int = 1_000_000_000
    max_bytes_per_job: int = 5_000_000_000
    max_concurrent_jobs: int = 20


@dataclass
class Job:
    """One model invocation job; its fields change under the owner's lock."""

    job_id: str
    arn: str
    request: dict[str, Any]
    submit_time: float
    deadline: float
    status: str = "Submitted"
    message: str | None = None
    last_modified: float = 0.0
    end_time: float | None = None
    total: int | None = None
    processed: int = 0
    success: int = 0
    errors: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    stop_requested: bool = False

    @property
    def input_uri(self) -> str:
        return str(self.request["inputDataConfig"]["s3InputDataConfig"]["s3Uri"])

    @property
    def output_uri(self) -> str:
        return str(self.request["outputDataConfig"]["s3OutputDataConfig"]["s3Uri"])


def _split(uri: str) -> tuple[str, str]:
    bucket, _, key = uri[len("s3://") :].partition("/")
    return bucket, key


class _Failed(Exception):
    """The job fails with this message."""


def run(job: Job, s3: Any, limits: BatchLimits, lock: threading.Lock, clock: Callable[[], float]) -> Iterator[None]:
    """Carry `job` to its end (see the module docstring)."""

    def move(status: str, message: str | None = None) -> None:
        with lock:
            job.status = status
            job.last_modified = clock()
            if message is not None:
                job.message = message
            if status in ("Completed", "PartiallyCompleted", "Failed", "Stopped", "Expired"):
                job.end_time = job.last_modified

    def stopping() -> bool:
        if job.stop_requested:
            move("Stopped")
            return True
        return False

    if stopping():
        return
    move("Validating")
    yield
    try:
        files = _validate(job, s3, limits)
    except _Failed as exc:
        move("Failed", str(exc))
        return
    with lock:
        job.total = sum(records for _, records in files)
    if stopping():
        return
    move("Scheduled")
    yield
    if stopping():
        return
    if clock() > job.deadline:
        move("Expired", "The job was not started before its timeout.")
        return
    move("InProgress")
    yield
    bucket, prefix = _split(job.output_uri)
    folder = "/".join(part for part in (prefix.strip("/"), job.job_id) if part)
    ended: str | None = None
    for key, _ in files:
        with tempfile.SpooledTemporaryFile(max_size=8 << 20) as out:
            records = _answer_file(job, s3, key, out, lock)
            while True:
                # Checked before each record: a stop or the deadline leaves the rest unanswered.
                if job.stop_requested:
                    ended = "Stopped"
                elif clock() > job.deadline:
                    ended = "PartiallyCompleted"
                if ended or next(records, _END) is _END:
                    break
                yield
            records.close()  # writes the last block and gives the input's connection back
            out.seek(0)
            s3.put_object(Bucket=bucket, Key=f"{folder}/{key.rsplit('/', 1)[-1]}.out", Body=out)
        if ended:
            break
    manifest = {
        "totalRecordCount": job.total,
        "processedRecordCount": job.processed,
        "successRecordCount": job.success,
        "errorRecordCount": job.errors,
        "inputTokenCount": job.input_tokens,
        "outputTokenCount": job.output_tokens,
    }
    s3.put_object(Bucket=bucket, Key=f"{folder}/manifest.json.out", Body=json.dumps(manifest).encode())
    move(ended or "Completed")


def _lines(s3: Any, bucket: str, key: str) -> Iterator[bytes]:
    body = s3.get_object(Bucket=bucket, Key=key)["Body"]
    try:
        rest = b""
        while chunk := body.read(1 << 20):
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            yield from lines
        if rest:
            yield rest
    finally:
        body.close()


def _validate(job: Job, s3: Any, limits: BatchLimits) -> list[tuple[str, int]]:
    """The input files and their record counts, or _Failed in words close to Bedrock's."""
    if "denied" in str(job.request.get("roleArn", "")).lower():
        raise _Failed(f"The provided role {job.request['roleArn']} does not have access to the input S3 location.")
    bucket, key = _split(job.input_uri)
    from botocore.exceptions import ClientError

    try:
        if key.endswith(".jsonl"):
            keys = [(key, int(s3.head_object(Bucket=bucket, Key=key)["ContentLength"]))]
        else:
            prefix = key.rstrip("/") + "/" if key.strip("/") else ""
            keys = []
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
                keys += [(o["Key"], int(o["Size"])) for o in page.get("Contents", ()) if o["Key"].endswith(".jsonl")]
        s3.head_bucket(Bucket=_split(job.output_uri)[0])
    except ClientError as exc:
        raise _Failed(
            f"Unable to access the S3 location: {exc.response.get('Error', {}).get('Message', exc)}"
        ) from None
    if not keys:
        raise _Failed(f"No .jsonl files were found at {job.input_uri}.")
    files: list[tuple[str, int]] = []
    size = 0
    for name, length in keys:
        if length > limits.max_bytes_per_file:
            raise _Failed(f"The input file {name} is larger than the quota of {limits.max_bytes_per_file} bytes.")
        size += length
        records = 0
        for number, line in enumerate(_lines(s3, bucket, name), 1):
            if not line.strip():
                continue
            records += 1
            try:
                record = json.loads(line)
            except ValueError:
                record = None
            if not isinstance(record, dict) or not isinstance(record.get("modelInput"), dict):
                raise _Failed(f"Line {number} of {name} is not a JSON object with a modelInput object.")
        if records > limits.max_records_per_file:
            raise _Failed(f"The input file {name} has {records} records; the quota is {limits.max_records_per_file}.")
        files.append((name, records))
    total = sum(records for _, records in files)
    if size > limits.max_bytes_per_job:
        raise _Failed(f"The input files total {size} bytes; the job size quota is {limits.max_bytes_per_job}.")
    if total < limits.min_records_per_job:
        raise _Failed(f"The job has {total} records; the minimum number of records is {limits.min_records_per_job}.")
    if total > limits.max_records_per_job:
        raise _Failed(f"The job has {total} records; the quota is {limits.max_records_per_job}.")
    return files


def _answer_file(job: Job, s3: Any, key: str, out: IO[bytes], lock: threading.Lock) -> Generator[None, None, None]:
    """Answer the records of one input file into `out`; yields after each record."""
    bucket, _ = _split(job.input_uri)
    model_id = str(job.request["modelId"])
    block: list[bytes] = []
    try:
        for line in _lines(s3, bucket, key):
            if not line.strip():
                continue
            record = json.loads(line)
            with lock:
                rid = record.get("recordId")
                if not isinstance(rid, str) or not rid:
                    rid = f"E{job.job_id[:4].upper()}{job.processed:06d}"
            answer, tokens = _answer(model_id, record["modelInput"], job.request.get("modelInvocationType"))
            block.append(json.dumps({"recordId": rid, "modelInput": record["modelInput"], **answer}).encode() + b"\n")
            with lock:
                job.processed += 1
                if "error" in answer:
                    job.errors += 1
                else:
                    job.success += 1
                    job.input_tokens += tokens[0]
                    job.output_tokens += tokens[1]
            if len(block) == BLOCK:
                out.writelines(reversed(block))
                block = []
            yield
    finally:
        out.writelines(reversed(block))


def _answer(model_id: str, body: dict[str, Any], kind: object) -> tuple[dict[str, Any], tuple[int, int]]:
    """The output fields of one record and its (input, output) tokens."""
    if kind == "Converse":
        return {"error": {"errorCode": 400, "errorMessage": "Converse batch records are not emulated."}}, (0, 0)
    try:
        invocation = _bedrock.parse_document(body)
    except _bedrock.BodyError as exc:
        return {"error": {"errorCode": 400, "errorMessage": str(exc)}}, (0, 0)
    result = _bedrock.answer(invocation)
    output = json.loads(_bedrock.invoke_body(invocation, result, model_id))
    return {"modelOutput": output}, (invocation.input_tokens, int(getattr(result, "output_tokens", 0)))
