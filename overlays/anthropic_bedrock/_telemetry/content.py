"""Opt-in message content, in the shapes the GenAI conventions define for it.

Prompts, answers, system text, tool calls and their results are sensitive and large, so the
conventions say not to capture them by default; this module only runs when the user opted in
(`OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` or the client's `capture_content`). The values
follow the conventions' JSON schemas (gen-ai-input-messages.json, gen-ai-output-messages.json,
gen-ai-system-instructions.json, gen-ai-tool-definitions.json) and go on the span as JSON strings,
since span attributes cannot hold structured values yet. Binary data (images, PDF documents) is
never copied: such a part keeps its type and media type only.

`StreamContent` rebuilds an answer's parts from stream events, for a stream's output messages.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

Part = dict[str, Any]


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _media_part(kind: str, block: Mapping[str, Any]) -> Part:
    part: Part = {"type": kind}
    source = block.get("source")
    if isinstance(source, Mapping) and isinstance(source.get("media_type"), str):
        part["mime_type"] = source["media_type"]
    return part


def block_part(block: object) -> Part:
    """One Anthropic content block as a message part."""
    if isinstance(block, str):
        return {"type": "text", "content": block}
    if not isinstance(block, Mapping):
        return {"type": type(block).__name__}
    kind = block.get("type")
    if kind == "text":
        return {"type": "text", "content": block.get("text", "")}
    if kind in ("tool_use", "server_tool_use"):
        part_type = "tool_call" if kind == "tool_use" else "server_tool_call"
        return {"type": part_type, "id": block.get("id"), "name": block.get("name"), "arguments": block.get("input")}
    if kind == "tool_result":
        content = block.get("content")
        response = content if isinstance(content, str) or content is None else [block_part(b) for b in content]
        return {"type": "tool_call_response", "id": block.get("tool_use_id"), "response": response}
    if kind == "thinking":
        return {"type": "reasoning", "content": block.get("thinking", "")}
    if kind in ("image", "document"):
        return _media_part(kind, block)
    return {"type": kind if isinstance(kind, str) else "unknown"}


def _parts(content: object) -> list[Part]:
    if isinstance(content, str):
        return [{"type": "text", "content": content}]
    if isinstance(content, list | tuple):
        return [block_part(block) for block in content]
    return []


def system_instructions(params: Mapping[str, Any]) -> str | None:
    system = params.get("system")
    if system is None:
        return None
    return _dumps(_parts(system))


def input_messages(params: Mapping[str, Any]) -> str | None:
    """The request's chat history (Messages) or its prompt (text completions, as one user message)."""
    messages = params.get("messages")
    if isinstance(messages, list | tuple):
        out = []
        for message in messages:
            if isinstance(message, Mapping):
                out.append({"role": message.get("role"), "parts": _parts(message.get("content"))})
        return _dumps(out)
    prompt = params.get("prompt")
    if isinstance(prompt, str):
        return _dumps([{"role": "user", "parts": [{"type": "text", "content": prompt}]}])
    return None


def tool_definitions(params: Mapping[str, Any]) -> str | None:
    """The tools offered, by type and name only: the conventions advise against descriptions and
    schemas by default, as they can be large."""
    tools = params.get("tools")
    if not isinstance(tools, list | tuple) or not tools:
        return None
    out = []
    for tool in tools:
        if isinstance(tool, Mapping):
            kind = tool.get("type")
            out.append({"type": "function" if kind in (None, "custom") else kind, "name": tool.get("name")})
    return _dumps(out)


def output_messages(parts: list[Part], finish_reason: str | None) -> str:
    message: dict[str, Any] = {"role": "assistant", "parts": parts}
    if finish_reason is not None:
        # Kept for the v1.41 schema, where it is required (later versions move it to finish_reasons alone).
        message["finish_reason"] = finish_reason
    return _dumps([message])


def response_parts(data: Mapping[str, Any]) -> list[Part]:
    """The parts of a whole answer: a Message's content blocks, or a completion's text."""
    if "content" in data:
        return _parts(data.get("content"))
    completion = data.get("completion")
    return [{"type": "text", "content": completion}] if isinstance(completion, str) else []


class StreamContent:
    """An answer's parts rebuilt from its stream events (only when content is captured). Text,
    thinking and tool-argument pieces are kept as lists and joined once at the end."""

    __slots__ = ("blocks", "completion", "pieces")

    def __init__(self) -> None:
        self.blocks: dict[int, Part] = {}
        self.pieces: dict[int, list[str]] = {}
        self.completion: list[str] = []

    def add(self, event: Mapping[str, Any]) -> None:
        kind = event.get("type")
        index = event.get("index")
        if kind == "content_block_delta" and isinstance(index, int):
            pieces = self.pieces.get(index)
            delta = event.get("delta")
            if pieces is None or not isinstance(delta, Mapping):
                return
            value = delta.get(_DELTA_FIELDS.get(delta.get("type"), ""))
            if isinstance(value, str):
                pieces.append(value)
        elif kind == "content_block_start" and isinstance(index, int):
            part = block_part(event.get("content_block"))
            self.blocks[index] = part
            # what a start block already holds (usually nothing) comes first
            initial = part.get("content")
            self.pieces[index] = [initial] if isinstance(initial, str) and initial else []
        elif kind is None and isinstance(event.get("completion"), str):
            self.completion.append(event["completion"])

    def parts(self) -> list[Part]:
        if self.completion:
            return [{"type": "text", "content": "".join(self.completion)}]
        out = []
        for index in sorted(self.blocks):
            part = self.blocks[index]
            text = "".join(self.pieces[index])
            if part["type"] in ("tool_call", "server_tool_call"):
                if text:
                    try:
                        part["arguments"] = json.loads(text)
                    except ValueError:
                        part["arguments"] = text  # cut off mid-way: the raw text, as far as it came
            elif "content" in part:
                part["content"] = text
            out.append(part)
        return out


# The field of each delta kind that carries the next piece of its block.
_DELTA_FIELDS: dict[Any, str] = {
    "text_delta": "text",
    "thinking_delta": "thinking",
    "input_json_delta": "partial_json",
}
