"""A batch made by this SDK, seen by AWS's own SDK (botocore's `bedrock` client, the engine under
boto3) against the emulator, and its files read as Bedrock's user guide documents them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest
from botocore.config import Config

from anthropic_bedrock import AnthropicBedrock, MessageBatch
from anthropic_bedrock.emulator import Emulator

from batchkit import MODEL, QUOTAS


def requests(n: int) -> Iterator[dict[str, Any]]:
    for i in range(n):
        yield {
            "custom_id": f"doc-{i}",
            "params": {"max_tokens": 16, "messages": [{"role": "user", "content": f"Summarize document {i}"}]},
        }


@pytest.fixture
def ended(batch_emulator: Emulator) -> Iterator[tuple[AnthropicBedrock, MessageBatch]]:
    emu = batch_emulator
    with AnthropicBedrock(
        aws_access_key=emu.access_key, aws_secret_key=emu.secret_key, aws_region=emu.region, control_base_url=emu.url
    ) as client:
        batch = client.messages.batches.create(
            requests=requests(60),
            model=MODEL,
            role_arn=emu.batch.role_arn,
            s3_prefix=f"s3://{emu.batch.bucket}/interop",
            quotas=QUOTAS,
            job_name="interop",
            tags={"team": "evals"},
        )
        yield client, client.messages.batches.wait(batch, poll_interval=0.05)


def botocore_client(emu: Emulator, service: str) -> Any:
    endpoint = emu.url if service == "bedrock" else emu.s3_url
    return botocore.session.get_session().create_client(
        service,
        endpoint_url=endpoint,
        region_name=emu.region,
        aws_access_key_id=emu.access_key,
        aws_secret_access_key=emu.secret_key,
        config=Config(retries={"total_max_attempts": 1}),
    )


def test_botocore_sees_the_jobs_this_sdk_made(batch_emulator: Emulator, ended: Any) -> None:
    _, batch = ended
    bedrock = botocore_client(batch_emulator, "bedrock")
    job = bedrock.get_model_invocation_job(jobIdentifier=batch.jobs[0].arn)
    assert job["jobName"] == "interop-p0001of0001" and job["status"] == "Completed"
    assert job["modelId"] == MODEL and job["roleArn"] == batch_emulator.batch.role_arn
    assert job["inputDataConfig"]["s3InputDataConfig"] == {
        "s3Uri": f"s3://{batch_emulator.batch.bucket}/interop/interop/input/part-0001/",
        "s3InputFormat": "JSONL",
    }
    assert job["totalRecordCount"] == job["successRecordCount"] == 60
    listed = bedrock.list_model_invocation_jobs(nameContains="interop")["invocationJobSummaries"]
    assert [summary["jobArn"] for summary in listed] == [batch.jobs[0].arn]
    # and botocore can stop what it sees (here: a job that has ended, which Bedrock refuses)
    with pytest.raises(bedrock.exceptions.ConflictException):
        bedrock.stop_model_invocation_job(jobIdentifier=batch.jobs[0].arn)
    assert batch_emulator.signature_failures == 0


def test_the_files_read_as_bedrock_documents_them(batch_emulator: Emulator, ended: Any) -> None:
    client, batch = ended
    s3 = botocore_client(batch_emulator, "s3")
    bucket, job_id = batch_emulator.batch.bucket, batch.jobs[0].arn.rsplit("/", 1)[-1]
    # Input: .jsonl files of {"recordId", "modelInput"} lines, modelInput the InvokeModel body.
    inputs = s3.list_objects_v2(Bucket=bucket, Prefix="interop/interop/input/part-0001/")["Contents"]
    names = [item["Key"].rsplit("/", 1)[-1] for item in inputs]
    assert names == ["records-00001.jsonl", "records-00002.jsonl"]
    first = s3.get_object(Bucket=bucket, Key=inputs[0]["Key"])["Body"].read().decode().splitlines()
    record = json.loads(first[0])
    assert set(record) == {"recordId", "modelInput"} and record["recordId"].isalnum() and len(record["recordId"]) == 11
    assert record["modelInput"]["anthropic_version"] == "bedrock-2023-05-31" and "model" not in record["modelInput"]
    # Output: <input file name>.out per input file, one line per record, and manifest.json.out.
    folder = f"interop/interop/output/part-0001/{job_id}/"
    outputs = sorted(
        item["Key"][len(folder) :] for item in s3.list_objects_v2(Bucket=bucket, Prefix=folder)["Contents"]
    )
    assert outputs == ["manifest.json.out", "records-00001.jsonl.out", "records-00002.jsonl.out"]
    lines = [
        json.loads(line)
        for name in outputs[1:]
        for line in s3.get_object(Bucket=bucket, Key=folder + name)["Body"].read().decode().splitlines()
        if line.strip()
    ]
    assert len(lines) == 60 and all(set(line) == {"recordId", "modelInput", "modelOutput"} for line in lines)
    assert all(line["modelOutput"]["type"] == "message" for line in lines)
    manifest = json.loads(s3.get_object(Bucket=bucket, Key=folder + "manifest.json.out")["Body"].read())
    assert manifest["totalRecordCount"] == manifest["successRecordCount"] == 60
    # The SDK reads the same lines back with each request's custom_id.
    with client.messages.batches.results(batch) as results:
        texts = {item.custom_id: item.result.message.content[0].text for item in results}  # type: ignore[union-attr]
    by_record = {line["recordId"]: line["modelOutput"]["content"][0]["text"] for line in lines}
    assert sorted(texts.values()) == sorted(by_record.values()) and len(texts) == 60
    assert texts["doc-7"].startswith("Summarize document 7")
