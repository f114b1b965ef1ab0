"""A user program: answers and streams read kind by kind, narrowing on `type` with no cast.

It is type-checked, not run, by tests/test_typing_readme.py (mypy and pyright, both strict); the
same code type-checks with `anthropic`'s types.
"""

from __future__ import annotations

import asyncio

from anthropic_bedrock import AnthropicBedrock, AsyncAnthropicBedrock
from anthropic_bedrock.types import ContentBlock, Message, MessageParam, MessageStreamEvent

MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
messages: list[MessageParam] = [{"role": "user", "content": "Hello"}]


def describe(block: ContentBlock) -> str:
    if block.type == "text":
        return block.text
    if block.type == "tool_use":
        return f"{block.name}({block.input}) as {block.id}"
    if block.type == "thinking":
        return block.thinking[:20] + block.signature[:4]
    return f"<{block.type}>"  # redacted thinking, and at run time any kind added to the API later


def on_event(event: MessageStreamEvent, out: list[str]) -> None:
    if event.type == "message_start":
        out.append(event.message.id)
    elif event.type == "content_block_start" and event.content_block.type == "tool_use":
        out.append(event.content_block.name)
    elif event.type == "content_block_delta":
        if event.delta.type == "text_delta":
            out.append(event.delta.text)
        elif event.delta.type == "input_json_delta":
            out.append(event.delta.partial_json)
        elif event.delta.type == "thinking_delta":
            out.append(event.delta.thinking)
        elif event.delta.type == "signature_delta":
            out.append(event.delta.signature)
    elif event.type == "message_delta":
        out.append(f"{event.delta.stop_reason} {event.usage.output_tokens}")


client = AnthropicBedrock(aws_region="us-east-1")
answer: Message = client.messages.create(model=MODEL, max_tokens=64, messages=messages)
print([describe(block) for block in answer.content])
pieces: list[str] = []
for event in client.messages.create(model=MODEL, max_tokens=64, messages=messages, stream=True):
    on_event(event, pieces)

with client.messages.stream(model=MODEL, max_tokens=64, messages=messages) as stream:
    for helper in stream:
        if helper.type == "text":
            print(helper.text, helper.snapshot)
        elif helper.type == "input_json":
            print(helper.partial_json, helper.snapshot)
        elif helper.type == "thinking":
            print(helper.thinking)
    final = stream.get_final_message()
tools_called = [block.name for block in final.content if block.type == "tool_use"]


async def main() -> str:
    aclient = AsyncAnthropicBedrock(aws_region="us-east-1")
    text = ""
    async for event in await aclient.messages.create(model=MODEL, max_tokens=64, messages=messages, stream=True):
        if event.type == "content_block_delta" and event.delta.type == "text_delta":
            text += event.delta.text
    async with aclient.messages.stream(model=MODEL, max_tokens=64, messages=messages) as astream:
        async for text_piece in astream.text_stream:
            text += text_piece
    await aclient.close()
    return text


print(asyncio.run(main()), pieces, tools_called)
