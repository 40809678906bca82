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

A single moved sentence is not always left alone: the aligner may glue it into a
neighbouring bead or pair it with a lonely sentence it does not translate. Before
anything else, :func:`release_moved` takes such a sentence out of its bead when it
and a sentence left alone in the other version are each other's closest.
"""

from __future__ import annotations

import numpy as np

from align.sentalign import align_embeddings, group_units
from align.types import Bead
from embeddings.margin import knn_mean, ratio_margin

# Passes over what is still alone: each finds the moved runs that keep one order.
MAX_PASSES = 3
# Ratio margin (k = 4 each way) two sentences still alone after those passes need to pair as each
# other's closest. NTREX, such pairs in planted omissions (sentences each version lacks) against moved
# single lines (scripts/bench_omissions.py, scripts/bench_moved.py): margins 1.1-1.6 against 1.2-2.2.
MUTUAL_MARGIN = 1.4


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
    src_alone, tgt_alone = _alone(beads)
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
    found += _mutual_pairs(src_alone, tgt_alone, src, tgt)
    return sorted(found, key=lambda bead: bead.source)


def _mutual_pairs(src_alone: list[int], tgt_alone: list[int], src: np.ndarray, tgt: np.ndarray) -> list[Bead]:
    """Sentences still alone that are each other's closest in the whole other version, and stand out.

    The passes above leave some moved pairs alone: among the few sentences left, the
    aligner's normalisation (against the other side's mean) makes a pair look unrelated
    (with one sentence left a side, that mean is the pair's other member), and taking the
    whole documents' means instead paired more sentences each version lacks and fewer
    moved ones (NTREX fr-en, one line moved: 32% of moved lines still flagged, against
    15% this way). Two sentences each version lacks are on the same story and may be
    each other's closest too, but barely closer than to their next neighbours: the
    pair's ratio margin must reach :data:`MUTUAL_MARGIN`.
    """
    if not (src_alone and tgt_alone):
        return []
    src_best = _closest(src[src_alone], tgt).tolist()
    tgt_best = dict(zip(tgt_alone, _closest(tgt[tgt_alone], src).tolist()))
    pairs = [(i, j) for i, j in zip(src_alone, src_best) if tgt_best.get(j) == i]
    if not pairs:
        return []
    i, j = (list(side) for side in zip(*pairs))
    cosine = np.einsum("ij,ij->i", src[i], tgt[j])
    margin = ratio_margin(cosine, knn_mean(src[i], tgt), knn_mean(tgt[j], src))
    return [Bead((a,), (b,), round(float(c), 4)) for a, b, c, m in zip(i, j, cosine, margin) if m >= MUTUAL_MARGIN]


def agreed(bead: Bead, src: np.ndarray, tgt: np.ndarray) -> bool:
    """Whether every member's closest sentence in the whole other document is on the bead's other side."""
    return (set(_closest(src[list(bead.source)], tgt).tolist()) <= set(bead.target)
            and set(_closest(tgt[list(bead.target)], src).tolist()) <= set(bead.source))


def release_moved(
    beads: list[Bead],
    src: np.ndarray,
    tgt: np.ndarray,
    src_lens: np.ndarray,
    tgt_lens: np.ndarray,
    shared: dict[tuple[int, int], float] | None = None,
) -> list[Bead]:
    """``beads`` with each moved sentence the aligner put in a bead taken out of it, to be left alone.

    See :func:`_loose` for which members are taken out. One stays where it was unless
    :func:`moved_beads` then pairs it, so a sentence is never made one-sided by this alone.
    """
    loose_src, loose_tgt = _loose(beads, src, tgt)
    # Fewer members out can change what the second pass pairs: try again until every one is paired.
    while loose_src or loose_tgt:
        trial = _taken_out(beads, loose_src, loose_tgt, src, tgt)
        moved = moved_beads(trial, src, tgt, src_lens, tgt_lens, shared)
        paired_src = loose_src & {i for bead in moved for i in bead.source}
        paired_tgt = loose_tgt & {j for bead in moved for j in bead.target}
        if (paired_src, paired_tgt) == (loose_src, loose_tgt):
            return trial
        loose_src, loose_tgt = paired_src, paired_tgt
    return beads


def _loose(beads: list[Bead], src: np.ndarray, tgt: np.ndarray) -> tuple[set[int], set[int]]:
    """Members of aligned beads that moved: source and target indices.

    A sentence and its translation told elsewhere are each other's closest sentence in
    the whole other version; the aligner may glue either or both to a neighbouring bead,
    where it sits at one end of a side. A member at an end of a bead side is taken out
    when its mutual closest sentence is alone, or when both are glued (ends of sides of
    two or more sentences) to different beads; never when a member of its own bead's
    other side has it as its closest: then it is their translation, and the other
    sentence merely resembles it (planted omissions on NTREX lost sentence precision
    and recall without this check). Only alone sentences and the ends of sides of two
    or more sentences are looked from, so the cost stays small.
    NTREX fr-en, one line moved, moved lines flagged one-sided (scripts/bench_moved.py
    --delete): 49% before; 15% with :func:`_mutual_pairs` and only members whose
    closest sentence is alone taken out; 10% with glued pairs too.
    """
    src_at, tgt_at = _ends(beads, "source"), _ends(beads, "target")
    src_alone, tgt_alone = _alone(beads)
    alone_src, alone_tgt = set(src_alone), set(tgt_alone)
    src_from = src_alone + [i for i, k in src_at.items() if len(beads[k].source) > 1]
    tgt_from = tgt_alone + [j for j, k in tgt_at.items() if len(beads[k].target) > 1]
    if not (src_from or tgt_from):
        return set(), set()
    candidates = set(zip(src_from, _closest(src[src_from], tgt).tolist())) if src_from else set()
    if tgt_from:
        candidates |= {(i, j) for j, i in zip(tgt_from, _closest(tgt[tgt_from], src).tolist())}
    loose_src, loose_tgt = set(), set()
    for i, j in candidates:
        bead_i, bead_j = src_at.get(i), tgt_at.get(j)
        glued_i = bead_i is not None and len(beads[bead_i].source) > 1
        glued_j = bead_j is not None and len(beads[bead_j].target) > 1
        # Out of a one-sentence side only for a sentence left alone: a poorly embedded pair's member
        # may be closest to a glued sentence elsewhere (NTREX ar-fr, clean pairs: a true pair undone).
        if not ((glued_i and glued_j and bead_i != bead_j) or (bead_i is not None and j in alone_tgt)
                or (i in alone_src and bead_j is not None)):
            continue
        if _closest(src[[i]], tgt)[0] != j or _closest(tgt[[j]], src)[0] != i:
            continue
        if bead_i is not None and i in _closest(tgt[list(beads[bead_i].target)], src):
            continue
        if bead_j is not None and j in _closest(src[list(beads[bead_j].source)], tgt):
            continue
        if bead_i is not None:
            loose_src.add(i)
        if bead_j is not None:
            loose_tgt.add(j)
    return loose_src, loose_tgt


def _alone(beads: list[Bead]) -> tuple[list[int], list[int]]:
    """The source and the target sentences in one-sided beads, in order."""
    return ([i for bead in beads if not bead.target for i in bead.source],
            [j for bead in beads if not bead.source for j in bead.target])


def _ends(beads: list[Bead], side: str) -> dict[int, int]:
    """The first and last member of each aligned bead's ``side``, with the bead's index."""
    return {i: k for k, bead in enumerate(beads) if bead.source and bead.target
            for i in (getattr(bead, side)[0], getattr(bead, side)[-1])}


def _closest(queries: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Each query's most similar key (an index into ``keys``)."""
    return np.argmax(queries @ keys.T, axis=1)


def _taken_out(beads: list[Bead], src_out: set[int], tgt_out: set[int], src: np.ndarray, tgt: np.ndarray) -> list[Bead]:
    """``beads`` with the given members alone: before their bead where they opened it, after it otherwise.

    What stays of a bead is rescored (the cosine of its summed vectors); a side left
    with no partner is alone too.
    """
    out = []
    for bead in beads:
        source = [i for i in bead.source if i not in src_out]
        target = [j for j in bead.target if j not in tgt_out]
        if len(source) == len(bead.source) and len(target) == len(bead.target):
            out.append(bead)
            continue
        first = [Bead((i,), (), 0.0) for i in bead.source[:1] if i in src_out]
        first += [Bead((), (j,), 0.0) for j in bead.target[:1] if j in tgt_out]
        last = [Bead((i,), (), 0.0) for i in bead.source[1:] if i in src_out]
        last += [Bead((), (j,), 0.0) for j in bead.target[1:] if j in tgt_out]
        if source and target:
            score = float(group_units([tuple(source)], src)[0] @ group_units([tuple(target)], tgt)[0])
            rest = [Bead(tuple(source), tuple(target), round(score, 4))]
        else:
            rest = [Bead((i,), (), 0.0) for i in source] + [Bead((), (j,), 0.0) for j in target]
        out += first + rest + last
    return out


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
