"""The OpenTelemetry names this SDK emits, in one place, with the convention version they follow.

Version followed: the GenAI semantic conventions of OpenTelemetry semantic conventions **v1.41.1**
(schema https://opentelemetry.io/schemas/1.41.1; the attribute names as shipped by the
`opentelemetry-semantic-conventions` 0.64b0 package, the last core release that carries them), which
moved unchanged for every name used here to the `open-telemetry/semantic-conventions-genai`
repository (schema `gen-ai/1.42.0`): spans "Inference" (gen-ai-spans.md), the AWS Bedrock refinement
(aws-bedrock.md: `gen_ai.provider.name` MUST be `aws.bedrock`) and client metrics (gen-ai-metrics.md).
The conventions are at "Development" status; when they change, this module is the one to edit.

Nothing here imports OpenTelemetry: these are plain strings and numbers.
"""

from __future__ import annotations

from typing import Final

SCHEMA_URL: Final = "https://opentelemetry.io/schemas/1.41.1"
INSTRUMENTATION_NAME: Final = "anthropic_bedrock"

# ------------------------------------------------------------------ operation names
# `gen_ai.operation.name`: the well-known values where one applies ...
CHAT: Final = "chat"
"""messages.create / stream / parse."""
TEXT_COMPLETION: Final = "text_completion"
"""completions.create (the legacy text models)."""
# ... and custom values where none does, as the convention allows ("otherwise, a custom value MAY be
# used"). Counting tokens generates nothing and bills nothing, and a batch job is a control-plane
# call, so neither is `chat`; verb_noun, like the convention's own `create_agent`.
COUNT_TOKENS: Final = "count_tokens"
CREATE_BATCH: Final = "create_batch"
RETRIEVE_BATCH: Final = "retrieve_batch"
LIST_BATCHES: Final = "list_batches"
CANCEL_BATCH: Final = "cancel_batch"
BATCH_RESULTS: Final = "batch_results"

INFERENCE_OPERATIONS: Final = frozenset({CHAT, TEXT_COMPLETION})
BATCH_OPERATIONS: Final = frozenset({CREATE_BATCH, RETRIEVE_BATCH, LIST_BATCHES, CANCEL_BATCH, BATCH_RESULTS})

# ------------------------------------------------------------------ provider
# `gen_ai.provider.name`, which replaced `gen_ai.system` in v1.37. The transition plan asks
# instrumentations that already emitted v1.36 or older to keep doing so by default; this one never
# did, so it emits the current attribute alone (no deprecated duplicate to pay for on every span).
PROVIDER: Final = "aws.bedrock"

# ------------------------------------------------------------------ attributes
OPERATION_NAME: Final = "gen_ai.operation.name"
PROVIDER_NAME: Final = "gen_ai.provider.name"
REQUEST_MODEL: Final = "gen_ai.request.model"
REQUEST_MAX_TOKENS: Final = "gen_ai.request.max_tokens"
REQUEST_TEMPERATURE: Final = "gen_ai.request.temperature"
REQUEST_TOP_P: Final = "gen_ai.request.top_p"
REQUEST_TOP_K: Final = "gen_ai.request.top_k"  # a double in the convention
REQUEST_STOP_SEQUENCES: Final = "gen_ai.request.stop_sequences"
REQUEST_STREAM: Final = "gen_ai.request.stream"  # set only when true ("if unset, non-streaming")
OUTPUT_TYPE: Final = "gen_ai.output.type"
RESPONSE_ID: Final = "gen_ai.response.id"
RESPONSE_MODEL: Final = "gen_ai.response.model"
RESPONSE_FINISH_REASONS: Final = "gen_ai.response.finish_reasons"
RESPONSE_TIME_TO_FIRST_CHUNK: Final = "gen_ai.response.time_to_first_chunk"
USAGE_INPUT_TOKENS: Final = "gen_ai.usage.input_tokens"  # includes the cache tokens, as the convention says
USAGE_OUTPUT_TOKENS: Final = "gen_ai.usage.output_tokens"
USAGE_CACHE_READ_INPUT_TOKENS: Final = "gen_ai.usage.cache_read.input_tokens"
USAGE_CACHE_CREATION_INPUT_TOKENS: Final = "gen_ai.usage.cache_creation.input_tokens"
TOKEN_TYPE: Final = "gen_ai.token.type"
# Opt-in content (see `content`).
SYSTEM_INSTRUCTIONS: Final = "gen_ai.system_instructions"
INPUT_MESSAGES: Final = "gen_ai.input.messages"
OUTPUT_MESSAGES: Final = "gen_ai.output.messages"
TOOL_DEFINITIONS: Final = "gen_ai.tool.definitions"

ERROR_TYPE: Final = "error.type"
SERVER_ADDRESS: Final = "server.address"
SERVER_PORT: Final = "server.port"
AWS_REQUEST_ID: Final = "aws.request_id"  # "as returned in the response header x-amzn-requestid"

# The HTTP client span of each attempt (HTTP semantic conventions, stable).
HTTP_REQUEST_METHOD: Final = "http.request.method"
HTTP_RESPONSE_STATUS_CODE: Final = "http.response.status_code"
HTTP_REQUEST_RESEND_COUNT: Final = "http.request.resend_count"
URL_FULL: Final = "url.full"

# This SDK's own attributes, for facts no convention names (prefixed with the library's name, as the
# attribute naming guidelines ask). Counting tokens bills nothing, so its figure is not usage.
COUNT_TOKENS_INPUT_TOKENS: Final = "anthropic_bedrock.count_tokens.input_tokens"
BATCH_STATUS: Final = "anthropic_bedrock.batch.status"

# ------------------------------------------------------------------ metrics
TOKEN_USAGE_METRIC: Final = "gen_ai.client.token.usage"
OPERATION_DURATION_METRIC: Final = "gen_ai.client.operation.duration"
TIME_TO_FIRST_CHUNK_METRIC: Final = "gen_ai.client.operation.time_to_first_chunk"

# The ExplicitBucketBoundaries each metric "SHOULD be specified with" (gen-ai-metrics.md).
TOKEN_USAGE_BUCKETS: Final = (
    1,
    4,
    16,
    64,
    256,
    1024,
    4096,
    16384,
    65536,
    262144,
    1048576,
    4194304,
    16777216,
    67108864,
)
DURATION_BUCKETS: Final = (0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92)

# ------------------------------------------------------------------ content opt-in
CAPTURE_CONTENT_ENV: Final = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
# `true` is what the instrumentations on the older conventions read; SPAN_ONLY / SPAN_AND_EVENT are
# the values of the newer GenAI utilities. EVENT_ONLY asks for events, which this SDK does not emit.
CAPTURE_CONTENT_ON: Final = frozenset({"true", "1", "span_only", "span_and_event"})

# Bedrock's response headers.
REQUEST_ID_HEADER: Final = "x-amzn-requestid"
INPUT_TOKENS_HEADER: Final = "x-amzn-bedrock-input-token-count"
OUTPUT_TOKENS_HEADER: Final = "x-amzn-bedrock-output-token-count"
