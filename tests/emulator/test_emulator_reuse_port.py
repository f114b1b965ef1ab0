"""Several emulators on one port (`reuse_port`), so a load test can give the server more than one core."""

from __future__ import annotations

import pytest
from test_emulator import post

from anthropic_bedrock.emulator import Emulator, emulator


def test_two_emulators_share_a_port_with_reuse_port() -> None:
    with emulator(reuse_port=True) as first:
        second = Emulator(port=first.port, reuse_port=True)
        second.start()
        try:
            assert second.port == first.port
            for _ in range(40):  # each on a new connection, which the kernel gives to either listener
                assert post(first).status_code == 200
            counts = (first.stats().requests, second.stats().requests)
            assert sum(counts) == 40
            assert min(counts) > 0, counts  # a chance of 2**-39 that one listener got none
        finally:
            second.stop()


def test_a_taken_port_is_refused_without_reuse_port() -> None:
    with emulator(reuse_port=True) as first, pytest.raises(OSError), emulator(port=first.port):
        pass
