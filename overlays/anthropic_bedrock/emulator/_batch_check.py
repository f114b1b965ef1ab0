"""CreateModelInvocationJob and ListModelInvocationJobs arguments checked as Bedrock checks them.

The constraints are botocore's `bedrock` service model (2023-04-20); the messages are the ones AWS
services answer a constraint failure with: ``1 validation error detected: Value 'x' at 'jobName'
failed to satisfy constraint: Member must satisfy regular expression pattern: ...``, every failure
listed, joined by ``; ``. Patterns are matched against the whole value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

__all__ = ["CheckError", "check_create", "check_list"]

JOB_NAME: Final = r"[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\+\-\.]){0,63}"
ROLE_ARN: Final = r"arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+"
TOKEN: Final = r"[a-zA-Z0-9]{1,256}(-*[a-zA-Z0-9]){0,256}"
S3_URI: Final = r"s3://[a-z0-9][-.a-z0-9]{1,61}[a-z0-9](?:/[-!_*'().a-z0-9A-Z]+(?:/[-!_*'().a-z0-9A-Z]+)*)?/?"
ACCOUNT: Final = r"[0-9]{12}"
KMS_KEY: Final = (
    r"(arn:aws(-[^:]+)?:kms:[a-zA-Z0-9-]*:[0-9]{12}:((key/[a-zA-Z0-9-]{36})|(alias/[a-zA-Z0-9-_/]+)))"
    r"|([a-zA-Z0-9-]{36})|(alias/[a-zA-Z0-9-_/]+)"
)
STATUSES: Final = (
    "Submitted",
    "InProgress",
    "Completed",
    "Failed",
    "Stopping",
    "Stopped",
    "PartiallyCompleted",
    "Expired",
    "Validating",
    "Scheduled",
)


class CheckError(Exception):
    """The request breaks a constraint; the message is Bedrock's ValidationException text."""


@dataclass
class _Problems:
    found: list[str]

    def add(self, value: object, where: str, constraint: str) -> None:
        shown = "null" if value is None else f"'{value}'"
        self.found.append(f"Value {shown} at '{where}' failed to satisfy constraint: Member must {constraint}")

    def raise_if_any(self) -> None:
        if self.found:
            count = len(self.found)
            noun = "error" if count == 1 else "errors"
            raise CheckError(f"{count} validation {noun} detected: " + "; ".join(self.found))


def _string(
    problems: _Problems,
    document: Mapping[str, Any],
    key: str,
    where: str,
    *,
    required: bool = False,
    min_length: int = 0,
    max_length: int | None = None,
    pattern: str | None = None,
) -> None:
    value = document.get(key)
    if value is None:
        if required:
            problems.add(None, where, "not be null")
        return
    if not isinstance(value, str):
        problems.add(value, where, "be a string")
        return
    if len(value) < min_length:
        problems.add(value, where, f"have length greater than or equal to {min_length}")
    if max_length is not None and len(value) > max_length:
        problems.add(value, where, f"have length less than or equal to {max_length}")
    if pattern is not None and re.fullmatch(pattern, value) is None:
        problems.add(value, where, f"satisfy regular expression pattern: {pattern}")


def _integer(problems: _Problems, value: object, where: str, minimum: int, maximum: int) -> None:
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        problems.add(value, where, "be an integer")
    elif value < minimum:
        problems.add(value, where, f"have value greater than or equal to {minimum}")
    elif value > maximum:
        problems.add(value, where, f"have value less than or equal to {maximum}")


def _enum(problems: _Problems, value: object, where: str, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        problems.add(value, where, f"satisfy enum value set: [{', '.join(allowed)}]")


def _location(problems: _Problems, document: object, where: str, member: str, extra: Callable[..., None]) -> None:
    """A data-config union: exactly `member`, an S3 location."""
    if document is None:
        problems.add(None, where, "not be null")
        return
    inner = document.get(member) if isinstance(document, dict) else None
    if not isinstance(inner, dict):
        problems.add(None, f"{where}.{member}", "not be null")
        return
    at = f"{where}.{member}"
    _string(problems, inner, "s3Uri", f"{at}.s3Uri", required=True, min_length=1, max_length=1024, pattern=S3_URI)
    _string(problems, inner, "s3BucketOwner", f"{at}.s3BucketOwner", pattern=ACCOUNT)
    extra(problems, inner, at)


def _input_extra(problems: _Problems, inner: Mapping[str, Any], at: str) -> None:
    _enum(problems, inner.get("s3InputFormat"), f"{at}.s3InputFormat", ("JSONL",))


def _output_extra(problems: _Problems, inner: Mapping[str, Any], at: str) -> None:
    _string(
        problems, inner, "s3EncryptionKeyId", f"{at}.s3EncryptionKeyId", min_length=1, max_length=2048, pattern=KMS_KEY
    )


def check_create(document: object) -> dict[str, Any]:
    """The CreateModelInvocationJob body if it meets botocore's constraints; else CheckError."""
    if not isinstance(document, dict):
        raise CheckError("1 validation error detected: the request body must be a JSON object")
    problems = _Problems([])
    _string(problems, document, "jobName", "jobName", required=True, min_length=1, max_length=63, pattern=JOB_NAME)
    _string(problems, document, "roleArn", "roleArn", required=True, max_length=2048, pattern=ROLE_ARN)
    _string(problems, document, "clientRequestToken", "clientRequestToken", min_length=1, max_length=256, pattern=TOKEN)
    _string(problems, document, "modelId", "modelId", required=True, min_length=1, max_length=2048)
    _location(problems, document.get("inputDataConfig"), "inputDataConfig", "s3InputDataConfig", _input_extra)
    _location(problems, document.get("outputDataConfig"), "outputDataConfig", "s3OutputDataConfig", _output_extra)
    _integer(problems, document.get("timeoutDurationInHours"), "timeoutDurationInHours", 24, 168)
    _enum(problems, document.get("modelInvocationType"), "modelInvocationType", ("InvokeModel", "Converse"))
    tags = document.get("tags")
    if tags is not None:
        if not isinstance(tags, list):
            problems.add(tags, "tags", "be a list")
        elif len(tags) > 200:
            problems.add(f"[{len(tags)} tags]", "tags", "have length less than or equal to 200")
        else:
            for index, tag in enumerate(tags, 1):
                tag = tag if isinstance(tag, dict) else {}
                _string(problems, tag, "key", f"tags.{index}.member.key", required=True, min_length=1, max_length=128)
                _string(problems, tag, "value", f"tags.{index}.member.value", required=True, max_length=256)
    vpc = document.get("vpcConfig")
    if vpc is not None:
        for key, most in (("subnetIds", 16), ("securityGroupIds", 5)):
            ids = vpc.get(key) if isinstance(vpc, dict) else None
            if not isinstance(ids, list) or not 1 <= len(ids) <= most:
                problems.add(None if ids is None else f"{ids}", f"vpcConfig.{key}", f"have length between 1 and {most}")
    problems.raise_if_any()
    return document


def check_list(query: Mapping[str, str]) -> dict[str, Any]:
    """ListModelInvocationJobs query parameters, typed; CheckError for a bad one."""
    problems = _Problems([])
    _enum(problems, query.get("statusEquals"), "statusEquals", STATUSES)
    _enum(problems, query.get("sortBy"), "sortBy", ("CreationTime",))
    _enum(problems, query.get("sortOrder"), "sortOrder", ("Ascending", "Descending"))
    _string(problems, query, "nameContains", "nameContains", min_length=1, max_length=63, pattern=JOB_NAME)
    text = query.get("maxResults")
    max_results: object = int(text) if text is not None and text.isdigit() else text
    _integer(problems, max_results, "maxResults", 1, 1000)
    problems.raise_if_any()
    return {**query, "maxResults": max_results}
