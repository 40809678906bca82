"""Vecalign's alignment format, so existing alignment scorers and tools can read our output."""

from __future__ import annotations

from align.types import PairResult


def render_vecalign(result: PairResult) -> str:
    """One line per bead, ``[source indices]:[target indices]:score``; ``[]`` for an empty side."""
    return "".join(f"{list(bead.source)}:{list(bead.target)}:{bead.score:.3f}\n" for bead in result.beads)
