"""Command line for the emulator: ``anthropic-bedrock emulator`` and ``python -m anthropic_bedrock.emulator``.

The first line printed is the base URL alone (flushed at once), so a parent process can read it;
the lines after it are shell ``export`` statements for the SDK and boto3. Log lines go to stderr
through a queue (:mod:`._logsink`), so a parent that never reads stderr cannot stall the server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shlex
import signal
import sys

from . import _logsink
from ._server import DEFAULT_ACCESS_KEY, DEFAULT_API_KEY, DEFAULT_REGION, DEFAULT_SECRET_KEY, Emulator

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the emulator's flags to ``parser``."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on; 0 picks a free one (default: 0)")
    parser.add_argument("--access-key", default=DEFAULT_ACCESS_KEY, help="accepted AWS access key id")
    parser.add_argument("--secret-key", default=DEFAULT_SECRET_KEY, help="secret key for that access key")
    parser.add_argument("--session-token", default=None, help="require this X-Amz-Security-Token")
    parser.add_argument(
        "--api-key", default=DEFAULT_API_KEY, help="accepted Bedrock API key (Authorization: Bearer); '' disables"
    )
    parser.add_argument("--region", default=DEFAULT_REGION, help="region printed for clients (any region is accepted)")
    parser.add_argument(
        "--idle-timeout", type=float, default=60.0, help="close connections idle this many seconds (default: 60)"
    )
    parser.add_argument(
        "--header-timeout",
        type=float,
        default=10.0,
        help="close connections whose request head takes longer than this many seconds (default: 10)",
    )
    parser.add_argument(
        "--reuse-port",
        action="store_true",
        help="let several emulator processes listen on the same --port (SO_REUSEPORT), for load tests",
    )
    parser.add_argument(
        "--s3", action="store_true", help="run batch inference too, with moto's S3 server on loopback (emulator extra)"
    )
    parser.add_argument(
        "--batch-pace", type=float, default=0.0, help="seconds each batch job spends per record (default: 0)"
    )


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM; returns the exit status."""
    sink = _logsink.install()
    server = Emulator(
        host=args.host,
        port=args.port,
        access_key=args.access_key,
        secret_key=args.secret_key,
        session_token=args.session_token or None,
        api_key=args.api_key or None,
        region=args.region,
        idle_timeout=args.idle_timeout,
        header_timeout=args.header_timeout,
        reuse_port=args.reuse_port,
        s3=args.s3,
        batch_pace=args.batch_pace,
    )

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signum, server.request_stop)
        await server.serve_until_stopped(_announce)

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    finally:
        sink.flush_within(1.0)
    return 0


def _announce(server: Emulator) -> None:
    print(server.url, flush=True)
    lines = [
        "# Bedrock Runtime emulator is running (Ctrl-C to stop). Point clients at it with:",
        *(f"export {name}={shlex.quote(value)}" for name, value in server.env().items()),
    ]
    if server.env().get("AWS_ENDPOINT_URL_S3"):
        lines.append(f"# Batch inference: S3 bucket {server.batch.bucket}, service role {server.batch.role_arn}")
    if server.api_key:
        lines.append(f"# API-key auth instead of SigV4: export AWS_BEARER_TOKEN_BEDROCK={shlex.quote(server.api_key)}")
    print("\n".join(lines), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m anthropic_bedrock.emulator", description="Local Bedrock emulator")
    add_arguments(parser)
    return run(parser.parse_args(argv))
