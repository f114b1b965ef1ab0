"""The `anthropic_bedrock` logger, switched on by `ANTHROPIC_BEDROCK_LOG=debug|info`.

Only methods, URLs, statuses, timings and retry decisions are logged: never keys, signatures,
session tokens or bodies.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

logger = logging.getLogger("anthropic_bedrock")
_configured = False


def setup_logging() -> None:
    """Honour ANTHROPIC_BEDROCK_LOG once per process (called when a client is built)."""
    global _configured
    if _configured:
        return
    _configured = True
    level = {"debug": logging.DEBUG, "info": logging.INFO}.get(os.environ.get("ANTHROPIC_BEDROCK_LOG", "").lower())
    if level is None:
        return
    logger.setLevel(level)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s - %(name)s:%(lineno)d - %(levelname)s] %(message)s"))
        logger.addHandler(handler)


_SECRET_HEADERS = frozenset({"authorization", "x-amz-security-token", "proxy-authorization"})


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy safe to log: credentials, signatures and tokens are masked."""
    return {k: ("***" if k.lower() in _SECRET_HEADERS else v) for k, v in headers.items()}
