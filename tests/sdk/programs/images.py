"""Ask about an image read from a file next to the program (the SDK reads and encodes it)."""

from pathlib import Path

from anthropic import AnthropicBedrock

client = AnthropicBedrock()

response = client.messages.create(
    model="us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    max_tokens=8,
    messages=[
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is in this picture?"},
                {
                    "type": "image",
                    "source": {"type": "base64", "media_type": "image/png", "data": Path(__file__).parent / "logo.png"},
                },
            ],
        }
    ],
)
print(response.model_dump_json(indent=2))
