"""The project's Bedrock emulator in its own process, so its CPU is not the client's; or several processes
behind one port (`EmulatorGroup`), so that the server has more than one core when a load test needs it."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shlex
import subprocess
import threading
import time
from pathlib import Path
from typing import IO

DEFAULT_CREDS = {"access_key": "AKIDEMULATOR000000", "secret_key": "emulator-secret-key", "region": "us-east-1"}

_URL = re.compile(r"https?://[^\s'\"]+")
# The lines after the URL are shell exports; these names carry what a client needs.
_EXPORTS = {"AWS_ACCESS_KEY_ID": "access_key", "AWS_SECRET_ACCESS_KEY": "secret_key", "AWS_REGION": "region"}
_EXPORT = re.compile(r"^\s*export\s+([A-Z_][A-Z0-9_]*)=(.*)$")


class Emulator:
    def __init__(self, python: str, log_path: Path, cpu: int | None = None, args: tuple[str, ...] = ()) -> None:
        self.python = python
        self.args = args
        self.log_path = log_path
        self.cpu = cpu
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""
        self.creds = dict(DEFAULT_CREDS)
        self.banner: list[str] = []
        self._seen: set[str] = set()
        self._log: IO[str] | None = None

    def start(self, timeout: float = 30.0) -> None:
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        env["PYTHONUNBUFFERED"] = "1"
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [self.python, "-m", "anthropic_bedrock.emulator", "--port", "0", *self.args],
            stdout=subprocess.PIPE,
            stderr=self._log,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        if self.cpu is not None and hasattr(os, "sched_setaffinity"):
            with contextlib.suppress(OSError):
                os.sched_setaffinity(self.proc.pid, {self.cpu})
        assert self.proc.stdout is not None
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(self.proc.stdout, lines), daemon=True).start()
        deadline = time.monotonic() + timeout
        # The first line is the URL; the next few lines carry the credentials. Read until all are seen or
        # nothing more arrives for a short while.
        while time.monotonic() < deadline:
            wait = max(0.05, deadline - time.monotonic()) if not self.url else 0.5
            try:
                line = lines.get(timeout=wait)
            except queue.Empty:
                if self.url:
                    break
                continue
            if line is None:
                break
            self.banner.append(line.rstrip("\n"))
            if not self.url:
                match = _URL.search(line)
                if match:
                    self.url = match.group(0).rstrip("/.,")
            match = _EXPORT.match(line)
            if match and match.group(1) in _EXPORTS:
                values = shlex.split(match.group(2))
                if values:
                    key = _EXPORTS[match.group(1)]
                    self.creds[key] = values[0]
                    self._seen.add(key)
            if self.url and len(self._seen) == len(_EXPORTS):
                break
        if not self.url:
            self.stop()
            raise RuntimeError(f"the emulator printed no URL; see {self.log_path}: {self.banner!r}")

    def __enter__(self) -> Emulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _pump(self, stream: IO[str], lines: queue.Queue[str | None]) -> None:
        # Keep draining stdout for the whole run so a chatty server never blocks on a full pipe.
        for line in stream:
            if len(self.banner) < 40:
                lines.put(line)
            log = self._log
            if log is not None:
                with contextlib.suppress(ValueError):  # closed by stop()
                    log.write(line)
        lines.put(None)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def pids(self) -> list[int]:
        return [self.proc.pid] if self.proc is not None else []

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self._log is not None:
            log, self._log = self._log, None
            log.close()


class EmulatorGroup:
    """`processes` emulators listening on one port (SO_REUSEPORT): the kernel spreads the connections."""

    def __init__(self, python: str, log_dir: Path, processes: int, stem: str = "emulator-group") -> None:
        self.members = [
            Emulator(python, log_dir / f"{stem}-{i}.log", args=("--reuse-port",)) for i in range(max(1, processes))
        ]

    @property
    def url(self) -> str:
        return self.members[0].url

    @property
    def creds(self) -> dict[str, str]:
        return self.members[0].creds

    @property
    def banner(self) -> list[str]:
        return self.members[0].banner

    @property
    def pids(self) -> list[int]:
        return [pid for member in self.members for pid in member.pids]

    def start(self) -> None:
        first, *rest = self.members
        first.start()
        port = first.url.rsplit(":", 1)[1]
        try:
            for member in rest:
                member.args = ("--reuse-port", "--port", port)  # the later `--port` wins
                member.start()
        except BaseException:
            self.stop()
            raise

    def alive(self) -> bool:
        return all(member.alive() for member in self.members)

    def stop(self) -> None:
        for member in self.members:
            member.stop()
