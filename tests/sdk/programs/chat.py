"""A chat loop: each line of stdin is a user turn, the answer streams back, the history grows with
the answer's own blocks."""

import sys

from anthropic import AnthropicBedrock
from anthropic.types import MessageParam

client = AnthropicBedrock()
history: list[MessageParam] = []

for line in sys.stdin:
    history.append({"role": "user", "content": line.strip()})
    with client.messages.stream(
        model="us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        max_tokens=6,
        system="You are a terse assistant.",
        messages=history,
    ) as stream:
        print("> ", end="")
        for text in stream.text_stream:
            print(text, end="", flush=True)
        print()
    answer = stream.get_final_message()
    history.append({"role": "assistant", "content": answer.content})
    print(f"[{answer.stop_reason}, {answer.usage.input_tokens} in, {answer.usage.output_tokens} out]")
print(len(history), "turns")
