"""A user program with known mistakes: each line marked `# error` must be flagged by mypy and by
pyright (both strict), and no other line (tests/test_typing_mistakes.py)."""

from __future__ import annotations

from anthropic_bedrock import AnthropicBedrock
from anthropic_bedrock.types import MessageParam

client = AnthropicBedrock()
bad_role: MessageParam = {"role": "system", "content": "x"}  # error
bad_media: MessageParam = {
    "role": "user",
    "content": [{"type": "image", "source": {"type": "base64", "media_type": "image/bmp", "data": "x"}}],  # error
}
good: MessageParam = {"role": "user", "content": "x"}
client.messages.create(model="m", max_tokens="5", messages=[good])  # error
client.messages.create(model="m", messages=[good])  # error
message = client.messages.create(model="m", max_tokens=5, messages=[good])
print(message.content[0].text)  # error
for block in message.content:
    if block.type == "text":
        print(block.text)
        print(block.input)  # error
    elif block.type == "tool_use":
        print(block.input["city"], block.text)  # error
print(message.usage.input_token)  # error
print(message.to_json(indent="2"))  # error
for event in client.messages.create(model="m", max_tokens=5, messages=[good], stream=True):
    if event.type == "content_block_delta":
        print(event.delta.text)  # error
        if event.delta.type == "text_delta":
            print(event.delta.text, event.index)
    elif event.type == "message_delta":
        print(event.delta.text)  # error
