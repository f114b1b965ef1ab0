"""A tool-use agent loop: call the model, run the tools it asks for, send the results back, until
it answers without a tool call."""

import json

from anthropic import AnthropicBedrock
from anthropic.types import MessageParam, ToolParam, ToolResultBlockParam

client = AnthropicBedrock()
MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"

tools: list[ToolParam] = [
    {
        "name": "get_weather",
        "description": "The current weather in a city.",
        "input_schema": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
            "required": ["city", "unit"],
        },
    },
    {
        "name": "get_time",
        "description": "The local time in a city.",
        "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
]


def run_tool(name: str, arguments: dict[str, object]) -> str:
    if name == "get_weather":
        return f"Sunny and 21 degrees {arguments['unit']} in {arguments['city']}"
    return f"It is noon in {arguments['city']}"


messages: list[MessageParam] = [{"role": "user", "content": "What should I wear in Paris today? Use a tool."}]
for step in range(4):
    response = client.messages.create(model=MODEL, max_tokens=40, tools=tools, messages=messages)
    print(f"step {step}: {response.stop_reason}")
    if response.stop_reason != "tool_use":
        break
    messages.append({"role": "assistant", "content": response.content})
    results: list[ToolResultBlockParam] = []
    for block in response.content:
        if block.type == "tool_use":
            print("  calls", block.name, json.dumps(block.input, sort_keys=True))
            results.append(
                {"type": "tool_result", "tool_use_id": block.id, "content": run_tool(block.name, block.input)}
            )
    messages.append({"role": "user", "content": results})

print("".join(block.text for block in response.content if block.type == "text"))
