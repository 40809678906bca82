"""What the benchmark scripts share: where their data is, and a clear word when it is not there.

The data sets live outside the repository (a fresh clone has none), so each script
takes the path as its first argument and refuses a missing one in one line.
"""

from __future__ import annotations

import argparse
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent.parent / "shared" / "benchmarks"


def existing_path(text: str) -> Path:
    """An argparse ``type``: the path, if it exists (argparse also runs it on a string default)."""
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"{path}: not found; benchmark data is not in the repository, pass its path")
    return path
