"""The batch inference control-plane operations (CreateModelInvocationJob, GetModelInvocationJob,
StopModelInvocationJob, ListModelInvocationJobs) as `Operation` values, sent by the one engine to
Bedrock's control plane (`bedrock.{region}`, signed for `bedrock` like the runtime).

Their arguments are the request as data: the generated CreateModelInvocationJob body, or the path
and query parameters of the others, checked like any other call's before anything is sent.
`client.messages.batches` drives them (with S3) through `_batch`.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Required, TypedDict

import attrs

from .._generated.api import RequestParts
from .._generated.api.batch import (
    create_model_invocation_job,
    get_model_invocation_job,
    list_model_invocation_jobs,
    stop_model_invocation_job,
)
from .._generated.models.create_model_invocation_job_request import CreateModelInvocationJobRequest
from .._generated.models.create_model_invocation_job_response import CreateModelInvocationJobResponse
from .._generated.models.get_model_invocation_job_response import GetModelInvocationJobResponse
from .._generated.models.list_model_invocation_jobs_response import ListModelInvocationJobsResponse
from .._generated.models.model_invocation_job_status import ModelInvocationJobStatus
from .._generated.models.sort_order import SortOrder
from .._generated.types import UNSET, Constraint
from ..types import ResponseMetadata
from .base import Operation

__all__ = ["CREATE_JOB", "GET_JOB", "LIST_JOBS", "STOP_JOB", "JobStopped"]

# The spec's jobIdentifier: a job ARN or its 12-character id.
_JOB_IDENTIFIER: Final = Constraint(
    min_length=1,
    max_length=1011,
    pattern=r"^(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:model-invocation-job/)?[a-z0-9]{12}$",
)


class JobArguments(TypedDict):
    """Get and Stop: the job, by ARN or id."""

    jobIdentifier: Required[Annotated[str, _JOB_IDENTIFIER]]


class ListArguments(TypedDict, total=False):
    """ListModelInvocationJobs' query parameters (the spec's bounds)."""

    maxResults: Annotated[int, Constraint(minimum=1, maximum=1000)]
    nextToken: Annotated[str, Constraint(min_length=1, max_length=2048)]
    nameContains: Annotated[str, Constraint(min_length=1, max_length=63)]
    statusEquals: ModelInvocationJobStatus
    sortOrder: SortOrder
    submitTimeAfter: str
    submitTimeBefore: str


@attrs.define(slots=True)
class JobStopped:
    """StopModelInvocationJob's answer: an empty object, and the call's metadata."""

    response_metadata: ResponseMetadata | None = None


def _stopped(status_code: int, content: bytes) -> JobStopped | None:
    # botocore's output shape has no members: `{}`, or no body at all, is the whole answer.
    return JobStopped() if status_code == 200 else None


def _unused_body(arguments: dict[str, Any], headers: Any) -> dict[str, Any]:
    return arguments


def _list_request(arguments: dict[str, Any]) -> RequestParts:
    return list_model_invocation_jobs.build_request(
        max_results=arguments.get("maxResults", UNSET),
        next_token=arguments.get("nextToken", UNSET),
        name_contains=arguments.get("nameContains", UNSET),
        status_equals=arguments.get("statusEquals", UNSET),
        sort_order=arguments.get("sortOrder", UNSET),
        submit_time_after=arguments.get("submitTimeAfter", UNSET),
        submit_time_before=arguments.get("submitTimeBefore", UNSET),
    )


CREATE_JOB: Final[Operation[CreateModelInvocationJobResponse, None]] = Operation(
    name="batches.create_job",
    arguments=CreateModelInvocationJobRequest,
    body=_unused_body,
    endpoint=create_model_invocation_job.ENDPOINT,
    request=lambda body: create_model_invocation_job.build_request(body=body),  # type: ignore[arg-type]
    control_plane=True,
)
GET_JOB: Final[Operation[GetModelInvocationJobResponse, None]] = Operation(
    name="batches.get_job",
    arguments=JobArguments,
    body=_unused_body,
    endpoint=get_model_invocation_job.ENDPOINT,
    request=lambda arguments: get_model_invocation_job.build_request(arguments["jobIdentifier"]),
    control_plane=True,
)
STOP_JOB: Final[Operation[JobStopped, None]] = Operation(
    name="batches.stop_job",
    arguments=JobArguments,
    body=_unused_body,
    endpoint=attrs.evolve(stop_model_invocation_job.ENDPOINT, parse_response=_stopped),
    request=lambda arguments: stop_model_invocation_job.build_request(arguments["jobIdentifier"]),
    control_plane=True,
)
LIST_JOBS: Final[Operation[ListModelInvocationJobsResponse, None]] = Operation(
    name="batches.list_jobs",
    arguments=ListArguments,
    body=_unused_body,
    endpoint=list_model_invocation_jobs.ENDPOINT,
    request=_list_request,
    control_plane=True,
)
