"""The `anthropic-bedrock` command line.

    anthropic-bedrock messages "Why is the sky blue?" [--system ...] [--stream] [--max-tokens N] [--json]
    anthropic-bedrock count-tokens "Why is the sky blue?" [--system ...] [--model ...] [--json]
    anthropic-bedrock complete "Why is the sky blue?" --model anthropic.claude-v2 [--stream] [--json]
    anthropic-bedrock emulator --port 8080
    echo "Why is the sky blue?" | anthropic-bedrock messages -     # `-` reads the prompt from stdin
    anthropic-bedrock batch submit requests.jsonl --role-arn ARN --s3 s3://bucket/prefix [--wait]  (see _cli_batch)

The model commands read credentials and region exactly as the client does (arguments,
environment, AWS config files). `--json` prints what came back as JSON (with `--stream`, one event
per line) for scripts. Errors print as one line on stderr with a non-zero exit code; a connection
that fails names the endpoint.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ._cli_batch import add_batch_commands
from ._constants import AI_PROMPT, DEFAULT_MESSAGES_MODEL, HUMAN_PROMPT
from ._exceptions import AnthropicBedrockError, APIConnectionError

if TYPE_CHECKING:
    from ._client import AnthropicBedrock
    from ._native_client import AnthropicBedrockMantle, AnthropicBedrockNative

# `--endpoint`: which of Bedrock's Messages endpoints the Messages commands talk to.
ENDPOINTS = ("invoke", "mantle", "runtime")


def _prompt(text: str) -> str:
    if text.startswith(HUMAN_PROMPT):
        return text if text.rstrip().endswith(AI_PROMPT.strip()) else text + AI_PROMPT
    return f"{HUMAN_PROMPT} {text}{AI_PROMPT}"


def _client(args: argparse.Namespace) -> AnthropicBedrock:
    from ._client import AnthropicBedrock

    return AnthropicBedrock(
        aws_region=args.region,
        aws_profile=args.profile,
        base_url=args.base_url,
        max_retries=args.max_retries,
        timeout=args.timeout,
    )


def _messages_client(args: argparse.Namespace) -> AnthropicBedrock | AnthropicBedrockMantle | AnthropicBedrockNative:
    if args.endpoint == "invoke":
        return _client(args)
    from ._native_client import AnthropicBedrockMantle, AnthropicBedrockNative

    cls = AnthropicBedrockMantle if args.endpoint == "mantle" else AnthropicBedrockNative
    return cls(
        aws_region=args.region,
        aws_profile=args.profile,
        base_url=args.base_url,
        max_retries=args.max_retries,
        timeout=args.timeout,
    )


def _read_prompt(prompt: str) -> str:
    """The prompt as given, or the whole of stdin for `-`."""
    if prompt != "-":
        return prompt
    text = sys.stdin.read().strip()
    if not text:
        raise ValueError("the prompt read from stdin is empty")
    return text


def _print_json(model: Any) -> None:
    """One JSON document per line (the SDK's models: keys as the API sent them)."""
    sys.stdout.write(model.to_json(indent=None) + "\n")
    sys.stdout.flush()


def _messages(args: argparse.Namespace) -> int:
    params: dict[str, Any] = {
        "model": args.model,
        "max_tokens": args.max_tokens,
        "messages": [{"role": "user", "content": _read_prompt(args.prompt)}],
        "system": args.system,
        "temperature": args.temperature,
        "stop_sequences": args.stop or None,
    }
    with _messages_client(args) as client:
        if args.stream and args.json:
            with client.messages.create(**params, stream=True) as events:
                for event in events:
                    _print_json(event)
            return 0
        if args.stream:
            with client.messages.stream(**params) as stream:
                for text in stream.text_stream:
                    sys.stdout.write(text)
                    sys.stdout.flush()
        else:
            message = client.messages.create(**params)
            if args.json:
                _print_json(message)
                return 0
            sys.stdout.write("".join(block.text for block in message.content if block.type == "text"))
        sys.stdout.write("\n")
    return 0


def _count_tokens(args: argparse.Namespace) -> int:
    with _messages_client(args) as client:
        count = client.messages.count_tokens(
            model=args.model, messages=[{"role": "user", "content": _read_prompt(args.prompt)}], system=args.system
        )
    if args.json:  # the SDK's name for the count (Bedrock's JSON says inputTokens)
        print(json.dumps({"input_tokens": count.input_tokens}))
    else:
        print(count.input_tokens)
    return 0


def _complete(args: argparse.Namespace) -> int:
    with _client(args) as client:
        params = {
            "model": args.model,
            "prompt": _prompt(_read_prompt(args.prompt)),
            "max_tokens_to_sample": args.max_tokens,
            "temperature": args.temperature,
            "stop_sequences": args.stop or None,
        }
        if args.stream:
            with client.completions.create(**params, stream=True) as stream:
                for chunk in stream:
                    if args.json:
                        _print_json(chunk)
                    else:
                        sys.stdout.write(chunk.completion)
                        sys.stdout.flush()
        else:
            completion = client.completions.create(**params, stream=False)
            if args.json:
                _print_json(completion)
            else:
                sys.stdout.write(completion.completion)
        if not args.json:
            sys.stdout.write("\n")
    return 0


# An example for each --help (shown after the options).
_EXAMPLES = {
    None: """examples:
  anthropic-bedrock messages "Why is the sky blue?" --stream
  echo "Summarize this." | anthropic-bedrock messages - --json
  anthropic-bedrock emulator --port 8080   # a local Bedrock to try it all without AWS""",
    "messages": """examples:
  anthropic-bedrock messages "Why is the sky blue?" --system "Answer in one line." --stream
  cat notes.txt | anthropic-bedrock messages - --max-tokens 512 --json | jq .usage""",
    "count-tokens": """examples:
  anthropic-bedrock count-tokens "Why is the sky blue?" --model us.anthropic.claude-sonnet-4-5-20250929-v1:0
  cat notes.txt | anthropic-bedrock count-tokens - --json""",
    "complete": """examples:
  anthropic-bedrock complete "Why is the sky blue?" --model anthropic.claude-v2 --max-tokens 100
  echo "Name three seas." | anthropic-bedrock complete - --stream""",
    "emulator": """examples:
  anthropic-bedrock emulator --port 8080
  ANTHROPIC_BEDROCK_BASE_URL=http://127.0.0.1:8080 AWS_ACCESS_KEY_ID=... anthropic-bedrock messages hi""",
}
_PROMPT_HELP = "the user message; - reads it from stdin"


def _version() -> str:
    from . import __version__

    return f"anthropic-bedrock {__version__}"


def _subparser(commands: Any, name: str, help: str, **kwargs: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=help,
        description=help[:1].upper() + help[1:] + ".",
        epilog=_EXAMPLES[name],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        **kwargs,
    )
    return parser


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="anthropic-bedrock",
        description="Claude on Amazon Bedrock from the shell.",
        epilog=_EXAMPLES[None],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(dest="command", required=True)

    messages = _subparser(commands, "messages", "send one user message and print the answer")
    messages.add_argument("prompt", help=_PROMPT_HELP)
    messages.add_argument("--system", default=None, help="a system prompt")
    _model_options(messages, DEFAULT_MESSAGES_MODEL, "max_tokens")
    _endpoint_option(messages)
    messages.set_defaults(run=_messages)

    count = _subparser(commands, "count-tokens", "count the input tokens of a message (Bedrock CountTokens)")
    count.add_argument("prompt", help=_PROMPT_HELP)
    count.add_argument("--system", default=None, help="a system prompt")
    count.add_argument("--model", "-m", default=DEFAULT_MESSAGES_MODEL, help="model id (default: %(default)s)")
    count.add_argument("--json", action="store_true", help="print the answer as JSON")
    _connection_options(count)
    _endpoint_option(count)
    count.set_defaults(run=_count_tokens)

    complete = _subparser(commands, "complete", "complete a prompt with a legacy model and print the text")
    complete.add_argument(
        "prompt",
        help='the prompt (- reads it from stdin); wrapped in "\\n\\nHuman: ...\\n\\nAssistant:" unless it has the markers',
    )
    _model_options(complete, "anthropic.claude-v2", "max_tokens_to_sample")
    complete.set_defaults(run=_complete)

    add_batch_commands(commands)

    # The emulator's own parser is built only when asked for, so `complete` does not import it.
    emulator = commands.add_parser("emulator", help="run the local Bedrock emulator", add_help=False)
    emulator.set_defaults(run=_emulator)
    return parser


def _model_options(parser: argparse.ArgumentParser, model: str, max_tokens: str) -> None:
    parser.add_argument(
        "--model", "-m", default=model, help="model id, inference profile or ARN (default: %(default)s)"
    )
    parser.add_argument("--max-tokens", type=int, default=256, help=f"{max_tokens} (default: %(default)s)")
    parser.add_argument("--temperature", type=float, default=None)
    parser.add_argument("--stop", action="append", help="a stop sequence (repeatable)")
    parser.add_argument("--stream", action="store_true", help="print the text as it arrives")
    parser.add_argument(
        "--json", action="store_true", help="print the answer as JSON (with --stream: one event a line)"
    )
    _connection_options(parser)


def _endpoint_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint",
        choices=ENDPOINTS,
        default="invoke",
        help="invoke: InvokeModel on bedrock-runtime (default); mantle: bedrock-mantle; runtime: bedrock-runtime's"
        " /anthropic path (both in Anthropic's own wire format; --base-url then ends in /anthropic)",
    )


def _connection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-url", default=None, help="endpoint (default: ANTHROPIC_BEDROCK_BASE_URL or AWS)")
    parser.add_argument("--region", default=None, help="AWS region (default: as the client resolves it)")
    parser.add_argument("--profile", default=None, help="AWS profile from the shared config files")
    parser.add_argument("--max-retries", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds (default: %(default)s)")


def _emulator(args: argparse.Namespace) -> int:
    from .emulator.cli import add_arguments, run

    parser = argparse.ArgumentParser(
        prog="anthropic-bedrock emulator",
        description="Run the local Bedrock emulator.",
        epilog=_EXAMPLES["emulator"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    return run(parser.parse_args(args.emulator_args))


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, rest = parser.parse_known_args(argv)
    if args.command == "emulator":
        args.emulator_args = rest
    elif rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    try:
        code: int = args.run(args)
    except APIConnectionError as exc:  # say which endpoint: the usual cause is a wrong URL or region
        where = f" ({exc.request.url.copy_with(query=None)})" if exc.request is not None else ""
        print(f"error: {type(exc).__name__}: {exc}{where}", file=sys.stderr)
        return 1
    except AnthropicBedrockError as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except (TypeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
