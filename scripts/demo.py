#!/usr/bin/env python3
"""The first thing to run: a streamed Messages API answer through the SDK from the bundled Bedrock
emulator, then a legacy text completion.

Real HTTP on 127.0.0.1, real SigV4 signatures checked by the emulator, the real binary event
stream; no AWS account needed.
"""

from __future__ import annotations

import sys

from anthropic_bedrock import AI_PROMPT, HUMAN_PROMPT, AnthropicBedrock
from anthropic_bedrock.emulator import emulator

MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"


def main() -> int:
    with emulator() as emu:
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
