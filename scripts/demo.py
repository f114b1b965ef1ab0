#!/usr/bin/env python3
"""The first thing to run: a streamed Messages API answer through the SDK from the bundled Bedrock
emulator, a legacy text completion, then a batch of a few hundred requests run as Bedrock batch
inference jobs.

Real HTTP on 127.0.0.1, real SigV4 signatures checked by the emulator, the real binary event
stream, a real S3-compatible server (moto) for the batch files; no AWS account needed.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterator
from typing import Any

from anthropic_bedrock import AI_PROMPT, HUMAN_PROMPT, AnthropicBedrock, MessageBatch
from anthropic_bedrock.emulator import Emulator, emulator

MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"


def main() -> int:
    with emulator(s3=True, batch_pace=0.002) as emu:
        print(f"emulator listening on {emu.url} (SigV4 checked against its test keys)\n", file=sys.stderr)
        with AnthropicBedrock(
            aws_access_key=emu.access_key,
            aws_secret_key=emu.secret_key,
            aws_region=emu.region,
            base_url=emu.url,
        ) as client:
            print(f"messages.stream -> {MODEL}")
            with client.messages.stream(
                model=MODEL,
                max_tokens=40,
                system="Answer in one paragraph.",
                messages=[{"role": "user", "content": "Tell me how a streamed answer travels from Bedrock to Python."}],
                # Ask the emulator to pace its events so they visibly arrive one by one.
                extra_headers={"x-emulator-fault": "pace=40"},
            ) as stream:
                for text in stream.text_stream:
                    print(text, end="", flush=True)
                message = stream.get_final_message()
            print(
                f"\n\nstop_reason={message.stop_reason!r} usage={message.usage.to_dict()} request_id={stream.request_id}"
            )

            completion = client.completions.create(
                model="anthropic.claude-v2",
                prompt=f"{HUMAN_PROMPT} And the legacy text completions API?{AI_PROMPT}",
                max_tokens_to_sample=12,
            )
            print(f"\ncompletions.create -> anthropic.claude-v2\n{completion.completion.strip()}")
            print(f"stop_reason={completion.stop_reason!r}")
        batch_demo(emu)
    return 0


def batch_requests(count: int) -> Iterator[dict[str, Any]]:
    """Requests from a generator: plain questions, a tool call every tenth, extended thinking."""
    tools = [{"name": "lookup", "description": "Look a word up.", "input_schema": {"type": "object"}}]
    for i in range(count):
        params: dict[str, Any] = {"max_tokens": 24, "messages": [{"role": "user", "content": f"Classify ticket {i}"}]}
        if i % 10 == 3:
            params.update(tools=tools, tool_choice={"type": "any"})
        elif i % 10 == 7:
            params.update(max_tokens=2048, thinking={"type": "enabled", "budget_tokens": 1024})
        yield {"custom_id": f"ticket-{i}", "params": params}


def batch_demo(emu: Emulator) -> None:
    # botocore (and with it the SDK's S3 transfers) finds S3 through its own setting; on AWS, unset.
    os.environ["AWS_ENDPOINT_URL_S3"] = emu.s3_url
    with AnthropicBedrock(
        aws_access_key=emu.access_key,
        aws_secret_key=emu.secret_key,
        aws_region=emu.region,
        control_base_url=emu.url,  # Bedrock's control plane (bedrock.{region}) runs the batch jobs
    ) as client:
        print(f"\nmessages.batches.create -> 300 requests, s3://{emu.batch.bucket}/demo")
        batch = client.messages.batches.create(
            requests=batch_requests(300),
            model=MODEL,
            role_arn=emu.batch.role_arn,
            s3_prefix=f"s3://{emu.batch.bucket}/demo",
            # Small files and jobs, to show a batch cut to fit its quotas (the defaults take 50,000 a job).
            quotas={"max_records_per_file": 100, "max_records_per_job": 200},
        )
        print(f"{batch.id}: {len(batch.jobs)} jobs of {[job.records for job in batch.jobs]} requests")

        def report(view: MessageBatch) -> None:
            counts = view.request_counts
            print(f"  {view.processing_status}: {counts.total - counts.processing}/{counts.total} done")

        ended = client.messages.batches.wait(batch, poll_interval=0.25, on_progress=report)
        kinds: Counter[str] = Counter()
        stops: Counter[str] = Counter()
        example = ""
        with client.messages.batches.results(ended) as results:
            for item in results:
                kinds[item.result.type] += 1
                if item.result.type == "succeeded":
                    message = item.result.message
                    stops[str(message.stop_reason)] += 1
                    if item.custom_id == "ticket-0" and message.content[0].type == "text":
                        example = message.content[0].text
        print(f"results: {dict(kinds)}; stop reasons: {dict(stops)}")
        print(f"ticket-0 -> {example!r}")


if __name__ == "__main__":
    sys.exit(main())
