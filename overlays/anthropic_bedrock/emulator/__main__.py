"""``python -m anthropic_bedrock.emulator``: serve the local Bedrock emulator until interrupted."""

from .cli import main

raise SystemExit(main())
