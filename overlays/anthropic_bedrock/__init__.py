"""Python SDK for Anthropic's Claude models on Amazon Bedrock."""

__version__ = "0.9.0"
