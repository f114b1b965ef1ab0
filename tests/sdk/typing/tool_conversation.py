"""A user program: a tool conversation built from plain dicts, checked by `mypy --strict`.

It is type-checked, not run, by tests/sdk/test_typing.py; the same code works with `anthropic`'s types.
"""

from __future__ import annotations

import json

from anthropic_bedrock import AnthropicBedrock
from anthropic_bedrock.types import MessageParam, TextBlock, ToolParam, ToolResultBlockParam, ToolUseBlock

client = AnthropicBedrock(aws_region="us-east-1")
MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"

tools: list[ToolParam] = [
    {
        "name": "get_weather",
        "description": "The current weather in a city.",
        "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        "cache_control": {"type": "ephemeral"},
    }
]
messages: list[MessageParam] = [
    {"role": "user", "content": [{"type": "text", "text": "What is the weather in Paris?"}]},
]

first = client.messages.create(
    model=MODEL,
    max_tokens=1024,
    system=[{"type": "text", "text": "Use the tools.", "cache_control": {"type": "ephemeral", "ttl": "1h"}}],
    tools=tools,
    tool_choice={"type": "any", "disable_parallel_tool_use": True},
    thinking={"type": "enabled", "budget_tokens": 2048},
    messages=messages,
)
results: list[ToolResultBlockParam] = []
for block in first.content:
    if isinstance(block, ToolUseBlock):
        city = str(block.input["city"])
        results.append({"type": "tool_result", "tool_use_id": block.id, "content": f"Sunny in {city}"})
messages.append({"role": "assistant", "content": first.content})  # the answer's blocks go back as they came
messages.append({"role": "user", "content": results})

second = client.messages.create(model=MODEL, max_tokens=512, messages=messages, stop_sequences=["END"])
texts: list[str] = [block.text for block in second.content if isinstance(block, TextBlock)]
tokens: int = second.usage.input_tokens + second.usage.output_tokens
reason: str | None = second.stop_reason

with client.messages.stream(model=MODEL, max_tokens=64, messages=messages) as stream:
    for text in stream.text_stream:
        print(text, end="")
    final = stream.get_final_message()

count = client.messages.count_tokens(model=MODEL, messages=messages, tools=tools)
print(json.dumps(final.model_dump()), count.input_tokens, texts, tokens, reason)
