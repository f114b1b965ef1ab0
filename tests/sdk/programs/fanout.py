"""Async fan-out: many questions at once on one client, at most four in flight, answers in order."""

import asyncio

from anthropic import AsyncAnthropicBedrock

client = AsyncAnthropicBedrock()
QUESTIONS = [f"Question number {n} about the sea" for n in range(12)]


async def ask(limit: asyncio.Semaphore, question: str) -> str:
    async with limit:
        message = await client.messages.create(
            model="us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            max_tokens=4,
            messages=[{"role": "user", "content": question}],
        )
    return f"{message.content[0].text!r} ({message.usage.output_tokens} tokens)"


async def main() -> None:
    limit = asyncio.Semaphore(4)
    answers = await asyncio.gather(*(ask(limit, question) for question in QUESTIONS))
    for question, answer in zip(QUESTIONS, answers, strict=False):
        print(question, "->", answer)
    await client.close()


asyncio.run(main())
