"""Shared fixtures: one local Bedrock emulator for the whole run, reset before each test that uses it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from _editable import check_editable_install

check_editable_install()  # before the package is imported: a module missing from the install is named

from anthropic_bedrock.emulator import Emulator  # noqa: E402

from drivers import driver, make_driver, mode  # noqa: E402, F401  (sync/async client fixtures)


@pytest.fixture(scope="session")
def _emulator_server() -> Iterator[Emulator]:
    with Emulator() as server:
        yield server


@pytest.fixture
def emulator(_emulator_server: Emulator) -> Iterator[Emulator]:
    """A running :class:`anthropic_bedrock.emulator.Emulator` (real HTTP on 127.0.0.1), freshly reset.

    The server is shared by the whole session; each test starts with an empty log, zeroed counters
    and no queued faults. Useful members:

    * ``emu.url`` (``http://127.0.0.1:<port>``), ``emu.region`` (``us-east-1``; any signed region
      is accepted), ``emu.access_key`` / ``emu.secret_key`` (``emu.session_token`` is None),
      ``emu.api_key`` (for ``Authorization: Bearer``), ``emu.env()`` (env vars for clients).
    * ``emu.push_fault("status=503", count=2)``, ``emu.push_fault("cut=3", match="stream")``:
      script the next model requests; or send header ``x-emulator-fault: <spec>`` on one request.
      The spec syntax is in the :mod:`anthropic_bedrock.emulator` docstring.
    * ``emu.log`` / ``emu.requests("invoke")`` (operations ``invoke``, ``stream``,
      ``count_tokens``, ``control``, ``unknown``; ``LogEntry``: method, path, headers, body,
      body_size, received_at, request_id, operation, model_id, fault, status; the body of a
      request refused before authentication keeps only its first KiB), ``emu.stats()``
      (requests, by_path, by_operation, by_status, signature_failures, faults_served),
      ``emu.reset()``.
    * Deterministic answers (echo, tool calls, thinking, token counts) and the ``novel``
      directive: the "Answers" section of the :mod:`anthropic_bedrock.emulator` docstring.
    """
    _emulator_server.reset()
    yield _emulator_server
    _emulator_server.reset()
