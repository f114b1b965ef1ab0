"""The batch inference control-plane operations as the router dispatches them: CreateModelInvocationJob,
GetModelInvocationJob, StopModelInvocationJob and ListModelInvocationJobs, each authenticated
(SigV4 for `bedrock`) by the router and answered by the emulator's jobs (`_batch.BatchJobs`)."""

from __future__ import annotations

from ._handler import Call
from ._reply import Reply

__all__ = ["jobs"]


async def jobs(call: Call, reply: Reply) -> None:
    """Answer one control-plane request (the four share one handler: the jobs route by path)."""
    service = call.state.batch
    if service is None or not service.started:
        await reply.send_error(
            503,
            "ServiceUnavailableException",
            "The emulator runs batch inference only with its S3 server: start it with Emulator(s3=True) or --s3.",
        )
        return
    query = call.target.partition("?")[2]
    status, headers, body = service.jobs.handle(call.method, call.path, query, call.body)
    await reply.send(status, headers, body)
