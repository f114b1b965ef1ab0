"""What may stand where the Messages API expects plain data: file data (bytes, a path, a binary
file) in image and document sources, and the SDK's own response objects in content; and the error
for a whole `Message` passed as a message. Over real HTTP, sync and async."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import pytest

import anthropic_bedrock as ab
from anthropic_bedrock._operations.messages import MESSAGES
from anthropic_bedrock.types import RedactedThinkingBlock, TextBlock

from drivers import Driver

MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TOOLS = [
    {
        "name": "get_weather",
        "description": "The current weather in a city.",
        "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    }
]


def image(data: Any, **source: Any) -> dict[str, Any]:
    return {"type": "image", "source": {"type": "base64", "data": data, **source}}


def ask(driver: Driver, *blocks: Any, **kwargs: Any) -> Any:
    content = [*blocks, {"type": "text", "text": "what is this"}]
    return driver.run(
        driver.client.messages.create(
            model=MODEL, max_tokens=3, messages=[{"role": "user", "content": content}], **kwargs
        )
    )


def sent_source(emulator: Any, index: int = 0) -> Any:
    return emulator.log[-1].json()["messages"][0]["content"][index]["source"]


def test_image_data_as_bytes_path_and_file(driver: Driver, emulator: Any, tmp_path: Path) -> None:
    path = tmp_path / "Dot.PNG"
    path.write_bytes(PNG)
    encoded = base64.b64encode(PNG).decode()
    with path.open("rb") as file:
        given = [
            image(PNG, media_type="image/png"),
            image(bytearray(PNG), media_type="image/png"),
            image(path),  # media type from the name
            image(file),  # and from the file object's name
            image(io.BytesIO(PNG), media_type="image/png"),
            image(path, media_type="image/gif"),  # a given media type stays
        ]
        for block in given:
            ask(driver, block)
            source = sent_source(emulator)
            assert source["data"] == encoded
            assert source["media_type"] == block["source"].get("media_type", "image/png")
    assert isinstance(given[2]["source"]["data"], Path)  # the caller's dicts are left as they were


def test_document_data_as_path_pdf_and_text(driver: Driver, emulator: Any, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(PDF)
    ask(driver, {"type": "document", "source": {"type": "base64", "data": pdf}, "title": "Report"})
    assert sent_source(emulator) == {
        "type": "base64",
        "media_type": "application/pdf",
        "data": base64.b64encode(PDF).decode(),
    }
    notes = tmp_path / "notes.txt"
    notes.write_text("the sea is wide\n", encoding="utf-8")
    ask(driver, {"type": "document", "source": {"type": "text", "data": notes}})
    assert sent_source(emulator) == {"type": "text", "media_type": "text/plain", "data": "the sea is wide\n"}


def test_images_inside_tool_results(driver: Driver, emulator: Any, tmp_path: Path) -> None:
    path = tmp_path / "chart.webp"
    path.write_bytes(PNG)
    messages = [
        {"role": "user", "content": "show me"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}}]},
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": [image(path)]}],
        },
    ]
    driver.run(driver.client.messages.create(model=MODEL, max_tokens=3, tools=TOOLS, messages=messages))
    sent = emulator.log[-1].json()["messages"][2]["content"][0]["content"][0]["source"]
    assert sent == {"type": "base64", "data": base64.b64encode(PNG).decode(), "media_type": "image/webp"}


def test_bad_file_data_is_refused_with_its_place(driver: Driver, emulator: Any, tmp_path: Path) -> None:
    text_file = tmp_path / "a.png"
    text_file.write_bytes(PNG)
    cases: list[tuple[Any, type[Exception], str]] = [
        (
            tmp_path / "missing.png",
            ValueError,
            r"messages\[0\]\.content\[0\]\.source\.data: cannot read .*missing\.png",
        ),
        (
            12,
            TypeError,
            r"messages\[0\]\.content\[0\]\.source\.data must be a base64 string, bytes, a pathlib\.Path or a binary file, not int",
        ),
        (io.StringIO("abc"), TypeError, r"messages\[0\]\.content\[0\]\.source\.data is a file opened in text mode"),
    ]
    for data, error, message in cases:
        with pytest.raises(error, match=message):
            ask(driver, image(data, media_type="image/png"))
    with text_file.open("r") as handle, pytest.raises(TypeError, match="binary mode"):
        ask(driver, image(handle))
    # A name that tells no media type leaves it missing, which the checks then name.
    odd = tmp_path / "picture.bin"
    odd.write_bytes(PNG)
    with pytest.raises(
        TypeError, match=r"messages\[0\]\.content\[0\]\.source is missing the required key 'media_type'"
    ):
        ask(driver, image(odd))
    bad_text = tmp_path / "latin1.txt"
    bad_text.write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(ValueError, match=r"source\.data must be UTF-8 text"):
        ask(driver, {"type": "document", "source": {"type": "text", "data": bad_text}})
    assert emulator.log == []


def test_response_blocks_of_every_kind_go_back_as_they_came(driver: Driver, emulator: Any) -> None:
    thinking = {"type": "enabled", "budget_tokens": 1024}
    first = driver.run(
        driver.client.messages.create(
            model=MODEL,
            max_tokens=2000,
            thinking=thinking,
            tools=TOOLS,
            messages=[{"role": "user", "content": "use get_weather for Paris"}],
        )
    )
    assert [block.type for block in first.content] == ["thinking", "text", "tool_use"]
    redacted = RedactedThinkingBlock(type="redacted_thinking", data="ZW5jcnlwdGVk")
    content = [first.content[0], redacted, *first.content[1:]]
    call = first.content[-1]
    result = {"type": "tool_result", "tool_use_id": call.id, "content": [TextBlock(type="text", text="sunny")]}
    messages = [
        {"role": "user", "content": "use get_weather for Paris"},
        {"role": "assistant", "content": content},
        {"role": "user", "content": [result]},
    ]
    second = driver.run(
        driver.client.messages.create(
            model=MODEL,
            max_tokens=1100,
            thinking=thinking,
            tools=TOOLS,
            system=[TextBlock(type="text", text="Be brief.")],
            messages=messages,
        )
    )
    assert second.content[-1].text.startswith("sunny")
    body = emulator.log[-1].json()
    assert body["messages"][1]["content"] == [block.to_dict() for block in content]
    assert body["messages"][2]["content"][0]["content"] == [{"type": "text", "text": "sunny"}]
    assert body["system"] == [{"type": "text", "text": "Be brief."}]


def test_unknown_block_kinds_go_back_as_they_came(emulator: Any) -> None:
    client = ab.AnthropicBedrock(
        aws_access_key=emulator.access_key, aws_secret_key=emulator.secret_key, base_url=emulator.url
    )
    answer = client.messages.create(
        model=MODEL,
        max_tokens=3,
        messages=[{"role": "user", "content": "hi"}],
        extra_headers={"x-emulator-fault": "novel=block"},
    )
    unknown = answer.content[-1]
    assert isinstance(unknown, ab.types.UnknownContentBlock)
    messages = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": answer.content}]
    call = client._prepare(MESSAGES, {"model": MODEL, "max_tokens": 3, "messages": messages})
    import json

    sent = json.loads(call.request.content)["messages"][1]["content"]
    assert sent == [block.to_dict() for block in answer.content] and sent[-1] == {
        "type": "novel_block",
        "novel": {"answer": 42},
    }


def test_a_whole_message_as_a_message_says_what_to_send(driver: Driver, emulator: Any) -> None:
    answer = driver.run(
        driver.client.messages.create(model=MODEL, max_tokens=3, messages=[{"role": "user", "content": "hi"}])
    )
    emulator.reset()
    with pytest.raises(TypeError) as caught:
        driver.run(
            driver.client.messages.create(
                model=MODEL, max_tokens=3, messages=[{"role": "user", "content": "hi"}, answer]
            )
        )
    assert str(caught.value) == (
        'messages[1] must be a dict, not Message: to send an answer back, pass {"role": message.role,'
        ' "content": message.content}'
    )
    assert emulator.log == []
    # The fix the message gives works.
    messages = [
        {"role": "user", "content": "hi"},
        {"role": answer.role, "content": answer.content},
        {"role": "user", "content": "again"},
    ]
    assert driver.run(driver.client.messages.create(model=MODEL, max_tokens=3, messages=messages)).content
