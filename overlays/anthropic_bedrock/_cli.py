"""The `anthropic-bedrock` command line.

    anthropic-bedrock complete "Why is the sky blue?" --model anthropic.claude-v2 [--stream]
    anthropic-bedrock emulator --port 8080

`complete` reads credentials and region exactly as the client does (arguments, environment,
AWS config files). Errors print as one line on stderr with a non-zero exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ._constants import AI_PROMPT, HUMAN_PROMPT
from ._exceptions import AnthropicBedrockError


def _prompt(text: str) -> str:
    if text.startswith(HUMAN_PROMPT):
        return text if text.rstrip().endswith(AI_PROMPT.strip()) else text + AI_PROMPT
    return f"{HUMAN_PROMPT} {text}{AI_PROMPT}"


def _complete(args: argparse.Namespace) -> int:
    from ._client import AnthropicBedrock

    with AnthropicBedrock(
        aws_region=args.region,
        aws_profile=args.profile,
        base_url=args.base_url,
        max_retries=args.max_retries,
        timeout=args.timeout,
    ) as client:
        params = {
            "model": args.model,
            "prompt": _prompt(args.prompt),
            "max_tokens_to_sample": args.max_tokens,
            "temperature": args.temperature,
            "stop_sequences": args.stop or None,
        }
        if args.stream:
            with client.completions.create(**params, stream=True) as stream:
                for chunk in stream:
                    sys.stdout.write(chunk.completion)
                    sys.stdout.flush()
        else:
            sys.stdout.write(client.completions.create(**params, stream=False).completion)
        sys.stdout.write("\n")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="anthropic-bedrock", description="Claude on Amazon Bedrock from the shell.")
    commands = parser.add_subparsers(dest="command", required=True)

    complete = commands.add_parser("complete", help="complete a prompt and print the text")
    complete.add_argument(
        "prompt", help='the prompt; wrapped in "\\n\\nHuman: ...\\n\\nAssistant:" unless it has the markers'
    )
    complete.add_argument("--model", "-m", default="anthropic.claude-v2", help="model id or ARN (default: %(default)s)")
    complete.add_argument("--max-tokens", type=int, default=256, help="max_tokens_to_sample (default: %(default)s)")
    complete.add_argument("--temperature", type=float, default=None)
    complete.add_argument("--stop", action="append", help="a stop sequence (repeatable)")
    complete.add_argument("--stream", action="store_true", help="print the text as it arrives")
    complete.add_argument("--base-url", default=None, help="endpoint (default: ANTHROPIC_BEDROCK_BASE_URL or AWS)")
    complete.add_argument("--region", default=None, help="AWS region (default: as the client resolves it)")
    complete.add_argument("--profile", default=None, help="AWS profile from the shared config files")
    complete.add_argument("--max-retries", type=int, default=2)
    complete.add_argument("--timeout", type=float, default=600.0, help="seconds (default: %(default)s)")
    complete.set_defaults(run=_complete)

    # The emulator's own parser is built only when asked for, so `complete` does not import it.
    emulator = commands.add_parser("emulator", help="run the local Bedrock emulator", add_help=False)
    emulator.set_defaults(run=_emulator)
    return parser


def _emulator(args: argparse.Namespace) -> int:
    from .emulator.cli import add_arguments, run

    parser = argparse.ArgumentParser(prog="anthropic-bedrock emulator", description="Run the local Bedrock emulator.")
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
