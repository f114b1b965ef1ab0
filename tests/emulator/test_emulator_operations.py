"""Adding an operation is one handler and one table entry: the router needs no change.

The operations here exist only in this test: a server-sent-events endpoint with errors in another
shape, and two operations sharing a route with different methods.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import httpx
import pytest

from anthropic_bedrock.emulator import Emulator, emulator
from anthropic_bedrock.emulator import _server as server
from anthropic_bedrock.emulator._handler import Call, Operation, route
from anthropic_bedrock.emulator._reply import Reply
from anthropic_bedrock.emulator._table import OPERATIONS

BEARER = {"Authorization": "Bearer ABSKemulator-api-key"}


async def _events(call: Call, reply: Reply) -> None:
    reply.start(200, [("content-type", "text/event-stream")])
    for index in range(3):
        await reply.write(f"event: ping\ndata: {json.dumps({'index': index})}\n\n".encode())
    await reply.end()


class _AnthropicErrors(Reply):
    """Errors as Anthropic's API shapes them."""

    async def send_error(
        self,
        status: int,
        error_type: str,
        message: str,
        extra: Sequence[tuple[str, str]] = (),
        *,
        cut: bool = False,
    ) -> None:
        body = {"type": "error", "error": {"type": error_type, "message": message}}
        await self.send(status, [("content-type", "application/json"), *extra], json.dumps(body).encode(), cut=cut)


async def _list_jobs(call: Call, reply: Reply) -> None:
    await reply.send_json(b'{"jobs": []}')


async def _create_job(call: Call, reply: Reply) -> None:
    await reply.send_json(json.dumps({"created": json.loads(call.body)}).encode(), status=201)


EXTRA = (
    Operation("example_events", route("/example/v1/events"), _events, reply=_AnthropicErrors),
    Operation("list_examples", route("/example-jobs"), _list_jobs, methods=frozenset({"GET"}), authenticated=False),
    Operation("create_example", route("/example-jobs"), _create_job, authenticated=False, faults=False),
)


@pytest.fixture
def extended(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    monkeypatch.setattr(server, "OPERATIONS", (*OPERATIONS, *EXTRA))
    with emulator() as emu:
        yield emu


def test_a_new_streaming_operation(extended: Emulator) -> None:
    with httpx.Client(base_url=extended.url, timeout=10) as client:
        response = client.post("/example/v1/events", content=b"{}", headers=BEARER)
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/event-stream"
        assert response.text.count("event: ping") == 3
        refused = client.post("/example/v1/events", content=b"{}")
        assert refused.status_code == 403
        assert refused.json()["error"]["type"] == "MissingAuthenticationTokenException"
        faulted = client.post("/example/v1/events", content=b"{}", headers={**BEARER, "x-emulator-fault": "status=529"})
        assert faulted.status_code == 529 and faulted.json()["type"] == "error"
    assert [entry.operation for entry in extended.log] == ["example_events"] * 3
    assert extended.stats().signature_failures == 1


def test_two_operations_on_one_route(extended: Emulator) -> None:
    with httpx.Client(base_url=extended.url, timeout=10) as client:
        assert client.get("/example-jobs").json() == {"jobs": []}
        created = client.post("/example-jobs", json={"name": "job"})
        assert created.status_code == 201 and created.json() == {"created": {"name": "job"}}
        assert client.put("/example-jobs").status_code == 404
    assert [(entry.operation, entry.status) for entry in extended.log] == [
        ("list_examples", 200),
        ("create_example", 201),
        ("list_examples", 404),  # no operation takes PUT: the first for the route answers that
    ]
