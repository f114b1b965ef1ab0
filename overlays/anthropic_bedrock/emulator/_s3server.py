"""A real S3-compatible server on loopback for batch inference: moto's server mode in a thread.

Bedrock batch jobs read their input from S3 and write their output there; the emulator's jobs do the
same, through botocore, against this server. moto (the `emulator` extra) answers S3's REST API on
127.0.0.1 at a free port; it accepts any credentials.
"""

from __future__ import annotations

import urllib.request
from types import TracebackType
from typing import Any

__all__ = ["S3Server"]


class S3Server:
    """moto's S3 on `http://127.0.0.1:<free port>`; start with `with` (or `start()` / `stop()`)."""

    access_key = "emulator-s3-access-key"
    secret_key = "emulator-s3-secret-key"
    region = "us-east-1"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        try:
            from moto.server import ThreadedMotoServer
        except ImportError as exc:  # the emulator extra is not installed
            raise RuntimeError(
                "the emulator's S3 server needs moto: pip install 'anthropic-bedrock[emulator]'"
            ) from exc
        self._server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
        self._started = False
        self.url = ""

    def start(self) -> S3Server:
        self._server.start()
        self._started = True
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        if self._started:
            self._started = False
            self._server.stop()

    def reset(self) -> None:
        """Forget every bucket and object."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:
            answer.read()

    def client(self) -> Any:
        """A botocore S3 client for this server."""
        import botocore.session
        from botocore.config import Config

        return botocore.session.Session().create_client(
            "s3",
            region_name=self.region,
            endpoint_url=self.url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            config=Config(s3={"addressing_style": "path"}),
        )

    def __enter__(self) -> S3Server:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
