"""Beta features through `client.beta.messages`: context editing, then a streamed answer."""

from anthropic import AnthropicBedrock

client = AnthropicBedrock()
MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"

message = client.beta.messages.create(
    model=MODEL,
    max_tokens=6,
    betas=["context-management-2025-06-27"],
    context_management={"edits": [{"type": "clear_tool_uses_20250919", "keep": {"type": "tool_uses", "value": 2}}]},
    messages=[{"role": "user", "content": "Keep the sea in mind."}],
)
print(message.id, message.stop_reason, [block.text for block in message.content if block.type == "text"])

with client.beta.messages.stream(
    model=MODEL,
    max_tokens=5,
    betas=["interleaved-thinking-2025-05-14"],
    messages=[{"role": "user", "content": "Waves come and go."}],
) as stream:
    for text in stream.text_stream:
        print(text, end="|")
final = stream.get_final_message()
print()
print(final.usage.input_tokens, final.usage.output_tokens, final.stop_reason)
