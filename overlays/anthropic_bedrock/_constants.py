"""Defaults and the prompt markers of the text completions API."""

from typing import Final

HUMAN_PROMPT: Final = "\n\nHuman:"
AI_PROMPT: Final = "\n\nAssistant:"

ANTHROPIC_VERSION: Final = "bedrock-2023-05-31"
# What the command line talks to unless told otherwise: a current Claude model's cross-region
# inference profile (Bedrock serves current models through inference profiles).
DEFAULT_MESSAGES_MODEL: Final = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
DEFAULT_REGION: Final = "us-east-1"
SIGNING_NAME: Final = "bedrock"
# The SigV4 signing name of bedrock-mantle, the host of Anthropic's own Messages wire format on Bedrock.
MANTLE_SIGNING_NAME: Final = "bedrock-mantle"

DEFAULT_MAX_RETRIES: Final = 2
DEFAULT_TIMEOUT_SECONDS: Final = 600.0
DEFAULT_CONNECT_TIMEOUT_SECONDS: Final = 5.0

# Backoff: about 0.5 s doubling per attempt, capped; server hints are honoured up to a cap.
INITIAL_RETRY_DELAY: Final = 0.5
MAX_RETRY_DELAY: Final = 8.0
MAX_RETRY_AFTER: Final = 60.0

# Connection pool limits for clients that build their own httpx client.
MAX_CONNECTIONS: Final = 1000
MAX_KEEPALIVE_CONNECTIONS: Final = 100
