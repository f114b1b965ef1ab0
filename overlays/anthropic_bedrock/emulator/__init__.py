"""A local Bedrock Runtime emulator: a real HTTP server on loopback (imported only on demand).

It exists so the SDK's integration tests, demos and benchmarks can talk real HTTP/1.1, SigV4 and
the binary event stream without an AWS account. ``import anthropic_bedrock`` never imports it.

Use::

    from anthropic_bedrock.emulator import emulator, async_emulator

    with emulator() as emu:               # server thread; or: async with async_emulator() as emu
        emu.url, emu.access_key, emu.secret_key, emu.session_token, emu.region, emu.api_key
        emu.push_fault("status=503", count=2)   # the next two model requests fail, then success
        emu.log, emu.stats(), emu.reset()

or from a shell: ``python -m anthropic_bedrock.emulator --port 8080`` (first output line: the URL).

Endpoints (as Bedrock Runtime)
------------------------------
``POST /model/{modelId}/invoke`` and ``POST /model/{modelId}/invoke-with-response-stream``; the
model id is percent-decoded (ARNs arrive with ``%3A`` and ``%2F``). Model ids containing
``anthropic`` or ``claude`` (and provisioned/custom/imported model and application inference
profile ARNs) are known; one containing ``nonexistent`` answers 404 ResourceNotFoundException.
Any other path answers 404 UnknownOperationException. Every answer carries ``x-amzn-RequestId``;
invoke answers add ``X-Amzn-Bedrock-Input-Token-Count``, ``-Output-Token-Count`` and
``-Invocation-Latency``. Errors are ``{"message": ...}`` with ``x-amzn-ErrorType``.

Authentication: SigV4 (signing name ``bedrock``, any region in the credential scope) recomputed with
botocore from the request as received, against the configured access key, secret key and optional
session token; at most 5 minutes of clock skew. ``Authorization: Bearer <api_key>`` (Bedrock API
keys) is accepted when ``api_key`` is set. Failures answer 403 with ``InvalidSignatureException``,
``IncompleteSignatureException`` (malformed Authorization), ``UnrecognizedClientException``
(unknown access key, wrong session token or API key) or ``MissingAuthenticationTokenException``.

Answers are deterministic, see :mod:`anthropic_bedrock.emulator._bedrock`: words of the last human
turn, cycled to exactly the token limit, cut before a stop sequence. Both the text-completions
body and a Messages API body are accepted and validated like Bedrock (a 400 ValidationException
message names the offending field). Streams send one ``chunk`` frame per word, each written and
flushed as produced; the last carries ``amazon-bedrock-invocationMetrics``.

Fault directives
----------------
Given per request in the ``x-emulator-fault`` header, or queued for the next matching model
requests with ``emu.push_fault(spec, count=1, match=None)`` or ``POST /_emulator/faults`` with
``{"spec": "...", "count": n, "match": "invoke" | "stream"}`` (or a list of those). A header
wins over the queue; requests refused by authentication consume nothing. A spec is ``;``-separated
``key=value`` pairs and flags, values percent-decoded:

``status=<code>``       answer this HTTP error with Bedrock's error type for it: 400 ValidationException,
                        403 AccessDeniedException, 404 ResourceNotFoundException, 408
                        ModelTimeoutException, 424 ModelErrorException, 429 ThrottlingException,
                        500 InternalServerException, 503 ServiceUnavailableException
``type=<ErrorType>``    override the x-amzn-ErrorType (alone, it picks its usual status)
``message=<text>``      override the error (or in-stream exception) message
``retry_after=<s>``     add ``Retry-After: <s>``;  ``retry_after_ms=<ms>`` adds ``retry-after-ms``
``should_retry=true|false``  add ``x-should-retry``
``reset``               abort the connection with a TCP RST before any response
``delay=<ms>``          wait before sending the response headers
``pace=<ms>``           wait between stream frames;  ``chunks=<k>``: send the text in exactly k chunks
``cut=<k>``             close the connection after k stream frames (invoke, or with status: after
                        the headers and half the body)
``crc`` / ``crc=<k>``   corrupt the message CRC of frame k (default the first)
``exception=<type>``    after ``after=<k>`` chunk frames (default 0) send an in-stream exception frame
                        (``throttlingException``, ``modelStreamErrorException``,
                        ``internalServerException``, ``validationException``,
                        ``modelTimeoutException``, ``serviceUnavailableException``) and end the stream
``length=<n>``          make the answer end naturally after n words
``match=invoke|stream`` (queue only) which operation may consume it

Examples: ``status=429;retry_after=1``, ``pace=50;chunks=10``, ``exception=throttlingException;after=2``.

Control endpoints (no auth): ``POST /_emulator/faults``, ``DELETE /_emulator/faults``,
``GET /_emulator/stats``, ``POST /_emulator/reset``.

Bounds
------
What a request may ask for is bounded as Bedrock bounds it, and what the emulator holds for it is
bounded too:

* An invoke body over 25,000,000 bytes (InvokeModel's ``body`` member) answers 400
  ValidationException ``1 validation error detected: Value at 'body' failed to satisfy constraint:
  Member must have length less than or equal to 25000000`` (Bedrock answers 400 here, not 413). It
  is checked before authentication, and the body is read and dropped, never held; control and
  unknown requests are limited to 1 MiB.
* ``max_tokens_to_sample`` at most 4,096 (Bedrock's documented maximum for Claude text
  completions); ``max_tokens`` at most 128,000 (Bedrock documents a per-model limit only; 128,000 is
  the largest any Claude model accepts, so it stands for all). Over that: 400 ValidationException
  naming the field (``#/max_tokens: ... is not less or equal to 128000``). ``chunks=`` at most
  100,000. Answers are generated piece by piece as they are sent, and an echoed word longer than 64
  characters is one token per 64-character slice, so no answer is larger than its token limit
  allows.
* The request log keeps at most ``log_limit`` (10,000) entries and about ``log_bytes`` (64 MiB);
  the body of a request refused before authentication succeeded (unknown path, failed signature,
  oversized) is kept only up to its first KiB (``LogEntry.body_size`` has the full length).
* A connection idle for ``idle_timeout`` (60 s) is closed, as is one whose request line and
  headers take longer than ``header_timeout`` (10 s) from their first byte. Out of descriptors,
  the server retries accepting every 0.1 s and logs one line per 5 s.
"""

from ._faults import STREAM_EXCEPTION_TYPES, FaultSpec, parse_fault
from ._server import (
    DEFAULT_ACCESS_KEY,
    DEFAULT_API_KEY,
    DEFAULT_REGION,
    DEFAULT_SECRET_KEY,
    Emulator,
    EmulatorConfig,
    LogEntry,
    Stats,
    async_emulator,
    emulator,
)

__all__ = [
    "DEFAULT_ACCESS_KEY",
    "DEFAULT_API_KEY",
    "DEFAULT_REGION",
    "DEFAULT_SECRET_KEY",
    "STREAM_EXCEPTION_TYPES",
    "Emulator",
    "EmulatorConfig",
    "FaultSpec",
    "LogEntry",
    "Stats",
    "async_emulator",
    "emulator",
    "parse_fault",
]
