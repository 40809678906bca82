"""align: match reports across languages, align their sentences, show one-sided facts.

    >>> import align
    >>> result = align.pair(open("fr.txt").read(), open("ar.txt").read())
    >>> result.beads, result.facts

The public API lives in :mod:`align.pipeline`; it is imported on first use so
that ``align --help`` stays instant.
"""

from __future__ import annotations

from typing import Any

_API = ("pair", "pair_documents", "prepare", "load", "embed", "align_embedded")


def __getattr__(name: str) -> Any:
    if name in _API:
        from align import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'align' has no attribute {name!r}")


__all__ = list(_API)
