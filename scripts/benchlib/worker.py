"""One measurement in a fresh interpreter inside one anchor's virtualenv.

Run as a plain script: ``<venv>/bin/python -I worker.py FIGURE ANCHOR [JSON-PARAMS]``. It imports only the
standard library and the anchor's own packages, and prints one line ``BENCH-RESULT {json}`` at the end.
For the ``import`` figure nothing but ``sys`` and ``time`` is loaded before the timed import; the same process
then times the client's construction.
"""

import sys
import time

RESULT_MARK = "BENCH-RESULT "

# What a user of each anchor writes first; timed by the `import` figure.
IMPORTS = {
    "ours": "from anthropic_bedrock import AnthropicBedrock",
    "ours_httpx": "from anthropic_bedrock import AnthropicBedrock",
    "v080": "from anthropic_bedrock import AnthropicBedrock",
    "anthropic": "from anthropic import AnthropicBedrock",
    "boto3": "import boto3",
    "raw": "import httpx",
}


_IMPORT_RESULT: dict[str, float] = {}

# The figures that time the import at the top of this script: both cold starts.
COLD_FIGURES = ("import", "msg_cold")

if __name__ == "__main__" and len(sys.argv) >= 3 and sys.argv[1] in COLD_FIGURES:
    # Timed before this script imports anything else, so the anchor pays for all it loads.
    _before = len(sys.modules)
    _t0 = time.perf_counter()
    exec(IMPORTS[sys.argv[2]], {})
    _IMPORT_RESULT = {"import_s": time.perf_counter() - _t0, "modules": len(sys.modules) - _before}

import asyncio  # noqa: E402
import base64  # noqa: E402
import importlib  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import struct  # noqa: E402
from collections.abc import AsyncIterator, Callable, Iterator  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import quote  # noqa: E402

COMPLETION_PROMPT = "\n\nHuman: hi\n\nAssistant:"
FAULT_HEADER = "x-emulator-fault"
BEDROCK_VERSION = "bedrock-2023-05-31"
# Bedrock's (and the emulator's) limit on max_tokens_to_sample for Claude text completions.
MAX_TOKENS_TO_SAMPLE = 4096


# The Messages figures ask a current model id (its `:` is percent-encoded in the path) for an answer to one
# user turn, as `anthropic`'s README shows it.
MESSAGES_MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
MESSAGES = [{"role": "user", "content": "hi"}]
TextOrNone = str | None  # what a Messages stream adapter yields per event: the delta's text, None for others


def messages_body(max_tokens: int) -> bytes:
    """A Messages API body as a boto3 user writes it after the Bedrock docs."""
    return json.dumps({"anthropic_version": BEDROCK_VERSION, "max_tokens": max_tokens, "messages": MESSAGES}).encode()


def event_text(event: dict[str, Any]) -> TextOrNone:
    """The text of a decoded Messages stream event, None when it carries none."""
    if event.get("type") == "content_block_delta":
        delta = event["delta"]
        if delta.get("type") == "text_delta":
            return str(delta["text"])
    return None


def completion_body(max_tokens: int) -> bytes:
    """A text-completions body as a boto3 user writes it after the Bedrock docs."""
    return json.dumps(
        {"anthropic_version": BEDROCK_VERSION, "prompt": COMPLETION_PROMPT, "max_tokens_to_sample": max_tokens}
    ).encode()


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# The vocabulary of the count_tokens text: common words, some punctuation, digits and accents.
WORDS = (
    "the of and to in is was that for on as with by at from his her they this are have not but had "
    "which one you were all we when there can an their been has if more who will would about out "
    "model token stream request Bedrock Claude response signature region latency throughput chunk "
    "assistant human prompt completion sequence 2023 42 3.14 café naïve résumé, (example) [note]: "
    "don't it's we'll — \"quoted\" semi; colon: dash-separated snake_case camelCase URL/path?q=1"
)


def make_text(n_bytes: int, seed: int = 1234) -> str:
    """Deterministic English-looking text of about `n_bytes` characters."""
    words = WORDS.split()
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < n_bytes:
        sentence = " ".join(rng.choice(words) for _ in range(rng.randint(6, 18)))
        sentence = sentence[0].upper() + sentence[1:] + rng.choice([". ", "! ", "? ", ".\n", ".\n\n"])
        parts.append(sentence)
        size += len(sentence)
    return "".join(parts)


# --------------------------------------------------------------------------------------------------------------
# Adapters: one per anchor, same small surface.


class Adapter:
    anchor = ""

    def __init__(self, params: dict[str, Any]) -> None:
        self.p = params
        self.url: str = params.get("url", "")
        self.model: str = params.get("model", "anthropic.claude-v2")
        self.creds: dict[str, str] = params.get("creds", {})
        self.max_tokens: int = int(params.get("max_tokens", 16))

    def do_import(self) -> None:
        exec(IMPORTS[self.anchor], {})

    package = ""
    """The import name whose AnthropicBedrock / AsyncAnthropicBedrock clients this adapter drives."""

    def _kwargs(self) -> dict[str, Any]:
        return {
            "aws_access_key": self.creds["access_key"],
            "aws_secret_key": self.creds["secret_key"],
            "aws_region": self.creds["region"],
            "base_url": self.url,
        }

    def client(self) -> Any:
        return importlib.import_module(self.package).AnthropicBedrock(**self._kwargs())

    def async_client(self) -> Any:
        return importlib.import_module(self.package).AsyncAnthropicBedrock(**self._kwargs())

    def complete(self, client: Any) -> str:
        raise NotImplementedError

    def stream(self, client: Any, fault: str, max_tokens: int, every_event: bool = False) -> Iterator[str]:
        raise NotImplementedError

    async def acomplete(self, client: Any) -> str:
        raise NotImplementedError

    def count_tokens(self, client: Any, text: str) -> int:
        raise NotImplementedError

    # The Messages API: one `messages.create`, a `create(stream=True)` read event by event (the text of a text
    # delta, None for any other event), and the text pieces of `messages.stream(...).text_stream`.

    def prepare_messages(self) -> None:
        """Work done before the clock starts (the floor signs its requests here)."""

    def message(self, client: Any) -> str:
        raise NotImplementedError

    def message_events(self, client: Any, fault: str, max_tokens: int) -> Iterator[TextOrNone]:
        raise NotImplementedError

    def message_texts(self, client: Any, fault: str, max_tokens: int) -> Iterator[str]:
        raise NotImplementedError

    async def amessage(self, client: Any) -> str:
        raise NotImplementedError

    def amessage_events(self, client: Any, fault: str, max_tokens: int) -> AsyncIterator[TextOrNone]:
        raise NotImplementedError

    def close(self, client: Any) -> None:
        close = getattr(client, "close", None)
        if close is not None:
            close()

    async def aclose(self, client: Any) -> None:
        close = getattr(client, "close", None) or getattr(client, "aclose", None)
        if close is not None:
            result = close()
            if asyncio.iscoroutine(result):
                await result


class MessagesUserCode(Adapter):
    """The Messages calls of ours and `anthropic`'s `AnthropicBedrock`: the same user code for both."""

    extra: dict[str, Any] = {}  # noqa: RUF012 - per-anchor keyword arguments, never mutated

    def _message_kwargs(self, max_tokens: int, fault: str = "") -> dict[str, Any]:
        kwargs: dict[str, Any] = {"model": MESSAGES_MODEL, "max_tokens": max_tokens, "messages": MESSAGES}
        kwargs.update(self.extra)
        if fault:
            kwargs["extra_headers"] = {FAULT_HEADER: fault}
        return kwargs

    def message(self, client: Any) -> str:
        message = client.messages.create(**self._message_kwargs(self.max_tokens))
        return "".join(block.text for block in message.content if block.type == "text")

    def message_events(self, client: Any, fault: str, max_tokens: int) -> Iterator[TextOrNone]:
        with client.messages.create(**self._message_kwargs(max_tokens, fault), stream=True) as stream:
            for event in stream:
                if event.type == "content_block_delta" and event.delta.type == "text_delta":
                    yield event.delta.text
                else:
                    yield None

    def message_texts(self, client: Any, fault: str, max_tokens: int) -> Iterator[str]:
        with client.messages.stream(**self._message_kwargs(max_tokens, fault)) as stream:
            yield from stream.text_stream

    async def amessage(self, client: Any) -> str:
        message = await client.messages.create(**self._message_kwargs(self.max_tokens))
        return "".join(block.text for block in message.content if block.type == "text")

    async def amessage_events(self, client: Any, fault: str, max_tokens: int) -> AsyncIterator[TextOrNone]:
        stream = await client.messages.create(**self._message_kwargs(max_tokens, fault), stream=True)
        async with stream:
            async for event in stream:
                if event.type == "content_block_delta" and event.delta.type == "text_delta":
                    yield event.delta.text
                else:
                    yield None


class SdkAdapter(Adapter):
    """The `anthropic_bedrock` API: ours and 0.8.0 share it."""

    package = "anthropic_bedrock"

    def complete(self, client: Any) -> str:
        result = client.completions.create(
            model=self.model, prompt=COMPLETION_PROMPT, max_tokens_to_sample=self.max_tokens
        )
        return str(result.completion)

    def stream(self, client: Any, fault: str, max_tokens: int, every_event: bool = False) -> Iterator[str]:
        stream = client.completions.create(
            model=self.model,
            prompt=COMPLETION_PROMPT,
            max_tokens_to_sample=max_tokens,
            stream=True,
            extra_headers={FAULT_HEADER: fault},
        )
        for chunk in stream:
            yield chunk.completion

    async def acomplete(self, client: Any) -> str:
        result = await client.completions.create(
            model=self.model, prompt=COMPLETION_PROMPT, max_tokens_to_sample=self.max_tokens
        )
        return str(result.completion)

    def count_tokens(self, client: Any, text: str) -> int:
        return int(client.count_tokens(text))


class OursAdapter(SdkAdapter, MessagesUserCode):
    anchor = "ours"

    def async_client(self) -> Any:
        limits = self.p.get("limits")
        if not limits:
            return super().async_client()
        # The pool study (scripts/bench_pool.py): httpx's own pool with other limits, given as the SDK's
        # http_client; everything else as the SDK builds it.
        import httpx

        connections, keepalive = limits
        http = httpx.AsyncClient(
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=keepalive), timeout=600
        )
        return importlib.import_module(self.package).AsyncAnthropicBedrock(**self._kwargs(), http_client=http)


class OursHttpxAdapter(OursAdapter):
    """Ours with the async client on httpx's own pool: what the default install (no aiohttp extra) gets."""

    anchor = "ours_httpx"

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__(params)
        os.environ["ANTHROPIC_BEDROCK_ASYNC_TRANSPORT"] = "httpx"


class V080Adapter(SdkAdapter):
    """anthropic-bedrock 0.8.0 predates the Messages API: its Messages figures are not applicable."""

    anchor = "v080"


class AnthropicAdapter(MessagesUserCode):
    """The latest `anthropic` package: Messages API bodies on the same invoke paths."""

    anchor = "anthropic"

    package = "anthropic"
    # It sends its own, newer `anthropic_version`; Bedrock (and the emulator) accept only this one.
    extra = {"extra_body": {"anthropic_version": BEDROCK_VERSION}}  # noqa: RUF012

    def _body(self, max_tokens: int) -> dict[str, Any]:
        return {
            "model": self.p.get("messages_model", self.model),
            "max_tokens": max_tokens,
            "messages": [{"role": "user", "content": "hi"}],
            # The package's own default version string is newer than the one Bedrock (and the emulator) accept.
            "extra_body": {"anthropic_version": BEDROCK_VERSION},
        }

    def complete(self, client: Any) -> str:
        message = client.messages.create(**self._body(self.max_tokens))
        return "".join(getattr(block, "text", "") for block in message.content)

    def stream(self, client: Any, fault: str, max_tokens: int, every_event: bool = False) -> Iterator[str]:
        stream = client.messages.create(**self._body(max_tokens), stream=True, extra_headers={FAULT_HEADER: fault})
        for event in stream:
            if event.type == "content_block_delta":
                yield getattr(event.delta, "text", "")
            elif every_event:
                yield ""

    async def acomplete(self, client: Any) -> str:
        message = await client.messages.create(**self._body(self.max_tokens))
        return "".join(getattr(block, "text", "") for block in message.content)


class Boto3Adapter(Adapter):
    anchor = "boto3"

    def _client(self, pool: int = 10) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "bedrock-runtime",
            endpoint_url=self.url,
            region_name=self.creds["region"],
            aws_access_key_id=self.creds["access_key"],
            aws_secret_access_key=self.creds["secret_key"],
            config=Config(max_pool_connections=pool, retries={"max_attempts": 1}),
        )

    def client(self) -> Any:
        return self._client()

    def _body(self, max_tokens: int) -> bytes:
        return completion_body(max_tokens)

    def complete(self, client: Any) -> str:
        response = client.invoke_model(
            modelId=self.model,
            body=self._body(self.max_tokens),
            contentType="application/json",
            accept="application/json",
        )
        return str(json.loads(response["body"].read())["completion"])

    def stream(self, client: Any, fault: str, max_tokens: int, every_event: bool = False) -> Iterator[str]:
        self._hook_fault(client, fault)
        response = client.invoke_model_with_response_stream(
            modelId=self.model, body=self._body(max_tokens), contentType="application/json"
        )
        for event in response["body"]:
            chunk = event.get("chunk")
            if chunk is not None:
                yield json.loads(chunk["bytes"])["completion"]

    @staticmethod
    def _hook_fault(client: Any, fault: str) -> None:
        # One handler per client reads the fault of the current call (botocore headers append on assignment).
        client.bench_fault = fault
        if not getattr(client, "bench_hooked", False):

            def add_fault(request: Any, **_: Any) -> None:
                if FAULT_HEADER in request.headers:
                    del request.headers[FAULT_HEADER]
                request.headers[FAULT_HEADER] = client.bench_fault

            client.meta.events.register("before-sign.bedrock-runtime.InvokeModelWithResponseStream", add_fault)
            client.bench_hooked = True

    def message(self, client: Any) -> str:
        response = client.invoke_model(
            modelId=MESSAGES_MODEL,
            body=messages_body(self.max_tokens),
            contentType="application/json",
            accept="application/json",
        )
        message = json.loads(response["body"].read())
        return "".join(block["text"] for block in message["content"] if block["type"] == "text")

    def message_events(self, client: Any, fault: str, max_tokens: int) -> Iterator[TextOrNone]:
        self._hook_fault(client, fault)
        response = client.invoke_model_with_response_stream(
            modelId=MESSAGES_MODEL, body=messages_body(max_tokens), contentType="application/json"
        )
        for event in response["body"]:
            chunk = event.get("chunk")
            if chunk is not None:
                yield event_text(json.loads(chunk["bytes"]))


class RawAdapter(Adapter):
    """The floor: httpx posting bytes signed once in advance with botocore SigV4."""

    anchor = "raw"

    def _signed(self, path: str, body: bytes, extra: dict[str, str] | None = None) -> tuple[str, dict[str, str]]:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        url = self.url.rstrip("/") + path
        headers = {"content-type": "application/json", "accept": "application/json", **(extra or {})}
        request = AWSRequest(method="POST", url=url, data=body, headers=headers)
        SigV4Auth(
            Credentials(self.creds["access_key"], self.creds["secret_key"]), "bedrock", self.creds["region"]
        ).add_auth(request)
        return url, dict(request.headers.items())

    def _body(self, max_tokens: int) -> bytes:
        return completion_body(max_tokens)

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__(params)
        self.message_streams: dict[tuple[str, int], tuple[bytes, str, dict[str, str]]] = {}

    def client(self) -> Any:
        import httpx

        return httpx.Client()

    def async_client(self) -> Any:
        import httpx

        # The floor sends through the same connection pool the SDK's async client picks (aiohttp's
        # when installed): httpx's own async pool would put the floor above the SDK.
        from anthropic_bedrock._http.transport import async_transport

        limits = httpx.Limits(max_connections=1000, max_keepalive_connections=100)
        transport = async_transport(limits, httpx.create_ssl_context())
        return httpx.AsyncClient(transport=transport) if transport is not None else httpx.AsyncClient()

    def prepare(self) -> None:
        self.body = self._body(self.max_tokens)
        self.url_invoke, self.headers_invoke = self._signed(f"/model/{self.model}/invoke", self.body)

    def complete(self, client: Any) -> str:
        response = client.post(self.url_invoke, content=self.body, headers=self.headers_invoke)
        response.raise_for_status()
        return str(response.json()["completion"])

    async def acomplete(self, client: Any) -> str:
        response = await client.post(self.url_invoke, content=self.body, headers=self.headers_invoke)
        response.raise_for_status()
        return str(response.json()["completion"])

    def stream(self, client: Any, fault: str, max_tokens: int, every_event: bool = False) -> Iterator[str]:
        body = self._body(max_tokens)
        url, headers = self._signed(
            f"/model/{self.model}/invoke-with-response-stream",
            body,
            {
                FAULT_HEADER: fault,
                "accept": "application/vnd.amazon.eventstream",
                "x-amzn-bedrock-accept": "application/json",
            },
        )
        with client.stream("POST", url, content=body, headers=headers) as response:
            for event in self._chunks(response):
                yield event["completion"]

    @staticmethod
    def _chunks(response: Any) -> Iterator[dict[str, Any]]:
        """The decoded JSON of each `chunk` frame: the least a client must do (no CRC checks, no headers)."""
        response.raise_for_status()
        buffer = bytearray()
        for block in response.iter_raw():
            buffer += block
            while len(buffer) >= 12:
                total, header_len = struct.unpack_from(">II", buffer, 0)
                if len(buffer) < total:
                    break
                payload = bytes(buffer[12 + header_len : total - 4])
                del buffer[:total]
                message = json.loads(payload)
                data = message.get("bytes")
                if data is not None:
                    yield json.loads(base64.b64decode(data))

    def prepare_messages(self) -> None:
        self.message_body = messages_body(self.max_tokens)
        self.message_url, self.message_headers = self._signed(
            f"/model/{quote(MESSAGES_MODEL, safe='')}/invoke", self.message_body
        )

    def message(self, client: Any) -> str:
        response = client.post(self.message_url, content=self.message_body, headers=self.message_headers)
        response.raise_for_status()
        message = response.json()
        return "".join(block["text"] for block in message["content"] if block["type"] == "text")

    def message_events(self, client: Any, fault: str, max_tokens: int) -> Iterator[TextOrNone]:
        # Signed on first use and reused, so repeated streams (the first-event figure) send pre-signed bytes.
        signed = self.message_streams.get((fault, max_tokens))
        if signed is None:
            body = messages_body(max_tokens)
            url, headers = self._signed(
                f"/model/{quote(MESSAGES_MODEL, safe='')}/invoke-with-response-stream",
                body,
                {
                    FAULT_HEADER: fault,
                    "accept": "application/vnd.amazon.eventstream",
                    "x-amzn-bedrock-accept": "application/json",
                },
            )
            signed = self.message_streams[(fault, max_tokens)] = (body, url, headers)
        body, url, headers = signed
        with client.stream("POST", url, content=body, headers=headers) as response:
            for event in self._chunks(response):
                yield event_text(event)


ADAPTERS: dict[str, type[Adapter]] = {
    "ours": OursAdapter,
    "ours_httpx": OursHttpxAdapter,
    "v080": V080Adapter,
    "anthropic": AnthropicAdapter,
    "boto3": Boto3Adapter,
    "raw": RawAdapter,
}


# --------------------------------------------------------------------------------------------------------------
# Figures.


def fig_import(a: Adapter) -> dict[str, Any]:
    """Import time (taken at the top of this script), the first client's construction and first requests."""
    if not _IMPORT_RESULT:
        raise RuntimeError("the import figure must be run as a script")
    out: dict[str, Any] = dict(_IMPORT_RESULT)
    if a.url:
        t0 = time.perf_counter()
        client = a.client()
        out["construct_s"] = time.perf_counter() - t0
        if isinstance(a, RawAdapter):
            a.prepare()  # the floor signs in advance, outside the clock
        # Work a client may defer to its first call (connection pool, TLS context, lazy imports) shows here.
        t0 = time.perf_counter()
        text = a.complete(client)
        out["first_request_s"] = time.perf_counter() - t0
        if not text:
            raise RuntimeError("empty completion")
        t0 = time.perf_counter()
        a.complete(client)
        out["second_request_s"] = time.perf_counter() - t0
        out["cold_s"] = out["import_s"] + out["construct_s"] + out["first_request_s"]
        t0 = time.perf_counter()
        second = a.client()
        out["construct_again_s"] = time.perf_counter() - t0
        a.close(second)
        a.close(client)
    return out


def fig_msg_cold(a: Adapter) -> dict[str, Any]:
    """The Messages cold start: import (timed at the top of this script), client, first `messages.create`."""
    if not _IMPORT_RESULT:
        raise RuntimeError("the msg_cold figure must be run as a script")
    out: dict[str, Any] = dict(_IMPORT_RESULT)
    t0 = time.perf_counter()
    client = a.client()
    out["construct_s"] = time.perf_counter() - t0
    a.prepare_messages()  # the floor signs in advance, outside the clock
    t0 = time.perf_counter()
    text = a.message(client)
    out["first_request_s"] = time.perf_counter() - t0
    if not text:
        raise RuntimeError("empty message")
    t0 = time.perf_counter()
    a.message(client)
    out["second_request_s"] = time.perf_counter() - t0
    out["cold_s"] = out["import_s"] + out["construct_s"] + out["first_request_s"]
    a.close(client)
    return out


def fig_requests(a: Adapter) -> dict[str, Any]:
    """N sequential completions on one client, in batches; the per-request figure is the median batch's mean."""
    a.do_import()
    client = a.client()
    if isinstance(a, RawAdapter):
        a.prepare()
    return _sequential(a, client, a.complete)


def fig_msg_requests(a: Adapter) -> dict[str, Any]:
    """N sequential `messages.create` calls on one client, measured as `fig_requests` measures completions."""
    a.do_import()
    client = a.client()
    a.prepare_messages()
    return _sequential(a, client, a.message)


def _sequential(a: Adapter, client: Any, call: Callable[[Any], str]) -> dict[str, Any]:
    n = int(a.p.get("n", 1000))
    warm = int(a.p.get("warmup", 20))
    batches = max(1, min(int(a.p.get("batches", 10)), n))
    size = n // batches
    text = ""
    for _ in range(warm):
        text = call(client)
    if not text:
        raise RuntimeError("empty answer")
    walls: list[float] = []
    cpus: list[float] = []
    for _ in range(batches):
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        for _ in range(size):
            call(client)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - cpu0)
    a.close(client)
    walls.sort()
    cpus.sort()
    return {
        "n": size * batches,
        "us_per_req": walls[len(walls) // 2] / size * 1e6,
        "us_per_req_mean": sum(walls) / (size * batches) * 1e6,
        "cpu_us_per_req": cpus[len(cpus) // 2] / size * 1e6,
        "rss_mb": _rss_mb(),
    }


def fig_stream(a: Adapter) -> dict[str, Any]:
    chunks = int(a.p.get("chunks", 20000))
    a.do_import()
    client = a.client()
    fault = f"chunks={chunks}"
    count = 0
    size = 0
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    # Text completions allow at most 4,096 tokens; the emulator spreads them over `chunks` frames.
    for text in a.stream(client, fault, max_tokens=min(max(chunks, 16), MAX_TOKENS_TO_SAMPLE)):
        count += 1
        size += len(text)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    a.close(client)
    if count < chunks * 0.9:
        raise RuntimeError(f"only {count} chunks of {chunks}")
    return {
        "chunks": count,
        "text_bytes": size,
        "wall_s": wall,
        "cpu_s": cpu,
        "chunks_per_s": count / wall,
        "cpu_us_per_chunk": cpu / count * 1e6,
        "rss_mb": _rss_mb(),
    }


def fig_msg_stream(a: Adapter) -> dict[str, Any]:
    """One `messages.create(stream=True)` of `chunks` text deltas, every event read (the text of the deltas)."""
    chunks = int(a.p.get("chunks", 20000))
    a.do_import()
    client = a.client()
    a.prepare_messages()
    fault = f"chunks={chunks}"
    events = texts = size = 0
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    for text in a.message_events(client, fault, max_tokens=max(chunks, 16)):
        events += 1
        if text is not None:
            texts += 1
            size += len(text)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    a.close(client)
    if texts < chunks * 0.9:
        raise RuntimeError(f"only {texts} text deltas of {chunks}")
    return {
        "events": events,
        "texts": texts,
        "text_bytes": size,
        "wall_s": wall,
        "cpu_s": cpu,
        "events_per_s": events / wall,
        "cpu_us_per_event": cpu / events * 1e6,
        "rss_mb": _rss_mb(),
    }


def fig_msg_text(a: Adapter) -> dict[str, Any]:
    """One `messages.stream(...)` of `chunks` text deltas read through `text_stream`."""
    chunks = int(a.p.get("chunks", 20000))
    a.do_import()
    client = a.client()
    fault = f"chunks={chunks}"
    texts = size = 0
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    for text in a.message_texts(client, fault, max_tokens=max(chunks, 16)):
        texts += 1
        size += len(text)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    a.close(client)
    if texts < chunks * 0.9:
        raise RuntimeError(f"only {texts} texts of {chunks}")
    return {
        "texts": texts,
        "text_bytes": size,
        "wall_s": wall,
        "cpu_s": cpu,
        "texts_per_s": texts / wall,
        "cpu_us_per_text": cpu / texts * 1e6,
        "rss_mb": _rss_mb(),
    }


def fig_msg_first(a: Adapter) -> dict[str, Any]:
    """Time from `messages.create(stream=True)` to its first event and to its first text delta, on a warm client.

    N short streams one after another; each is read to its end (so the connection is reused), but only the
    first event and the first text are timed. The emulator sends every frame as soon as it can, so these are
    the client's own costs plus one loopback round trip (the floor's column).
    """
    n = int(a.p.get("n", 100))
    warm = int(a.p.get("warmup", 5))
    chunks = int(a.p.get("chunks", 8))
    fault = f"chunks={chunks}"
    a.do_import()
    client = a.client()
    a.prepare_messages()
    for _ in range(warm):
        for _ in a.message_events(client, fault, max_tokens=16):
            pass
    firsts: list[float] = []
    first_texts: list[float] = []
    for _ in range(n):
        first = first_text = 0.0
        t0 = time.perf_counter()
        for text in a.message_events(client, fault, max_tokens=16):
            if not first:
                first = time.perf_counter() - t0
            if text is not None and not first_text:
                first_text = time.perf_counter() - t0
        if not first_text:
            raise RuntimeError("a stream without a text delta")
        firsts.append(first)
        first_texts.append(first_text)
    a.close(client)
    firsts.sort()
    first_texts.sort()
    return {
        "n": n,
        "first_event_us": firsts[n // 2] * 1e6,
        "first_event_p90_us": firsts[n * 9 // 10] * 1e6,
        "first_text_us": first_texts[n // 2] * 1e6,
        "first_text_p90_us": first_texts[n * 9 // 10] * 1e6,
        "rss_mb": _rss_mb(),
    }


def fig_pace(a: Adapter) -> dict[str, Any]:
    chunks = int(a.p.get("chunks", 10))
    pace_ms = float(a.p.get("pace_ms", 200))
    a.do_import()
    client = a.client()
    # Warm the connection and lazy imports so the timed stream measures delivery only.
    for _ in a.stream(client, "chunks=2", max_tokens=16):
        pass
    arrivals: list[float] = []
    t0 = time.perf_counter()
    # Every event counts here, not only the ones with text: the emulator paces frames, and a Messages stream
    # opens with two frames that carry no text.
    for _ in a.stream(client, f"chunks={chunks};pace={pace_ms:g}", max_tokens=max(chunks, 16), every_event=True):
        arrivals.append(time.perf_counter())
    a.close(client)
    if len(arrivals) < 2:
        raise RuntimeError(f"only {len(arrivals)} chunks")
    gaps = [(b - a_) * 1e3 for a_, b in itertools.pairwise(arrivals)]
    gaps_sorted = sorted(gaps)
    # The emulator sends frame i about i * pace after the first, which goes out as soon as the request is
    # answered; a client that holds a frame back until more bytes come shows it here.
    lags = sorted((t - t0) * 1e3 - i * pace_ms for i, t in enumerate(arrivals))
    return {
        "chunks": len(arrivals),
        "first_ms": (arrivals[0] - t0) * 1e3,
        "lag_ms": lags[len(lags) // 2],
        "lag_max_ms": lags[-1],
        "gap_median_ms": gaps_sorted[len(gaps_sorted) // 2],
        "gap_max_ms": gaps_sorted[-1],
        "gap_dev_ms": sum(abs(g - pace_ms) for g in gaps) / len(gaps),
        "arrivals_ms": [(t - t0) * 1e3 for t in arrivals],
    }


def fig_concurrency(a: Adapter) -> dict[str, Any]:
    n = int(a.p.get("n", 500))
    a.do_import()
    if isinstance(a, Boto3Adapter):
        from concurrent.futures import ThreadPoolExecutor

        threads = int(a.p.get("threads", 50))
        client = a._client(pool=threads)
        a.complete(client)
        t0 = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(lambda _: a.complete(client), range(n)))
        wall = time.perf_counter() - t0
        a.close(client)
        return {
            "n": n,
            "wall_s": wall,
            "ok": sum(1 for r in results if r),
            "mode": f"threads x{threads}",
            "rss_mb": _rss_mb(),
        }

    async def main() -> tuple[float, int]:
        client = a.async_client()
        if isinstance(a, RawAdapter):
            a.prepare()
        await a.acomplete(client)
        t0 = time.perf_counter()
        results = await asyncio.gather(*(a.acomplete(client) for _ in range(n)))
        wall = time.perf_counter() - t0
        await a.aclose(client)
        return wall, sum(1 for r in results if r)

    wall, ok = asyncio.run(main())
    return {"n": n, "wall_s": wall, "ok": ok, "mode": "asyncio", "rss_mb": _rss_mb()}


def fig_tokens(a: Adapter) -> dict[str, Any]:
    size = int(a.p.get("text_bytes", 1_000_000))
    text = make_text(size)
    a.do_import()
    client = a.client()
    t0 = time.perf_counter()
    first_count = a.count_tokens(client, "Hello, world")
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    tokens = a.count_tokens(client, text)
    wall = time.perf_counter() - t0
    a.close(client)
    n_bytes = len(text.encode())
    return {
        "first_s": first,
        "first_count": first_count,
        "tokens": tokens,
        "text_bytes": n_bytes,
        "wall_s": wall,
        "mb_per_s": n_bytes / wall / 1e6,
        "rss_mb": _rss_mb(),
    }


def fig_wire(a: Adapter) -> dict[str, Any]:
    """Bytes on the wire of one stream of each body kind (the floor's client reads them raw)."""
    if not isinstance(a, RawAdapter):
        raise RuntimeError("the wire figure runs in the floor only")
    import httpx

    chunks = int(a.p.get("chunks", 20000))
    fault = {FAULT_HEADER: f"chunks={chunks}", "accept": "application/vnd.amazon.eventstream"}
    bodies = {
        "completion": a._body(min(max(chunks, 16), MAX_TOKENS_TO_SAMPLE)),
        "messages": json.dumps(
            {
                "anthropic_version": BEDROCK_VERSION,
                "max_tokens": max(chunks, 16),
                "messages": [{"role": "user", "content": "hi"}],
            }
        ).encode(),
    }
    out: dict[str, Any] = {}
    with httpx.Client() as client:
        for kind, body in bodies.items():
            url, headers = a._signed(f"/model/{a.model}/invoke-with-response-stream", body, fault)
            size = 0
            with client.stream("POST", url, content=body, headers=headers) as response:
                for block in response.iter_raw():
                    size += len(block)
            out[f"{kind}_status"] = response.status_code
            out[f"{kind}_bytes"] = size if response.status_code == 200 else None
    return out


def fig_footprint(_: Adapter) -> dict[str, Any]:
    """Packages and bytes in this venv's site-packages, pip/setuptools/wheel (and their files) left out."""
    import importlib.metadata as md
    import sysconfig

    site = sysconfig.get_paths()["purelib"]
    tooling = {"pip", "setuptools", "wheel", "_distutils_hack", "pkg_resources", "distutils-precedence.pth"}
    skip_prefixes = tuple(f"{t}-" for t in ("pip", "setuptools", "wheel"))
    total = 0
    for entry in os.scandir(site):
        if entry.name in tooling or entry.name.startswith(skip_prefixes) or entry.name == "__pycache__":
            continue
        if entry.is_file(follow_symlinks=False):
            total += entry.stat(follow_symlinks=False).st_size
            continue
        for root, _dirs, files in os.walk(entry.path):
            for name in files:
                total += os.lstat(os.path.join(root, name)).st_size
    dists = sorted(
        {
            (d.metadata["Name"] or "").lower(): d.version
            for d in md.distributions(path=[site])
            if (d.metadata["Name"] or "").lower() not in {"pip", "setuptools", "wheel"}
        }.items()
    )
    return {"packages": len(dists), "site_mb": total / 1e6, "dists": dict(dists)}


FIGURES = {
    "import": fig_import,
    "requests": fig_requests,
    "stream": fig_stream,
    "pace": fig_pace,
    "concurrency": fig_concurrency,
    "tokens": fig_tokens,
    "footprint": fig_footprint,
    "wire": fig_wire,
    "msg_cold": fig_msg_cold,
    "msg_requests": fig_msg_requests,
    "msg_stream": fig_msg_stream,
    "msg_text": fig_msg_text,
    "msg_first": fig_msg_first,
}


def main() -> None:
    figure, anchor = sys.argv[1], sys.argv[2]
    params = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    if figure.startswith(("scale_", "study_")):
        # These figures live beside this script (which runs isolated, so its folder is not on the path).
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import scale
        import streamcpu

        FIGURES.update(scale.FIGURES)
        FIGURES.update(streamcpu.FIGURES)
    adapter = ADAPTERS[anchor](params)
    profile_to = params.get("profile_to")
    if profile_to:
        import cProfile
        import io
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(FIGURES[figure], adapter)
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text).strip_dirs()
        stats.sort_stats("tottime").print_stats(int(params.get("profile_top", 25)))
        stats.sort_stats("cumulative").print_stats(int(params.get("profile_top", 25)))
        with open(profile_to, "w") as out:
            out.write(text.getvalue())
    else:
        result = FIGURES[figure](adapter)
    print(RESULT_MARK + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
