"""Bedrock's error answers: the JSON body, the ``x-amzn-ErrorType`` header and the usual messages."""

from __future__ import annotations

import json
from typing import Final

__all__ = ["DEFAULT_MESSAGES", "ERROR_SUFFIX", "error_response"]

# Some AWS front ends append the Coral namespace to the error type; clients must strip it.
ERROR_SUFFIX: Final = ":http://internal.amazon.com/coral/com.amazon.bedrock/"

DEFAULT_MESSAGES: Final = {
    "ValidationException": "The request failed validation (injected).",
    "AccessDeniedException": "You don't have access to the model with the specified model ID.",
    "ResourceNotFoundException": "Could not resolve the foundation model from the provided model identifier.",
    "ModelTimeoutException": "Model has timed out in processing the request. Try your request again.",
    "ModelErrorException": "The system encountered an unexpected error during processing. Try your request again.",
    "ThrottlingException": "Too many requests, please wait before trying again.",
    "InternalServerException": "The system encountered an unexpected error during processing. Try your request again.",
    "ServiceUnavailableException": "Bedrock is unable to process your request.",
    "throttlingException": "Too many requests, please wait before trying again.",
    "modelStreamErrorException": "The model stream failed (injected).",
    "internalServerException": "The system encountered an unexpected error during processing. Try your request again.",
    "validationException": "The request failed validation (injected).",
    "modelTimeoutException": "Model has timed out in processing the request. Try your request again.",
    "serviceUnavailableException": "Bedrock is unable to process your request.",
}


def error_response(error_type: str, message: str, *, suffix: bool = False) -> tuple[list[tuple[str, str]], bytes]:
    """Headers and body of an error answer (``suffix``: add the Coral namespace to the type)."""
    wire_type = error_type + ERROR_SUFFIX if suffix else error_type
    headers = [("content-type", "application/json"), ("x-amzn-errortype", wire_type)]
    return headers, json.dumps({"message": message}).encode()
