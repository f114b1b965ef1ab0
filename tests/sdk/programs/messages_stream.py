"""Stream an answer with the helper (async): each text as it arrives, each block once it is
complete, then the whole message as JSON."""

import asyncio

from anthropic import AsyncAnthropicBedrock

client = AsyncAnthropicBedrock()


async def main() -> None:
    async with client.messages.stream(
        model="us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        max_tokens=12,
        messages=[{"role": "user", "content": "Say hello there to the sea!"}],
    ) as stream:
        async for event in stream:
            if event.type == "text":
                print(event.text, end="", flush=True)
            elif event.type == "content_block_stop":
                print("\nblock done:", event.content_block.to_json())
    message = await stream.get_final_message()
    print("final message:", message.to_json())


asyncio.run(main())
