"""A local Bedrock Runtime emulator: a real HTTP server on loopback (imported only on demand).

It exists so the SDK's integration tests, demos and benchmarks can talk real HTTP/1.1, SigV4 and
the binary event stream without an AWS account. ``import anthropic_bedrock`` never imports it.

Use::

    from anthropic_bedrock.emulator import emulator, async_emulator

    with emulator() as emu:               # server thread; or: async with async_emulator() as emu
        emu.url, emu.access_key, emu.secret_key, emu.session_token, emu.region, emu.api_key
        emu.push_fault("status=503", count=2)   # the next two model requests fail, then success
        emu.log, emu.stats(), emu.reset()

or from a shell: ``python -m anthropic_bedrock.emulator --port 8080`` or ``anthropic-bedrock emulator``
(first output line: the URL; ``--help`` lists the flags, timeouts included).

Endpoints (as Bedrock Runtime)
------------------------------
``POST /model/{modelId}/invoke``, ``POST /model/{modelId}/invoke-with-response-stream`` and
``POST /model/{modelId}/count-tokens`` (log operations ``invoke``, ``stream``, ``count_tokens``); the
model id is percent-decoded (ARNs arrive with ``%3A`` and ``%2F``). Model ids containing
``anthropic`` or ``claude`` (and provisioned/custom/imported model and application inference
profile ARNs) are known; one containing ``nonexistent`` answers 404 ResourceNotFoundException.
Any other path answers 404 UnknownOperationException. Every answer carries ``x-amzn-RequestId``;
invoke answers add ``X-Amzn-Bedrock-Input-Token-Count``, ``-Output-Token-Count`` and
``-Invocation-Latency``. Errors are ``{"message": ...}`` with ``x-amzn-ErrorType``.

Anthropic's own Messages wire format (bedrock-mantle, and bedrock-runtime's ``/anthropic`` path):
``POST /anthropic/v1/messages`` and ``POST /anthropic/v1/messages/count_tokens`` (log operations
``messages``, ``messages_count_tokens``), signed for ``bedrock-mantle`` or ``bedrock`` or with an API
key. ``model`` and ``stream`` are body fields, ``anthropic-version`` a required header, betas an
``anthropic-beta`` header; the answers are InvokeModel's, a stream is server-sent events, counts are
``{"input_tokens": N}``, and errors (the router's too) are Anthropic's ``{"type": "error", "error":
{"type", "message"}}`` with a ``request-id`` header. Faults apply alike: ``exception=`` sends an
``error`` event (``serviceUnavailableException`` is ``overloaded_error``), ``crc=<k>`` a malformed
event (see ``_sse``).

CountTokens takes ``{"input": {"invokeModel": {"body": "<base64 of an InvokeModel body>"}}}`` and
answers ``{"inputTokens": N}``: the inner body is validated as InvokeModel validates it (a 400
ValidationException prefixed ``input.invokeModel.body:``), and ``N`` is exactly the input token
count invoking it reports. Bad JSON, a missing ``input``, not exactly one union member, bad base64
or an inner body over 25,000,000 bytes are 400 ValidationExceptions saying which;
``input.converse`` is refused with a 400 (not emulated). Fault directives apply as for invoke.

Batch inference (the control plane, on the same port): ``POST /model-invocation-job``,
``GET /model-invocation-job/{jobIdentifier}``, ``POST /model-invocation-job/{jobIdentifier}/stop``
and ``GET /model-invocation-jobs`` (log operations ``create_job``, ``get_job``, ``stop_job``,
``list_jobs``), answered as botocore's ``bedrock`` model describes them, with Bedrock's validation
messages. They need ``Emulator(s3=True)`` (``--s3``; else 503): moto's S3 server starts on
loopback with the bucket ``emulator-batch`` (``emu.s3_url``, ``emu.batch``), and each job reads its
``.jsonl`` files there, answers every record as InvokeModel would and writes ``<file>.out`` and
``manifest.json.out`` (see ``_batch`` and ``_batch_runner``).

Authentication: SigV4 (signing name ``bedrock``, any region in the credential scope) recomputed with
botocore from the request as received, against the configured access key, secret key and optional
session token; at most 5 minutes of clock skew. ``Authorization: Bearer <api_key>`` (Bedrock API
keys) is accepted when ``api_key`` is set. Failures answer 403 with ``InvalidSignatureException``
(a signature that is not 64 lower-case hex digits included), ``IncompleteSignatureException``
(malformed Authorization), ``UnrecognizedClientException`` (unknown access key, wrong session token
or API key) or ``MissingAuthenticationTokenException``.

Answers (deterministic, so tests can assert exact values)
---------------------------------------------------------
Tokens: a token is a whitespace-separated word; a word over 64 characters is one token per
64-character slice. The emulated model echoes: it cycles the tokens of the last human text until
the token limit, and a stop sequence found in the generated text cuts it just before the sequence
(the earliest match wins; between matches at one position, the first listed). The answer ends
naturally only when that text has no tokens, or when the directive ``length=<n>`` stops it after
``n`` tokens with ``n`` below the limit.

Text completions (a body with ``prompt`` or ``max_tokens_to_sample`` and no ``messages``): the
human text is what follows the last ``Human:`` up to ``Assistant:``; the completion starts with a
space (`` alpha beta``). ``stop_reason``: ``max_tokens``; ``stop_sequence`` with ``stop`` naming
it; a natural end is ``stop_sequence`` with ``stop: "\\n\\nHuman:"``. Input tokens: the prompt's.
Streams send one ``chunk`` per token, the last with ``stop_reason`` and the metrics.

Messages API (any other body). Bodies of both APIs are validated against the API description (the
generated ``MessagesInvokeBody`` and ``CompletionsInvokeBody``, checked strictly: a key or a kind it
does not know is refused, as Bedrock refuses it), then by the rules between fields in
``_messages_check``; errors are worded as Bedrock words them (``_schema``). The message's
``id`` is ``msg_bdrk_`` + the first 24 hex digits of SHA-256 over the body as canonical JSON
(``json.dumps(body, sort_keys=True, separators=(",", ":"))``). Content, generated in this order
against one ``max_tokens`` budget:

1. ``thinking`` -- when ``thinking`` is enabled: ``"The user wrote {W} words; I will echo
   them."`` with ``W`` the number of whitespace-separated words of the last user text, and
   ``signature`` = base64 of SHA-256 over ``"emulator:" + thinking``. Its tokens count as output.
2. A tool call, when ``tools`` are given and: ``tool_choice`` is ``any`` (the first tool) or
   ``tool`` (that tool) -- forced: only the ``tool_use`` block; or ``tool_choice`` is ``auto`` or
   absent, the last user message carries no ``tool_result``, and its text names a tool (the first
   tool, in ``tools`` order, whose name appears as a whole word: not next to a letter, digit, ``_``
   or ``-``), else contains ``use a tool`` (any case; the first tool) -- then a text block ``"I
   will use the {name} tool."`` first. ``tool_choice: none`` never calls a tool. The ``tool_use``
   block: ``id`` ``toolu_emulator_{N}`` (``N`` = number of messages in the request), ``input`` built
   from ``input_schema``: each ``required`` property (others left out) gets its ``const``, else its
   first ``enum`` value, else by type: string ``"emulated"``, integer ``1``, number ``1.5``, boolean
   ``true``, null ``null``, array ``[]``, object built the same way (16 levels deep at most); a
   property without a schema or type is ``"emulated"``. Its tokens: those of ``json.dumps(input)``.
   If they do not fit in what is left of ``max_tokens`` the block is left out (``max_tokens``).
   ``stop_reason``: ``tool_use``.
3. Otherwise a ``text`` block echoing the last user message's text: its string content, or its
   text blocks and the text of its ``tool_result`` blocks (string content or text blocks), in
   order, joined by spaces -- so after a tool result the answer repeats the result's text. No
   leading space. ``stop_reason``: ``max_tokens``, ``stop_sequence`` (``stop_sequence`` names it),
   or ``end_turn`` for a natural end.

Stop sequences cut text blocks only (the tool preface too: then no ``tool_use`` follows). Usage:
``input_tokens`` by the formula in ``_tokens`` (words of every text, system prompt, tool name,
description and ``json.dumps(input_schema)``, plus 1000 per image and 2000 per document;
earlier thinking blocks count nothing), the same number CountTokens reports; ``output_tokens`` the
tokens of every generated block. Stream events, one ``chunk`` frame each: ``message_start``
(empty content, ``usage.output_tokens`` 1), ``ping``, then per block ``content_block_start`` (empty
``text`` / ``thinking`` with ``signature: ""`` / ``tool_use`` with ``input: {}``), its deltas
(``thinking_delta`` per token then one ``signature_delta``; ``text_delta`` per token, or the
echoed text in exactly ``chunks=<k>`` deltas; ``input_json_delta`` per 8 characters of
``json.dumps(input)``), ``content_block_stop``; then ``message_delta`` (``stop_reason``,
``stop_sequence``, ``usage.output_tokens``) and ``message_stop`` with
``amazon-bedrock-invocationMetrics``. Frames are written and flushed one by one.

Fault directives
----------------
Given per request in the ``x-emulator-fault`` header, or queued for the next matching model
requests with ``emu.push_fault(spec, count=1, match=None)`` or ``POST /_emulator/faults`` with
``{"spec": "...", "count": n, "match": "invoke" | "stream" | "count_tokens"}`` (or a list of
those). A header wins over the queue; requests refused by authentication consume nothing. A spec is ``;``-separated
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
                        ``modelTimeoutException``, ``serviceUnavailableException``) and end the stream;
                        on the Anthropic-native paths an ``error`` event, where Anthropic's types
                        (``overloaded_error``, ``rate_limit_error``, ...) are accepted too
``length=<n>``          make the answer end naturally after n tokens
``novel`` / ``novel=<kinds>``  add things no SDK knows yet (comma-separated kinds, default all
                        but ``frame``): ``block`` a last content block ``{"type": "novel_block",
                        "novel": {"answer": 42}}``; ``delta`` streamed, that block starts as
                        ``{"type": "novel_block", "novel": {}}`` and gets a ``{"type":
                        "novel_delta", "novel": {"answer": 42}}`` delta; ``event`` a ``{"type":
                        "novel_event", "novel": {"answer": 42}}`` event after ``ping``; ``stop``
                        ``stop_reason: "novel_stop"`` (text completions too); ``frame`` an
                        event-stream frame of ``:event-type`` ``novelEvent`` (payload
                        ``{"novel": {"answer": 42}}``) after the first chunk frame
``match=invoke|stream|count_tokens|messages|messages_count_tokens`` (queue only) which operation may consume it

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
  is checked before authentication, and the body is read and dropped, never held. A CountTokens
  request may carry that much in base64 (33,334,360 bytes with its envelope); control and unknown
  requests are limited to 1 MiB.
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
* What the headers already tell is decided before the body is read: the body of a request refused
  whatever it holds (unknown path, missing or malformed Authorization, unknown access key or API
  key, expired date...) is read and dropped as it comes (with ``Expect: 100-continue`` the answer
  comes at once, without it). SigV4 bodies, held until their signature can be checked, take at
  most ``unauthenticated_bytes`` (64 MiB) across all connections; past that such a request is
  answered 503 ServiceUnavailableException.
* A body over 32 KiB (and an answer over 8,192 tokens) is checked and written in a worker thread,
  so one heavy request does not hold up the others; thousands of stop sequences are looked for in
  one scan of the text (``_stops``).
* A client that leaves mid-answer is normal: one debug line on the ``anthropic_bedrock.emulator``
  logger. From the command line, log lines go to stderr through a queue, so a parent that never
  reads stderr cannot stall the server (lines past 1,000 waiting are dropped and counted).
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
