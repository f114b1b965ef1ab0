"""The emulated batch control plane and job runner, end to end over a real S3 server (moto) on loopback.

Batches are prepared by the SDK's own core (checker, sharder, spool, S3 transfers), run by the
emulator, and the output is read back twice: by a plain JSONL reader as Bedrock's user guide
documents the files, and by the SDK's results reader (custom_ids mapped back). botocore only, no boto3.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.parsers import RestJSONParser

from anthropic_bedrock._aws.s3 import S3Transfers
from anthropic_bedrock._batch.jobs import create_job_body, summarize
from anthropic_bedrock._batch.layout import BatchLayout, S3Location, job_id_from_arn, job_name
from anthropic_bedrock._batch.quotas import BatchQuotas
from anthropic_bedrock._batch.records import read_id_map
from anthropic_bedrock._batch.results import (
    MessageBatchCanceledResult,
    MessageBatchErroredResult,
    MessageBatchSucceededResult,
    read_results,
)
from anthropic_bedrock._batch.spool import SpooledBatch, spool
from anthropic_bedrock._batch.status import RequestCounts, parse_manifest, request_counts, unanswered_for
from anthropic_bedrock._generated.models.message_request import MessageRequest
from anthropic_bedrock._operations.validation import checker
from anthropic_bedrock.emulator._batch import BatchJobs, BatchLimits
from anthropic_bedrock.emulator._s3server import S3Server
from anthropic_bedrock.types import Message

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
ROLE = "arn:aws:iam::123456789012:role/batch-role"
BUCKET = "batch-bucket"
QUOTAS = BatchQuotas(min_records_per_job=10, max_records_per_file=40, max_records_per_job=100)
LIMITS = BatchLimits(min_records_per_job=10, max_records_per_file=40, max_records_per_job=100)


def sdk_check(params: Mapping[str, Any], where: str) -> dict[str, Any]:
    """What messages.create checks and builds, with places named under `where`."""
    checked = checker(MessageRequest)(dict(params), (None, where))
    return {"anthropic_version": "bedrock-2023-05-31", **checked}


def mixed_requests(n: int) -> Iterator[dict[str, Any]]:
    tools = [{"name": "lookup", "description": "Look a word up.", "input_schema": {"type": "object"}}]
    for i in range(n):
        params: dict[str, Any] = {"max_tokens": 64, "messages": [{"role": "user", "content": f"Echo item {i} please"}]}
        if i % 10 == 3:
            params = {**params, "tools": tools, "tool_choice": {"type": "any"}}
        elif i % 10 == 7:
            params = {**params, "max_tokens": 2048, "thinking": {"type": "enabled", "budget_tokens": 1024}}
        elif i % 10 == 9:
            # passes the SDK's checks, refused by the model: the budget must be below max_tokens
            params = {**params, "max_tokens": 1500, "thinking": {"type": "enabled", "budget_tokens": 1500}}
        yield {"custom_id": f"item-{i}", "params": params}


@pytest.fixture(scope="module")
def server() -> Iterator[S3Server]:
    with S3Server() as s3:
        yield s3


@pytest.fixture
def s3(server: S3Server) -> Iterator[Any]:
    server.reset()
    client = server.client()
    client.create_bucket(Bucket=BUCKET)
    yield client
    client.close()


@pytest.fixture
def jobs(s3: Any) -> Iterator[BatchJobs]:
    emulated = BatchJobs(s3, autorun=False, limits=LIMITS)
    yield emulated
    emulated.close()


def chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as data:
        while chunk := data.read(1 << 16):
            yield chunk


def upload(s3: Any, batch: SpooledBatch, layout: BatchLayout) -> None:
    transfers = S3Transfers(s3)
    for job in batch.jobs:
        for f in job.files:
            transfers.upload(BUCKET, layout.input_file(job.part, f.name).key, chunks(f.path))
            transfers.put_bytes(BUCKET, layout.id_map(job.part, f.name).key, f.id_map_path.read_bytes())


def create(jobs: BatchJobs, layout: BatchLayout, part: int, parts: int, **extra: Any) -> str:
    body = {
        "jobName": job_name(layout.root.key.rsplit("/", 1)[-1], part, parts),
        "roleArn": ROLE,
        "modelId": MODEL,
        "inputDataConfig": {
            "s3InputDataConfig": {"s3Uri": layout.input_folder(part).uri + "/", "s3InputFormat": "JSONL"}
        },
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": layout.output_folder(part).uri + "/"}},
        **extra,
    }
    status, _, answer = jobs.handle("POST", "/model-invocation-job", "", json.dumps(body).encode())
    assert status == 200, answer
    return str(json.loads(answer)["jobArn"])


def get(jobs: BatchJobs, arn: str) -> dict[str, Any]:
    status, _, answer = jobs.handle(
        "GET", "/model-invocation-job/" + arn.replace(":", "%3A").replace("/", "%2F"), "", b""
    )
    assert status == 200
    return dict(json.loads(answer))


def plain_jsonl(s3: Any, key: str) -> list[dict[str, Any]]:
    """Output lines as a user would read them: one JSON object per line."""
    body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
    return [json.loads(line) for line in body.splitlines() if line.strip()]


def test_a_mixed_batch_runs_through_every_state_and_reads_back(tmp_path: Path, s3: Any, jobs: BatchJobs) -> None:
    batch = spool(mixed_requests(120), directory=tmp_path, model=MODEL, check=sdk_check, quotas=QUOTAS)
    assert [(j.part, j.records, len(j.files)) for j in batch.jobs] == [(1, 100, 3), (2, 20, 1)]
    layout = BatchLayout.under(S3Location.parse("s3://batch-bucket/runs"), "b1")
    upload(s3, batch, layout)
    arns = [create(jobs, layout, part, 2) for part in (1, 2)]
    job_id = job_id_from_arn(arns[0])
    assert get(jobs, arns[0])["status"] == "Submitted"
    assert [jobs.advance(job_id) for _ in range(3)] == ["Validating", "Scheduled", "InProgress"]
    assert request_counts(get(jobs, arns[0]), expected=100).processing == 100
    assert jobs.finish(job_id) == "Completed" and jobs.finish(job_id_from_arn(arns[1])) == "Completed"

    described = get(jobs, arns[0])
    assert described["totalRecordCount"] == 100 and described["processedRecordCount"] == 100
    assert described["successRecordCount"] == 90 and described["errorRecordCount"] == 10

    # As Bedrock documents the output: <input>.out per input file, and manifest.json.out.
    keys = sorted(
        o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=f"runs/b1/output/part-0001/{job_id}/")["Contents"]
    )
    assert [k.rsplit("/", 1)[-1] for k in keys] == [
        "manifest.json.out",
        "records-00001.jsonl.out",
        "records-00002.jsonl.out",
        "records-00003.jsonl.out",
    ]
    manifest = parse_manifest(s3.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read())
    assert (manifest.total_record_count, manifest.success_record_count, manifest.error_record_count) == (100, 90, 10)
    assert manifest.input_token_count > 0 and manifest.output_token_count > 0
    lines = plain_jsonl(s3, keys[1])
    assert len(lines) == 40
    assert [line["recordId"] for line in lines] != sorted(line["recordId"] for line in lines)  # no order promised
    by_id = {line["recordId"]: line for line in lines}
    assert by_id["R0000000000"]["modelOutput"]["content"][0]["text"].startswith("Echo item 0")
    assert by_id["R0000000003"]["modelOutput"]["stop_reason"] == "tool_use"
    assert by_id["R0000000007"]["modelOutput"]["content"][0]["type"] == "thinking"
    assert (
        by_id["R0000000009"]["error"]["errorCode"] == 400
        and "budget_tokens" in by_id["R0000000009"]["error"]["errorMessage"]
    )
    assert by_id["R0000000009"]["modelInput"]["thinking"]["budget_tokens"] == 1500

    # Through the SDK's reader: custom_ids come back, results in anthropic's shapes.
    results = []
    for part, arn in zip((1, 2), arns, strict=True):
        for f in batch.jobs[part - 1].files:
            ids = read_id_map(s3.get_object(Bucket=BUCKET, Key=layout.id_map(part, f.name).key)["Body"].iter_lines())
            out = layout.output_file(part, job_id_from_arn(arn), f.name).key
            body = s3.get_object(Bucket=BUCKET, Key=out)["Body"]
            results += list(
                read_results(body.iter_lines(), ids, Message.from_dict, unanswered=unanswered_for("Completed"))
            )
    assert sorted(r.custom_id for r in results) == sorted(f"item-{i}" for i in range(120))
    by_custom = {r.custom_id: r.result for r in results}
    tool = by_custom["item-13"]
    assert isinstance(tool, MessageBatchSucceededResult) and tool.message.content[0].type == "tool_use"
    refused = by_custom["item-19"]
    assert isinstance(refused, MessageBatchErroredResult) and refused.error.error.type == "invalid_request_error"


def test_stopping_mid_run_keeps_what_was_answered(tmp_path: Path, s3: Any, jobs: BatchJobs) -> None:
    batch = spool(mixed_requests(30), directory=tmp_path, model=MODEL, check=sdk_check, quotas=QUOTAS)
    layout = BatchLayout.under(S3Location.parse("s3://batch-bucket/runs"), "b2")
    upload(s3, batch, layout)
    arn = create(jobs, layout, 1, 1)
    job_id = job_id_from_arn(arn)
    assert jobs.advance(job_id, 3 + 12) == "InProgress"
    status, _, body = jobs.handle("POST", f"/model-invocation-job/{job_id}/stop", "", b"")
    assert (status, body) == (200, b"{}")
    assert get(jobs, arn)["status"] == "Stopping"
    assert jobs.finish(job_id) == "Stopped"
    described = get(jobs, arn)
    assert described["processedRecordCount"] == 12 and "endTime" in described
    counts = request_counts(described, expected=30)
    assert counts.canceled == 18 and counts.succeeded + counts.errored == 12
    out = plain_jsonl(s3, layout.output_file(1, job_id, "records-00001.jsonl").key)
    assert len(out) == 12
    ids = read_id_map(batch.jobs[0].files[0].id_map_path.read_bytes().splitlines())
    lines = [json.dumps(line).encode() for line in out]
    results = list(read_results(lines, ids, Message.from_dict, unanswered=unanswered_for("Stopped")))
    assert sum(isinstance(r.result, MessageBatchCanceledResult) for r in results) == 18
    status, headers, body = jobs.handle("POST", f"/model-invocation-job/{job_id}/stop", "", b"")
    assert status == 400 and ("x-amzn-errortype", "ConflictException") in headers


def test_validation_failures_fail_the_job(tmp_path: Path, s3: Any, jobs: BatchJobs) -> None:
    layout = BatchLayout.under(S3Location.parse("s3://batch-bucket/runs"), "b3")
    lines = b"".join(
        json.dumps({"recordId": f"R{i:010d}", "modelInput": {"max_tokens": 1}}).encode() + b"\n" for i in range(5)
    )
    s3.put_object(Bucket=BUCKET, Key=layout.input_file(1, "records-00001.jsonl").key, Body=lines)
    arn = create(jobs, layout, 1, 1)
    assert jobs.finish(job_id_from_arn(arn)) == "Failed"
    assert "the minimum number of records is 10" in get(jobs, arn)["message"]
    denied = create(jobs, layout, 1, 1, roleArn="arn:aws:iam::123456789012:role/denied-role")
    assert jobs.finish(job_id_from_arn(denied)) == "Failed" and "does not have access" in get(jobs, denied)["message"]


def test_a_job_past_its_timeout_expires_or_ends_partially(tmp_path: Path, s3: Any) -> None:
    now = [1_700_000_000.0]
    emulated = BatchJobs(s3, autorun=False, clock=lambda: now[0], limits=LIMITS)
    batch = spool(mixed_requests(30), directory=tmp_path, model=MODEL, check=sdk_check, quotas=QUOTAS)
    layout = BatchLayout.under(S3Location.parse("s3://batch-bucket/runs"), "b4")
    upload(s3, batch, layout)
    first = job_id_from_arn(create(emulated, layout, 1, 1, timeoutDurationInHours=24))
    second = job_id_from_arn(create(emulated, layout, 1, 1, timeoutDurationInHours=24))
    assert emulated.advance(first, 2) == "Scheduled" and emulated.advance(second, 3 + 5) == "InProgress"
    now[0] += 25 * 3600
    assert emulated.finish(first) == "Expired"
    assert emulated.finish(second) == "PartiallyCompleted"
    assert emulated.job(second).processed == 5


def test_create_is_checked_in_bedrocks_words(jobs: BatchJobs) -> None:
    def create_raw(body: dict[str, Any]) -> tuple[int, dict[str, str], str]:
        status, headers, answer = jobs.handle("POST", "/model-invocation-job", "", json.dumps(body).encode())
        return status, dict(headers), json.loads(answer).get("message", "")

    status, headers, message = create_raw({"jobName": "bad name!", "modelId": MODEL, "timeoutDurationInHours": 200})
    assert status == 400 and headers["x-amzn-errortype"] == "ValidationException"
    assert message.startswith(
        "5 validation errors detected: Value 'bad name!' at 'jobName' failed to satisfy constraint: "
    )
    assert "Value null at 'roleArn' failed to satisfy constraint: Member must not be null" in message
    assert "Value null at 'inputDataConfig' failed to satisfy constraint: Member must not be null" in message
    assert (
        "Value '200' at 'timeoutDurationInHours' failed to satisfy constraint: Member must have value less than or equal to 168"
        in message
    )
    good = {
        "jobName": "ok",
        "roleArn": ROLE,
        "modelId": MODEL,
        "inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://batch-bucket/in/"}},
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://batch-bucket/out/"}},
    }
    assert create_raw({**good, "modelId": "anthropic.nonexistent-v1"})[0] == 404
    first = jobs.handle(
        "POST", "/model-invocation-job", "", json.dumps({**good, "clientRequestToken": "tok1"}).encode()
    )
    again = jobs.handle(
        "POST", "/model-invocation-job", "", json.dumps({**good, "clientRequestToken": "tok1"}).encode()
    )
    assert first[0] == again[0] == 200 and first[2] == again[2]
    assert jobs.handle("GET", "/model-invocation-job/abcdefabcdef", "", b"")[0] == 404
    assert jobs.handle("DELETE", "/model-invocation-job", "", b"")[0] == 404


def test_the_concurrent_jobs_quota(s3: Any) -> None:
    emulated = BatchJobs(s3, autorun=False, limits=BatchLimits(max_concurrent_jobs=2))
    layout = BatchLayout.under(S3Location.parse("s3://batch-bucket/runs"), "b5")
    create(emulated, layout, 1, 1)
    create(emulated, layout, 1, 1)
    status, headers, _ = emulated.handle(
        "POST",
        "/model-invocation-job",
        "",
        json.dumps(
            {
                "jobName": "third",
                "roleArn": ROLE,
                "modelId": MODEL,
                "inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://batch-bucket/in/"}},
                "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://batch-bucket/out/"}},
            }
        ).encode(),
    )
    assert status == 400 and dict(headers)["x-amzn-errortype"] == "ServiceQuotaExceededException"


def test_list_pages_and_filters(jobs: BatchJobs) -> None:
    layout = BatchLayout.under(S3Location.parse("s3://batch-bucket/runs"), "b6")
    arns = [create(jobs, layout, part, 5) for part in range(1, 6)]
    jobs.handle("POST", f"/model-invocation-job/{job_id_from_arn(arns[1])}/stop", "", b"")
    seen: list[str] = []
    token = ""
    while True:
        query = "maxResults=2&sortOrder=Ascending" + (f"&nextToken={token}" if token else "")
        status, _, body = jobs.handle("GET", "/model-invocation-jobs", query, b"")
        page = json.loads(body)
        assert status == 200 and len(page["invocationJobSummaries"]) <= 2
        seen += [job["jobArn"] for job in page["invocationJobSummaries"]]
        token = page.get("nextToken", "")
        if not token:
            break
    assert seen == arns
    stopping = json.loads(jobs.handle("GET", "/model-invocation-jobs", "statusEquals=Stopping", b"")[2])
    assert [job["jobArn"] for job in stopping["invocationJobSummaries"]] == [arns[1]]
    named = json.loads(jobs.handle("GET", "/model-invocation-jobs", "nameContains=p0003", b"")[2])
    assert [job["jobName"] for job in named["invocationJobSummaries"]] == ["b6-p0003of0005"]
    assert jobs.handle("GET", "/model-invocation-jobs", "maxResults=0", b"")[0] == 400


def test_answers_parse_with_botocores_bedrock_model(jobs: BatchJobs) -> None:
    """The JSON the emulator answers has the shapes botocore's `bedrock` client expects."""
    model = botocore.session.Session().get_service_model("bedrock")
    layout = BatchLayout.under(S3Location.parse("s3://batch-bucket/runs"), "b7")
    arn = create(jobs, layout, 1, 1, clientRequestToken="abc123", tags=[{"key": "team", "value": "ml"}])
    for operation, (method, path, query) in {
        "GetModelInvocationJob": ("GET", f"/model-invocation-job/{job_id_from_arn(arn)}", ""),
        "ListModelInvocationJobs": ("GET", "/model-invocation-jobs", "maxResults=1"),
    }.items():
        status, headers, body = jobs.handle(method, path, query, b"")
        response = AWSResponse("http://emulator", status, dict(headers), None)  # type: ignore[arg-type]
        parsed = RestJSONParser().parse(
            {"status_code": status, "headers": response.headers, "body": body},
            model.operation_model(operation).output_shape,
        )
        job = parsed if operation == "GetModelInvocationJob" else parsed["invocationJobSummaries"][0]
        assert job["jobArn"] == arn and job["status"] == "Submitted"
        assert job["submitTime"].year >= 2024 and job["clientRequestToken"] == "abc123"


def test_jobs_run_by_themselves_in_autorun_mode(tmp_path: Path, s3: Any) -> None:
    emulated = BatchJobs(s3, limits=LIMITS)  # a thread per job, no pacing
    try:
        batch = spool(mixed_requests(12), directory=tmp_path, model=MODEL, check=sdk_check, quotas=QUOTAS)
        layout = BatchLayout.under(S3Location.parse("s3://batch-bucket/runs"), "b8")
        upload(s3, batch, layout)
        arn = create(emulated, layout, 1, 1)
        for thread in list(emulated._threads):
            thread.join(timeout=60)
        described = get(emulated, arn)
        assert described["status"] == "Completed" and described["successRecordCount"] == 11
    finally:
        emulated.close()


def test_a_batch_of_two_jobs_is_summarized_in_anthropics_shape(tmp_path: Path, s3: Any, jobs: BatchJobs) -> None:
    batch = spool(mixed_requests(120), directory=tmp_path, model=MODEL, check=sdk_check, quotas=QUOTAS)
    layout = BatchLayout.under(S3Location.parse("s3://batch-bucket/runs"), "b9")
    upload(s3, batch, layout)
    arns = []
    for job in batch.jobs:
        body = create_job_body(
            layout=layout, batch="b9", part=job.part, parts=2, records=job.records, model=MODEL, role_arn=ROLE,
            timeout_hours=24, tags={"team": "ml"},
        )  # fmt: skip
        status, _, answer = jobs.handle("POST", "/model-invocation-job", "", json.dumps(body).encode())
        assert status == 200
        arns.append(json.loads(answer)["jobArn"])
    summary = summarize("b9", [get(jobs, arn) for arn in arns])
    assert summary.processing_status == "in_progress" and summary.complete
    assert summary.request_counts == RequestCounts(processing=120)  # counted from the tokens before Bedrock counts
    jobs.finish(job_id_from_arn(arns[0]))
    jobs.handle("POST", f"/model-invocation-job/{job_id_from_arn(arns[1])}/stop", "", b"")
    summary = summarize("b9", [get(jobs, arn) for arn in arns])
    assert summary.processing_status == "canceling" and summary.cancel_initiated_at is not None
    jobs.finish(job_id_from_arn(arns[1]))
    summary = summarize("b9", [get(jobs, arn) for arn in arns])
    assert summary.processing_status == "ended" and summary.ended_at is not None
    assert summary.request_counts == RequestCounts(succeeded=90, errored=10, canceled=20)
    assert [(job.part, job.status, job.arn) for job in summary.jobs] == [
        (1, "Completed", arns[0]),
        (2, "Stopped", arns[1]),
    ]
