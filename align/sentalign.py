"""Sentence alignment: embeddings in, beads out.

Two passes, both linear in document length:

1. **Anchors.** Each sentence's nearest neighbours on the other side, scored
   by ratio margin, form sparse candidates; the heaviest chain that increases
   on both sides is the skeleton of the alignment.
2. **Banded DP.** A dynamic programme over beads of up to ``max_side``
   sentences a side (plus 1-0 / 0-1) runs only in the band the anchors allow.

Merged (many-sentence) candidates are never embedded: the cosine of a
bead is the cosine of the *summed* sentence vectors, computed from sentence
dot products, so a 3-2 candidate costs a few additions rather than an encoder
call (Bertalign's price).  Bead costs follow Vecalign's normalisation (a pair
is good relative to how similar each side is to the other document on
average), plus a length prior and a bonus for shared numbers or names.
Sentences told on one side only must stay unaligned rather than be paired
with another lonely sentence or glued into a neighbouring bead, so a member
with no counterpart in its bead costs extra (see ``_Scorer.unrelated``).
The anchor bonus is additive (strength summed over the bead, uncapped), so a
2-2 bead and the two 1-1 beads it could split into earn the same total: the
bonus never biases the choice between merging and splitting.

Measured on Text+Berg dev (scripts/bench_textberg.py): re-embedding merged
runs as real concatenated text gave no gain over summed vectors with this
cost, so the aligner needs no encoder of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from align.types import Bead

# DP rows whose bead costs are scored together: each block spans the columns of all its rows, so
# larger blocks score more cells outside each row's band for fewer, larger array operations.
DP_BLOCK = 24


@dataclass(frozen=True)
class AlignParams:
    """Knobs of the aligner; defaults measured on Text+Berg dev (scripts/bench_textberg.py), the
    ``unrelated_*`` pair also on planted omissions (scripts/bench_omissions.py)."""

    max_side: int = 5  # largest number of sentences on one side of a bead
    max_total: int = 6  # largest number of sentences in a bead, both sides (one more across a broken boundary)
    skip_cost: float = 0.7  # cost of leaving one sentence unaligned
    merge_penalty: float = 0.2  # extra cost per sentence beyond 1-1 (see weak_inside for the exception)
    length_weight: float = 0.6  # weight of the squared log length-ratio, per sentence the bead covers
    anchor_bonus: float = 0.1  # cost reduction per unit of anchor strength inside a bead
    unrelated_from: float = 0.8  # normalised distance beyond which a sentence has no counterpart
    # Cost per unit of distance beyond ``unrelated_from``. From 2 to 3: planted omissions over four
    # plantings, ten pairs, sentence recall +.000 to +.032 (two orphans paired with each other, or one
    # glued in, are left alone), precision -.021 to +.005; Text+Berg dev and the seeds unchanged.
    # At 4, recall +.008 to +.049 but ar-fr precision -.038; at 5 Text+Berg falls to .923.
    unrelated_weight: float = 3.0
    knn: int = 4  # neighbours for margin scoring in the anchor pass
    band: int = 12  # half-width of the DP band around the anchor chain
    full_dp_cells: int = 250_000  # below n*m, skip the band and search everything


def _cumsum0(x: np.ndarray, axis: int = 0) -> np.ndarray:
    """Cumulative sum with a leading zero, so window sums are differences."""
    shape = list(x.shape)
    shape[axis] = 1
    return np.concatenate([np.zeros(shape, dtype=np.float64), np.cumsum(x, axis=axis, dtype=np.float64)], axis=axis)


def summed_units(emb: np.ndarray, max_side: int) -> np.ndarray:
    """``out[k-1, e]`` = unit vector of the sum of sentences ``e-k .. e-1``; NaN where undefined.

    Summing sentence vectors stands in for embedding the concatenated text:
    merged candidates then cost nothing to build.
    """
    n, dim = emb.shape
    out = np.full((max_side, n + 1, dim), np.nan, dtype=np.float32)
    prefix = _cumsum0(emb, axis=0)
    for k in range(1, min(max_side, n) + 1):
        sums = prefix[k:] - prefix[:-k]
        out[k - 1, k:] = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-9)
    return out


def group_units(groups: Sequence[tuple[int, ...]], vectors: np.ndarray) -> np.ndarray:
    """Unit vectors of summed sentence groups (a bead side's vector, as :func:`summed_units` makes them)."""
    sums = np.stack([vectors[list(group)].sum(axis=0) for group in groups])
    return sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), np.finfo(np.float32).tiny)


def window_sums(values: np.ndarray, max_side: int) -> np.ndarray:
    """``out[k-1, e]`` = sum of ``values[e-k .. e-1]``; NaN where undefined."""
    c = _cumsum0(values, axis=0)
    out = np.full((max_side,) + c.shape, np.nan)
    for k in range(1, max_side + 1):
        out[k - 1, k:] = c[k:] - c[:-k]
    return out


def _top_k(queries: np.ndarray, keys: np.ndarray, k: int, chunk: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """Indices and cosines of each query's ``k`` nearest keys, in row chunks so memory stays linear."""
    index = np.zeros((len(queries), k), dtype=np.int64)
    sims = np.zeros((len(queries), k))
    for lo in range(0, len(queries), chunk):
        block = queries[lo:lo + chunk] @ keys.T
        idx = np.argpartition(-block, k - 1, axis=1)[:, :k]
        index[lo:lo + chunk] = idx
        sims[lo:lo + chunk] = np.take_along_axis(block, idx, axis=1)
    return index, sims


def anchor_chain(src: np.ndarray, tgt: np.ndarray, shared: dict[tuple[int, int], float], knn: int) -> list[tuple[int, int]]:
    """The heaviest chain of margin-scored sentence pairs increasing on both sides.

    Candidates are each sentence's ``knn`` nearest neighbours (both directions)
    weighted by ratio margin above 1, and pairs sharing numbers or names.
    """
    n, m = len(src), len(tgt)
    if n == 0 or m == 0:
        return []
    k = min(knn, n, m)
    best_t, best_t_sim = _top_k(src, tgt, k)
    best_s, best_s_sim = _top_k(tgt, src, k)
    mean_s, mean_t = best_t_sim.mean(axis=1), best_s_sim.mean(axis=1)

    # Ratio margin; the neighbourhoods' mean is floored so that zero vectors (blank text) give no pair.
    pairs = [*zip(np.repeat(np.arange(n), k), best_t.ravel(), best_t_sim.ravel()),
             *((i, j, s) for j, i, s in zip(np.repeat(np.arange(m), k), best_s.ravel(), best_s_sim.ravel()))]
    weight = {(int(i), int(j)): float(s) / max((mean_s[i] + mean_t[j]) / 2, 1e-6) for i, j, s in pairs}
    for pair, strength in shared.items():
        weight[pair] = weight.get(pair, float(src[pair[0]] @ tgt[pair[1]])) + strength
    cands = sorted((i, j, w - 1.0) for (i, j), w in weight.items() if w > 1.0)
    return _heaviest_increasing_chain(cands, m)


def _heaviest_increasing_chain(cands: list[tuple[int, int, float]], m: int) -> list[tuple[int, int]]:
    """Max-weight subsequence strictly increasing in both coordinates (Fenwick tree over j)."""
    size = m + 1
    tree_val = [0.0] * (size + 1)
    tree_arg = [-1] * (size + 1)

    def query(j: int) -> tuple[float, int]:  # best chain ending at column < j
        best, arg = 0.0, -1
        while j > 0:
            if tree_val[j] > best:
                best, arg = tree_val[j], tree_arg[j]
            j -= j & -j
        return best, arg

    def update(j: int, val: float, arg: int) -> None:
        j += 1
        while j <= size:
            if val > tree_val[j]:
                tree_val[j], tree_arg[j] = val, arg
            j += j & -j

    score = [0.0] * len(cands)
    back = [-1] * len(cands)
    start = 0
    # Candidates of one row must not chain with each other: insert a row only after all of it is scored.
    while start < len(cands):
        end = start
        while end < len(cands) and cands[end][0] == cands[start][0]:
            end += 1
        for c in range(start, end):
            prev_score, prev = query(cands[c][1])
            score[c], back[c] = prev_score + cands[c][2], prev
        for c in range(start, end):
            update(cands[c][1], score[c], c)
        start = end
    if not cands:
        return []
    c = int(np.argmax(score))
    chain = []
    while c >= 0:
        chain.append((cands[c][0], cands[c][1]))
        c = back[c]
    return chain[::-1]


def band_from_anchors(anchors: list[tuple[int, int]], n: int, m: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Per DP row ``i`` (prefix length), the inclusive column range ``[lo[i], hi[i]]`` to search.

    Between two anchors the whole rectangle is open, so a block present on
    one side only fits in the band however long it is.
    """
    points = [(0, 0)] + [(i + 1, j + 1) for i, j in anchors] + [(n, m)]
    lo = np.zeros(n + 1, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for (i0, j0), (i1, j1) in pairwise(points):
        lo[i0:i1 + 1] = j0
        hi[i0:i1 + 1] = np.maximum(hi[i0:i1 + 1], j1)
    lo = np.maximum(lo - width, 0)
    hi = np.minimum(hi + width, m)
    # Widen so the rows connect and stay monotone.
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    lo[0], hi[n] = 0, m
    return lo, hi


def bead_types(max_side: int, max_total: int) -> list[tuple[int, int]]:
    """All (a, b) bead shapes searched: 1-0, 0-1 and up to ``max_side`` a side.

    Shapes of ``max_total + 1`` sentences are searched too, for beads where the
    segmenter cut one sentence in two: :meth:`_Scorer.block_costs` admits them
    only there.
    """
    shapes = [(1, 0), (0, 1)]
    shapes += [(a, b) for a in range(1, max_side + 1) for b in range(1, max_side + 1) if a + b <= max_total + 1]
    return shapes


@dataclass(frozen=True)
class _Scorer:
    """Everything a bead's cost needs, precomputed once per document pair (all linear in length)."""

    src_units: np.ndarray  # (max_side, n + 1, d): unit vector of the run of k sentences ending at e
    tgt_units: np.ndarray
    src_hub: np.ndarray  # (max_side, n + 1): 1 - cosine of the run with the other document's mean
    tgt_hub: np.ndarray
    src_len: np.ndarray  # (max_side, n + 1): characters in the run
    tgt_len: np.ndarray
    src_weight: np.ndarray  # (n + 1,): by prefix end, how much a sentence's lack of a counterpart counts
    tgt_weight: np.ndarray
    src_weak: np.ndarray  # (max_side, n + 1): weak boundaries inside the run (see weak_inside)
    tgt_weak: np.ndarray
    src_broken: np.ndarray  # (max_side, n + 1): broken boundaries inside the run (see block_costs)
    tgt_broken: np.ndarray
    log_ratio: float  # the expected log length ratio of a bead (see expected_log_ratio)
    shared: list[tuple[np.ndarray, np.ndarray] | None] | None  # by source sentence, see _shared_rows
    params: AlignParams

    def block_costs(self, rows: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """``out[r, a-1, b-1, c]``: cost of the ``a``-``b`` bead ending at source prefix ``rows[r]`` and target prefix ``ends[c]``.

        Vecalign's normalised distance (a pair is good relative to how close each
        side is to the other document on average, so that hub sentences do not
        attract everything) plus a squared log length-ratio prior, both weighted
        by the sentences covered so that merging is no way to pay less (paid
        once per bead, the prior let one-sided fragments be glued to a pair
        whose ratio they break: Text+Berg dev strict F1 .894 -> .898), plus a
        per-sentence merge penalty (waived for the extra sentences of a side
        joined only across weak boundaries, see :func:`weak_inside`, and for
        each broken boundary inside the bead: there the segmenter cut one
        sentence in two, :func:`align.segment.broken_boundaries`), a penalty
        for members without a counterpart (:meth:`unrelated`) and a bonus for
        shared numbers and names. A bead of ``max_total + 1`` sentences costs
        infinity unless a broken boundary lies inside it.
        No cost depends on the DP's state, so a block of DP rows is scored at
        once over the columns any of them searches: a handful of array
        operations per block rather than per row (at 2,000 sentences a side the
        aligner took 1.1 s row by row). Shapes with more source sentences than
        a row has come out NaN or meaningless; the DP never reads them.
        """
        p = self.params
        max_a, max_b = len(self.src_units), len(self.tgt_units)
        src_n, tgt_n = np.arange(1, max_a + 1)[None, :, None, None], np.arange(1, max_b + 1)[None, None, :, None]
        sizes = src_n + tgt_n

        def by_row(values: np.ndarray) -> np.ndarray:  # (max_a, n + 1) -> (rows, max_a, 1, 1)
            return values[:, rows].T[:, :, None, None]

        def by_end(values: np.ndarray) -> np.ndarray:  # (max_b, m + 1) -> (1, 1, max_b, ends)
            return values[:, ends][None, None]

        src_units, tgt_units = self.src_units[:, rows], self.tgt_units[:, ends]
        dim = src_units.shape[-1]
        cos = (src_units.reshape(-1, dim) @ tgt_units.reshape(-1, dim).T).reshape(max_a, len(rows), max_b, len(ends))
        cos = cos.transpose(1, 0, 2, 3)
        hub = (by_row(self.src_hub) + by_end(self.tgt_hub)) / 2
        distance = (1 - cos) / np.maximum(hub, 1e-3)
        ratio = np.log((by_end(self.tgt_len) + 10.0) / (by_row(self.src_len) + 10.0)) - self.log_ratio
        # The longer side's extra sentences go uncharged when every boundary inside its run is weak.
        all_weak = np.where(src_n > tgt_n, by_row(self.src_weak) == src_n - 1, by_end(self.tgt_weak) == tgt_n - 1)
        unpaired = sizes - 2 - np.where(all_weak, np.abs(src_n - tgt_n), 0)
        # Pieces of a sentence the segmenter cut in two count as one sentence (Text+Berg dev strict F1 .906 -> .915).
        broken = by_row(self.src_broken) + by_end(self.tgt_broken)
        unpaired = np.maximum(unpaired - broken, 0)
        cost = (distance + p.length_weight * ratio**2) * sizes / 2 + p.merge_penalty * unpaired
        # A 1-1 pair: its members are each other's only possible counterpart.
        cost[:, 0, 0] += p.unrelated_weight * np.maximum(0.0, distance[:, 0, 0] - p.unrelated_from)
        cost[:, 1:] += p.unrelated_weight * self.unrelated(rows, ends)
        if self.shared is not None:
            starts = ends - np.arange(1, max_b + 1)[:, None]
            cost -= p.anchor_bonus * np.stack([_window_shared(self.shared, i, max_a, starts, ends) for i in rows])
        # A bead may exceed max_total by one sentence only where two of its pieces are one sentence
        # (Text+Berg dev: a 2-5 and a 4-3 gold bead, out of reach before: strict F1 .915 -> .923).
        cost[np.isnan(cost) | ((sizes > p.max_total) & (broken == 0))] = np.inf
        return cost

    def unrelated(self, rows: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """``out[r, a-2, b-1, c]``: how far the members of the ``a``-``b`` beads (``a`` >= 2) are from having a counterpart.

        Each member's counterpart is its closest sentence on the other side
        of the bead; its normalised distance beyond ``unrelated_from`` (weighted
        by :func:`counterpart_weights`) is summed over the members.  A 2-2 bead
        made of one true pair and two lonely sentences has a good summed
        cosine but two members without a counterpart; a true 2-2 (two
        sentences split differently) pairs every member.  Beads with one
        sentence on a side are exempt (zero): there the single sentence is
        every fragment's counterpart, and the bead's own cosine judges it.
        The ``a``-sentence source runs ending at a row are the last ``a`` of
        its ``max_a`` members, so one similarity block serves them all.
        """
        d0 = self.params.unrelated_from
        max_a, max_b = len(self.src_units), len(self.tgt_units)
        first = max(int(ends.min()) - max_b, 0)  # target sentences first..last-1 can be members
        # Source sentences i-max_a..i-1 of each row i, by prefix end (clipped: rows under max_a have fewer).
        members = np.maximum(rows[:, None] + np.arange(1 - max_a, 1), 0)
        window = slice(first + 1, int(ends.max()) + 1)
        sims = self.src_units[0, members] @ self.tgt_units[0, window].T  # (rows, members, targets)
        src_far = (1 - sims) / np.maximum(self.src_hub[0, members, None], 1e-3)
        tgt_far = (1 - sims) / np.maximum(self.tgt_hub[0, window], 1e-3)
        # A target member's closest source member depends on the source run only (a-2: the last a
        # members): prefix-sum it over the window.
        tgt_closest = np.minimum.accumulate(tgt_far[:, ::-1], axis=1)[:, 1:]
        tgt_excess = _cumsum0(self.tgt_weight[window] * np.maximum(0.0, tgt_closest - d0), axis=2)
        # Runs that would start before the first target sentence have no cosine (their cost is infinite anyway).
        starts = np.maximum(ends[None, :] - np.arange(1, max_b + 1)[:, None], first) - first  # (b, ends)
        # (rows, members, b, ends): distance to the closest among the b targets
        src_excess = np.maximum(0.0, np.minimum.accumulate(src_far[:, :, starts], axis=2) - d0)
        # a-2 sums the last a members: a cumulative sum from the end gives every a at once.
        weighted = self.src_weight[members][:, :, None, None] * src_excess
        out = np.cumsum(weighted[:, ::-1], axis=1)[:, 1:]
        out += tgt_excess[:, :, None, ends - first] - tgt_excess[:, :, starts]
        out[:, :, 0] = 0.0  # a-1 beads are exempt
        return out


def counterpart_weights(lens: np.ndarray) -> np.ndarray:
    """By prefix end (leading 0), ``min(1, length / median length)**2``.

    A short fragment ("Ja.", a dangling clause) is close to nothing on its
    own yet belongs to its bead; a full-length sentence without a
    counterpart is a one-sided sentence glued there.
    """
    median = max(float(np.median(lens)), 1.0) if len(lens) else 1.0
    return np.concatenate([[0.0], np.minimum(1.0, lens / median) ** 2])


def _scorer(
    src: np.ndarray,
    tgt: np.ndarray,
    src_lens: np.ndarray,
    tgt_lens: np.ndarray,
    shared: dict[tuple[int, int], float],
    params: AlignParams,
    src_units: np.ndarray | None,
    tgt_units: np.ndarray | None,
    chain: list[tuple[int, int]],
    src_glue: np.ndarray | None,
    tgt_glue: np.ndarray | None,
    src_broken: np.ndarray | None,
    tgt_broken: np.ndarray | None,
) -> _Scorer:
    su = summed_units(src, params.max_side) if src_units is None else src_units
    tu = summed_units(tgt, params.max_side) if tgt_units is None else tgt_units
    return _Scorer(
        src_units=su,
        tgt_units=tu,
        src_hub=1 - su @ tgt.mean(axis=0),
        tgt_hub=1 - tu @ src.mean(axis=0),
        src_len=window_sums(src_lens.astype(np.float64), params.max_side),
        tgt_len=window_sums(tgt_lens.astype(np.float64), params.max_side),
        src_weight=counterpart_weights(src_lens.astype(np.float64)),
        tgt_weight=counterpart_weights(tgt_lens.astype(np.float64)),
        src_weak=weak_inside(src_glue, len(src), params.max_side),
        tgt_weak=weak_inside(tgt_glue, len(tgt), params.max_side),
        src_broken=weak_inside(src_broken, len(src), params.max_side),
        tgt_broken=weak_inside(tgt_broken, len(tgt), params.max_side),
        log_ratio=expected_log_ratio(src_lens, tgt_lens, chain),
        shared=_shared_rows(shared, len(src)),
        params=params,
    )


def weak_inside(glue: np.ndarray | None, n: int, max_side: int) -> np.ndarray:
    """``out[k-1, e]``: how many of the boundaries inside sentences ``e-k .. e-1`` are flagged (``glue[i]``: after ``i``).

    Gold joins two sentences across a weak boundary (a trailing colon, a
    lowercase continuation: :func:`align.segment.weak_boundaries`) about as
    often as not (Text+Berg dev: 45-55%, against 14-15% elsewhere), so a
    side joined only across weak boundaries pays no merge penalty for the
    sentences it has beyond the other side.  Only for those: a 2-2 bead
    whose two boundaries are both weak is usually two parallel 1-1 pairs,
    and waiving every weak boundary merged them (strict F1 .898 -> .842).
    """
    flags = np.zeros(n) if glue is None else np.asarray(glue, dtype=np.float64)
    return window_sums(flags, max_side) - np.concatenate([[0.0], flags])  # the run's last boundary is not inside


def expected_log_ratio(src_lens: np.ndarray, tgt_lens: np.ndarray, chain: list[tuple[int, int]]) -> float:
    """Log of how much longer the target says a thing, measured on the anchor chain's pairs.

    Whole-document totals would count one-sided blocks too, and a long block
    on one side would make every merge on that side look the right length.
    """
    if chain:
        src_idx, tgt_idx = (np.array(side) for side in zip(*chain))
        src_lens, tgt_lens = src_lens[src_idx], tgt_lens[tgt_idx]
    return float(np.log((tgt_lens.sum() + 1.0) / (src_lens.sum() + 1.0)))


def align_embeddings(
    src: np.ndarray,
    tgt: np.ndarray,
    src_lens: np.ndarray,
    tgt_lens: np.ndarray,
    shared: dict[tuple[int, int], float] | None = None,
    params: AlignParams = AlignParams(),
    src_units: np.ndarray | None = None,
    tgt_units: np.ndarray | None = None,
    src_glue: np.ndarray | None = None,
    tgt_glue: np.ndarray | None = None,
    src_broken: np.ndarray | None = None,
    tgt_broken: np.ndarray | None = None,
) -> list[Bead]:
    """Align two documents given their L2-normalised sentence embeddings.

    ``src_lens``/``tgt_lens`` are sentence lengths (the length prior), in characters or any
    measure comparable across the two languages (the pipeline's :func:`align.clauses.text_length`);
    ``shared`` maps sentence pairs ``(i, j)`` to the strength of the anchors
    (numbers, names) they share (:func:`align.anchors.shared_anchors`).
    ``src_units``/``tgt_units`` optionally give the vectors of merged sentence
    runs (``[k-1, e]`` = sentences ``e-k..e-1``, at least ``params.max_side``
    rows); by default they are the summed sentence vectors.  ``src_glue``/
    ``tgt_glue`` optionally flag, per sentence, a weak boundary after it
    (:func:`weak_inside`); ``src_broken``/``tgt_broken`` flag a boundary where
    the segmenter cut a sentence in two (:func:`align.segment.broken_boundaries`).
    Returns beads covering every sentence of both sides exactly once, in order,
    scored by cosine.
    """
    n, m = len(src), len(tgt)
    shared = shared or {}
    if n == 0 or m == 0:
        return [Bead((i,), (), 0.0) for i in range(n)] + [Bead((), (j,), 0.0) for j in range(m)]
    chain = anchor_chain(src, tgt, shared, params.knn)
    if n * m <= params.full_dp_cells:
        lo, hi = np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64)
    else:
        lo, hi = band_from_anchors(chain, n, m, params.band)
    scorer = _scorer(
        src, tgt, src_lens, tgt_lens, shared, params, src_units, tgt_units, chain, src_glue, tgt_glue, src_broken, tgt_broken
    )
    shapes = bead_types(params.max_side, params.max_total)
    back_rows = _banded_dp(scorer, shapes, lo, hi)
    return _trace(back_rows, lo, n, m, shapes, scorer.src_units, scorer.tgt_units)


def _banded_dp(scorer: _Scorer, shapes: list[tuple[int, int]], lo: np.ndarray, hi: np.ndarray) -> list[np.ndarray]:
    """Fill the DP row by row inside the band; returns each row's back-pointers (shape index).

    Row ``i`` holds prefixes ``(i, j)`` for ``j`` in ``[lo[i], hi[i]]``; only
    the ``max_side`` previous rows are ever read (kept full-width, infinite
    outside their band, so every shape reads them with one gather), but all
    back-pointer rows are kept for the trace (band-sized, so memory stays
    linear in document length).  Each cell keeps the first shape, in
    ``shapes`` order, of least total cost.  Bead costs are scored
    ``DP_BLOCK`` rows at a time (:meth:`_Scorer.block_costs`).
    """
    skip = scorer.params.skip_cost
    shape_a, shape_b = (np.array(side) for side in zip(*shapes))
    max_a = int(shape_a.max())
    merged = (shape_a > 0) & (shape_b > 0)
    recent = np.full((max_a + 1, int(hi[-1]) + 1), np.inf)  # row i at i % (max_a + 1)
    back_rows: list[np.ndarray] = []
    beads, block_rows, first_col = np.empty(0), np.empty(0, dtype=np.int64), 0
    for i in range(len(lo)):
        cols = np.arange(lo[i], hi[i] + 1)
        if i == 0:
            row = np.full(len(cols), np.inf)
            row[0] = 0.0
            back = np.full(len(cols), -1, dtype=np.int8)
        else:
            if not len(block_rows) or i > block_rows[-1]:
                block_rows = np.arange(i, min(i + DP_BLOCK, len(lo)))
                first_col = int(lo[block_rows].min())
                costs = scorer.block_costs(block_rows, np.arange(first_col, int(hi[block_rows].max()) + 1))
                # Each shape's bead cost, by row and column; 0-1 beads chain afterwards.
                beads = np.full((len(block_rows), len(shapes), costs.shape[-1]), np.inf)
                beads[:, (shape_a == 1) & (shape_b == 0)] = skip
                beads[:, merged] = costs[:, shape_a[merged] - 1, shape_b[merged] - 1]
                beads[shape_a[None, :] > block_rows[:, None]] = np.inf  # more source sentences than the row has
            bead = beads[i - block_rows[0], :, lo[i] - first_col:hi[i] - first_col + 1]
            starts = cols - shape_b[:, None]
            prev = recent[(i - shape_a[:, None]) % len(recent), np.maximum(starts, 0)]
            totals = np.where(starts >= 0, prev, np.inf) + bead
            best = np.argmin(totals, axis=0)
            row = totals[best, np.arange(len(cols))]
            back = np.where(row < np.inf, best, -1).astype(np.int8)
        _chain_target_skips(row, back, skip, shapes.index((0, 1)))
        recent[i % len(recent)] = np.inf
        recent[i % len(recent), cols] = row
        back_rows.append(back)
    return back_rows


def _chain_target_skips(row: np.ndarray, back: np.ndarray, skip: float, skip_id: int) -> None:
    """Let 0-1 beads chain inside a row, in place: ``cost[j] = min_k(cost[k] + (j - k) * skip)``.

    One cumulative minimum does it, so a long target-only block costs no loop.
    """
    steps = np.arange(len(row)) * skip
    chained = np.minimum.accumulate(row - steps) + steps
    from_left = chained < row - 1e-12
    row[from_left] = chained[from_left]
    back[from_left] = skip_id


def _shared_rows(shared: dict[tuple[int, int], float], n: int) -> list[tuple[np.ndarray, np.ndarray] | None] | None:
    """Sparse anchors by source sentence: ``(sorted columns, cumulative strengths with a leading 0)`` or None."""
    if not shared:
        return None
    rows: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    for (i, j), w in shared.items():
        rows[i].append((j, w))
    out: list[tuple[np.ndarray, np.ndarray] | None] = [None] * n
    for i, pairs in enumerate(rows):
        if pairs:
            pairs.sort()
            out[i] = (np.array([j for j, _ in pairs]), np.concatenate([[0.0], np.cumsum([w for _, w in pairs])]))
    return out


def _window_shared(
    rows: list[tuple[np.ndarray, np.ndarray] | None], end: int, max_a: int, j0: np.ndarray, j1: np.ndarray
) -> np.ndarray:
    """``out[a-1]``: total anchor strength inside source rows ``[end-a, end)`` and target columns ``[j0, j1)``.

    For ``a`` = 1 .. ``max_a`` at once: each row's strength is read once and summed from ``end`` backwards.
    """
    total = np.zeros((max_a, *np.broadcast_shapes(j0.shape, j1.shape)))
    for a in range(1, min(max_a, end) + 1):
        row = rows[end - a]
        if row is not None:
            cols, cum = row
            total[a - 1:] += cum[np.searchsorted(cols, j1)] - cum[np.searchsorted(cols, j0)]
    return total


def _trace(back_rows, lo, n, m, shapes, src_units, tgt_units) -> list[Bead]:
    """Follow back-pointers from (n, m) to (0, 0); a bead's score is its cosine."""
    beads: list[Bead] = []
    i, j = n, m
    while i > 0 or j > 0:
        a, b = shapes[back_rows[i][j - lo[i]]]
        score = float(src_units[a - 1, i] @ tgt_units[b - 1, j]) if a and b else 0.0
        beads.append(Bead(tuple(range(i - a, i)), tuple(range(j - b, j)), round(score, 4)))
        i, j = i - a, j - b
    beads.reverse()
    return beads
