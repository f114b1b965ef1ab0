#!/usr/bin/env python3
"""The first thing to run: stream a completion through the SDK from the bundled Bedrock emulator.

Real HTTP on 127.0.0.1, real SigV4 signatures checked by the emulator, the real binary event
stream; no AWS account needed.
"""

from __future__ import annotations

import sys

from anthropic_bedrock import AI_PROMPT, HUMAN_PROMPT, AnthropicBedrock
from anthropic_bedrock.emulator import emulator


def main() -> int:
    with emulator() as emu:
        print(f"emulator listening on {emu.url} (SigV4 checked against its test keys)\n", file=sys.stderr)
        with AnthropicBedrock(
            aws_access_key=emu.access_key,
            aws_secret_key=emu.secret_key,
            aws_region=emu.region,
            base_url=emu.url,
        ) as client:
            stream = client.completions.create(
                model="anthropic.claude-v2",
                prompt=f"{HUMAN_PROMPT} Tell me how a streamed completion travels from Bedrock to Python.{AI_PROMPT}",
                max_tokens_to_sample=40,
                stream=True,
                # Ask the emulator to pace its chunks so they visibly arrive one by one.
                extra_headers={"x-emulator-fault": "pace=40"},
            )
            with stream:
                for chunk in stream:
                    print(chunk.completion, end="", flush=True)
            last = stream.last_chunk
            print(f"\n\nstop_reason={last.stop_reason if last else None!r} request_id={stream.request_id}")
            if last is not None and last.amazon_bedrock_invocation_metrics:
                print(f"metrics={last.amazon_bedrock_invocation_metrics.to_dict()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
