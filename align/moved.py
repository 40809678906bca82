"""Moved content: what both versions tell, each at another place.

The sentence aligner is monotone, as an alignment must be to read in order: a
paragraph one version tells earlier than the other cannot be paired where it
stands, so the aligner leaves it alone on both sides, and the fact finder would
report it missing from each. Those sentences are among what the first pass left
alone, so a second pass aligns the one-sided sentences of each side with each
other, in their order (the same aligner: a moved paragraph keeps its own order),
and again on what is left, since two paragraphs may swap places.

Lonely sentences of one story are on its topic, so the second pass would also pair
a sentence missing from one version with one missing from the other. Only pairs the
whole documents agree on are kept: every member's closest sentence anywhere in the
other version is in the pair (see :func:`agreed`).
"""

from __future__ import annotations

import numpy as np

from align.sentalign import align_embeddings
from align.types import Bead

# Passes over what is still alone: each finds the moved runs that keep one order.
MAX_PASSES = 3


def moved_beads(
    beads: list[Bead],
    src: np.ndarray,
    tgt: np.ndarray,
    src_lens: np.ndarray,
    tgt_lens: np.ndarray,
    shared: dict[tuple[int, int], float] | None = None,
) -> list[Bead]:
    """Pairs of one-sided runs of ``beads`` that say the same, by source order.

    Arguments as :func:`align.sentalign.align_embeddings` took them for ``beads``.
    """
    shared = shared or {}
    found: list[Bead] = []
    src_alone = [i for bead in beads if not bead.target for i in bead.source]
    tgt_alone = [j for bead in beads if not bead.source for j in bead.target]
    for _ in range(MAX_PASSES):
        if not (src_alone and tgt_alone):
            break
        src_at, tgt_at = {i: k for k, i in enumerate(src_alone)}, {j: k for k, j in enumerate(tgt_alone)}
        local = {(src_at[i], tgt_at[j]): w for (i, j), w in shared.items() if i in src_at and j in tgt_at}
        second = align_embeddings(src[src_alone], tgt[tgt_alone], src_lens[src_alone], tgt_lens[tgt_alone], local)
        new = [Bead(tuple(src_alone[i] for i in b.source), tuple(tgt_alone[j] for j in b.target), b.score)
               for b in second if b.source and b.target]
        new = [bead for bead in new if agreed(bead, src, tgt)]
        if not new:
            break
        found += new
        paired_src = {i for bead in new for i in bead.source}
        paired_tgt = {j for bead in new for j in bead.target}
        src_alone = [i for i in src_alone if i not in paired_src]
        tgt_alone = [j for j in tgt_alone if j not in paired_tgt]
    return sorted(found, key=lambda bead: bead.source)


def agreed(bead: Bead, src: np.ndarray, tgt: np.ndarray) -> bool:
    """Whether every member's closest sentence in the whole other document is on the bead's other side."""
    src_closest = np.argmax(src[list(bead.source)] @ tgt.T, axis=1)
    tgt_closest = np.argmax(tgt[list(bead.target)] @ src.T, axis=1)
    return set(src_closest.tolist()) <= set(bead.target) and set(tgt_closest.tolist()) <= set(bead.source)


def with_moved(beads: list[Bead], moved: list[Bead]) -> list[Bead]:
    """``beads`` with each moved pair in place of its one-sided sentences, where its first source sentence stood."""
    pair_of = {i: pair for pair in moved for i in pair.source}
    moved_targets = {j for pair in moved for j in pair.target}
    out = []
    for bead in beads:
        if bead.source and bead.target:
            out.append(bead)
        elif bead.target:
            out.extend(Bead((), (j,), bead.score) for j in bead.target if j not in moved_targets)
        else:
            out.extend(Bead((i,), (), bead.score) if i not in pair_of else pair_of[i]
                       for i in bead.source if i not in pair_of or pair_of[i].source[0] == i)
    return out
