"""One behaviour on every transport (sync, async on httpx's pool, async on aiohttp), against real
servers on loopback: the proxy and CA-bundle variables are honoured exactly where httpx honours
them; a body to a server that stops reading ends with the write timeout; and a status line and
headers trickled a byte a second end with the read timeout, not when the server is done."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import certifi
import httpx
import pytest

import anthropic_bedrock as ab
from anthropic_bedrock import _base_client

from drivers import PROMPT, Driver, client_kwargs
from servers import Proxy, stalled_reader, tls_front, trickled_head

MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0"
HELLO = [{"role": "user", "content": "one two three"}]
PROXY_VARIABLES = ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"]


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def create(d: Driver, **kw: Any) -> Any:
    return d.run(d.client.messages.create(**{"model": MODEL, "max_tokens": 3, "messages": HELLO, **kw}))


def stream(d: Driver, **kw: Any) -> list[Any]:
    return d.collect(d.run(d.client.messages.create(model=MODEL, max_tokens=3, messages=HELLO, stream=True, **kw)))


def complete(d: Driver, **kw: Any) -> Any:
    return d.run(d.client.completions.create(model="anthropic.claude-v2", prompt=PROMPT, max_tokens_to_sample=3, **kw))


# ---------------------------------------------------------------- proxies


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    with Proxy() as server:
        yield server


def _calls(d: Driver) -> int:
    assert create(d).usage.output_tokens == 3
    assert stream(d)[-1].type == "message_stop"
    assert complete(d).completion
    assert d.run(d.client.messages.count_tokens(model=MODEL, messages=HELLO)).input_tokens > 0
    return 4


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_requests_go_through_the_proxy_the_environment_names(
    make_driver: Any, emulator: Any, proxy: Proxy, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, proxy.url)
    made = _calls(make_driver(emulator))
    assert len(proxy.seen) == made and all(target.startswith(emulator.url + "/model/") for _, target, _ in proxy.seen)
    assert len(emulator.log) == made and {entry.status for entry in emulator.log} == {200}


def test_proxy_credentials_are_sent_to_the_proxy(
    make_driver: Any, emulator: Any, proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url.replace("http://", "http://user:s%40cret@"))
    create(make_driver(emulator))
    assert proxy.seen[-1][2] == "Basic dXNlcjpzQGNyZXQ="  # user:s@cret
    assert "proxy-authorization" not in {name.lower() for name, _ in emulator.log[-1].headers}


@pytest.mark.parametrize(
    ("variables", "through"),
    [
        ({"HTTPS_PROXY": "{proxy}"}, False),  # for https URLs only
        ({"HTTP_PROXY": "{proxy}", "NO_PROXY": "127.0.0.1"}, False),
        ({"HTTP_PROXY": "{proxy}", "no_proxy": "example.com, 127.0.0.1"}, False),
        ({"ALL_PROXY": "{proxy}", "NO_PROXY": "*"}, False),
        ({"HTTP_PROXY": "{proxy}", "NO_PROXY": "example.com"}, True),
    ],
)
def test_which_requests_the_proxy_takes_follows_httpx(
    make_driver: Any,
    emulator: Any,
    proxy: Proxy,
    monkeypatch: pytest.MonkeyPatch,
    variables: dict[str, str],
    through: bool,
) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value.format(proxy=proxy.url))
    create(make_driver(emulator))
    # httpx's own client, on the same environment, is the reference.
    with httpx.Client() as reference:
        reference.get(emulator.url + "/_emulator/stats")
    assert len(proxy.seen) == (2 if through else 0)


def test_https_goes_through_the_proxy_tunnel_and_trusts_the_ca_bundle_of_the_environment(
    make_driver: Any, emulator: Any, proxy: Proxy, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytest.importorskip("cryptography")
    with tls_front(emulator.url, tmp_path) as (https_url, ca):
        monkeypatch.setenv("SSL_CERT_FILE", str(ca))
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        _base_client.shared_ssl_context.cache_clear()  # built once per process: build it from this environment
        try:
            assert create(make_driver(emulator, base_url=https_url)).usage.output_tokens == 3
            assert [(method, target) for method, target, _ in proxy.seen] == [("CONNECT", https_url[8:])]
        finally:
            _base_client.shared_ssl_context.cache_clear()


def test_a_ca_bundle_that_does_not_vouch_for_the_server_is_refused(
    make_driver: Any, emulator: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pytest.importorskip("cryptography")
    with tls_front(emulator.url, tmp_path) as (https_url, _):
        monkeypatch.setenv("SSL_CERT_FILE", certifi.where())  # a bundle without the test's authority
        _base_client.shared_ssl_context.cache_clear()
        try:
            with pytest.raises(ab.APIConnectionError):
                create(make_driver(emulator, base_url=https_url, max_retries=0))
        finally:
            _base_client.shared_ssl_context.cache_clear()


# ---------------------------------------------------------------- timeouts


@pytest.mark.timeout(60)
def test_a_body_the_server_stops_reading_ends_with_the_write_timeout(mode: str) -> None:
    with stalled_reader() as url:
        d = Driver(mode, **client_kwargs(_Fake(url), max_retries=0, timeout=2.0))
        try:
            started = time.monotonic()
            with pytest.raises(ab.APITimeoutError) as info:
                create(d, extra_body={"padding": "x" * 16_000_000})
            assert time.monotonic() - started < 15  # about 2 s; without a write timeout, never
            assert isinstance(info.value.__cause__, httpx.WriteTimeout)
            assert d.busy_connections() == 0
        finally:
            d.close()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("call", ["create", "stream", "completions"])
def test_a_trickled_response_head_ends_with_the_read_timeout(mode: str, call: str) -> None:
    with trickled_head(pause=1.0) as url:
        d = Driver(mode, **client_kwargs(_Fake(url), max_retries=0, timeout=2.0))
        try:
            started = time.monotonic()
            with pytest.raises(ab.APITimeoutError) as info:
                {"create": create, "stream": stream, "completions": complete}[call](d)
            # about 2 s; the head is 60 bytes, a byte a second, so without a deadline about a minute
            assert time.monotonic() - started < 15
            assert isinstance(info.value.__cause__, httpx.ReadTimeout)
        finally:
            d.close()


class _Fake:
    """What `client_kwargs` reads, for a server that is not the emulator."""

    access_key = "AKIDEXAMPLE"
    secret_key = "secret"
    region = "us-east-1"

    def __init__(self, url: str) -> None:
        self.url = url
