#!/usr/bin/env python3
"""Copy the one merged `anthropic_bedrock` package folder into a destination directory.

    scripts/vendor.py DEST           DEST/anthropic_bedrock/ (overlays + generated as _generated)
    scripts/vendor.py DEST --link    the same as symlinks into the checkout (for type checking)

Every import inside the package is relative, so the copy works under any parent package, e.g.
`myapp/_vendor/anthropic_bedrock` imported as `myapp._vendor.anthropic_bedrock`.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OVERLAYS = ROOT / "overlays" / "anthropic_bedrock"
GENERATED = ROOT / "generated"
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc")


def vendor(dest: Path, *, link: bool = False, generated: Path = GENERATED) -> Path:
    """Write the merged package to `dest/anthropic_bedrock` (replacing it) and return that path."""
    target = dest / "anthropic_bedrock"
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for entry in sorted(OVERLAYS.iterdir()):
        if entry.name in ("__pycache__", "_generated"):
            continue
        out = target / entry.name
        if link:
            os.symlink(entry, out)
        elif entry.is_dir():
            shutil.copytree(entry, out, ignore=IGNORE)
        else:
            shutil.copy2(entry, out)
    if link:
        os.symlink(generated, target / "_generated")
    else:
        shutil.copytree(generated, target / "_generated", ignore=IGNORE)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dest", type=Path, help="directory that will hold anthropic_bedrock/")
    parser.add_argument("--link", action="store_true", help="symlink instead of copying")
    args = parser.parse_args()
    print(f"vendored into {vendor(args.dest, link=args.link)}")


if __name__ == "__main__":
    main()
