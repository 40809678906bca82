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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from align.types import Bead


@dataclass(frozen=True)
class AlignParams:
    """Knobs of the aligner; defaults measured on Text+Berg dev and NTREX."""

    max_side: int = 4  # largest number of sentences on one side of a bead
    max_total: int = 5  # largest number of sentences in a bead, both sides
    skip_cost: float = 0.7  # cost of leaving one sentence unaligned
    merge_penalty: float = 0.2  # extra cost per sentence beyond 1-1
    length_weight: float = 0.6  # weight of the squared log length-ratio
    anchor_bonus: float = 0.25  # cost reduction when both sides share anchors
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


def window_sums(values: np.ndarray, max_side: int) -> np.ndarray:
    """``out[k-1, e]`` = sum of ``values[e-k .. e-1]``; NaN where undefined."""
    c = _cumsum0(values, axis=0)
    out = np.full((max_side,) + c.shape, np.nan)
    for k in range(1, max_side + 1):
        out[k - 1, k:] = c[k:] - c[:-k]
    return out


def anchor_chain(src: np.ndarray, tgt: np.ndarray, shared: dict[tuple[int, int], float], knn: int) -> list[tuple[int, int]]:
    """The heaviest chain of margin-scored sentence pairs increasing on both sides.

    Candidates are each sentence's ``knn`` nearest neighbours (both directions)
    weighted by ratio margin above 1, and pairs sharing numbers or names.
    """
    n, m = len(src), len(tgt)
    if n == 0 or m == 0:
        return []
    k = min(knn, n, m)
    best_t = np.zeros((n, k), dtype=np.int64)
    best_t_sim = np.zeros((n, k))
    mean_s = np.zeros(n)
    chunk = 1024
    for lo in range(0, n, chunk):
        sims = src[lo:lo + chunk] @ tgt.T
        idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        best_t[lo:lo + chunk] = idx
        best_t_sim[lo:lo + chunk] = np.take_along_axis(sims, idx, axis=1)
        mean_s[lo:lo + chunk] = best_t_sim[lo:lo + chunk].mean(axis=1)
    best_s = np.zeros((m, k), dtype=np.int64)
    best_s_sim = np.zeros((m, k))
    mean_t = np.zeros(m)
    for lo in range(0, m, chunk):
        sims = tgt[lo:lo + chunk] @ src.T
        idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        best_s[lo:lo + chunk] = idx
        best_s_sim[lo:lo + chunk] = np.take_along_axis(sims, idx, axis=1)
        mean_t[lo:lo + chunk] = best_s_sim[lo:lo + chunk].mean(axis=1)

    weight: dict[tuple[int, int], float] = {}
    for i in range(n):
        for j, s in zip(best_t[i], best_t_sim[i]):
            weight[(i, int(j))] = s / ((mean_s[i] + mean_t[j]) / 2)
    for j in range(m):
        for i, s in zip(best_s[j], best_s_sim[j]):
            weight[(int(i), j)] = s / ((mean_s[i] + mean_t[j]) / 2)
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
    for (i0, j0), (i1, j1) in zip(points, points[1:]):
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
    """All (a, b) bead shapes searched: 1-0, 0-1 and up to ``max_side`` a side."""
    shapes = [(1, 0), (0, 1)]
    shapes += [(a, b) for a in range(1, max_side + 1) for b in range(1, max_side + 1) if a + b <= max_total]
    return shapes


def align_embeddings(
    src: np.ndarray,
    tgt: np.ndarray,
    src_lens: np.ndarray,
    tgt_lens: np.ndarray,
    shared: dict[tuple[int, int], float] | None = None,
    params: AlignParams = AlignParams(),
    src_units: np.ndarray | None = None,
    tgt_units: np.ndarray | None = None,
) -> list[Bead]:
    """Align two documents given their L2-normalised sentence embeddings.

    ``src_lens``/``tgt_lens`` are character lengths (the length prior);
    ``shared`` maps sentence pairs ``(i, j)`` to the strength of the anchors
    (numbers, names) they share.  ``src_units``/``tgt_units`` optionally give
    the vectors of merged sentence runs (``[k-1, e]`` = sentences ``e-k..e-1``);
    by default they are the summed sentence vectors.  Returns beads covering
    every sentence of both sides exactly once, in order, scored by cosine.
    """
    n, m = len(src), len(tgt)
    shared = shared or {}
    if n == 0 or m == 0:
        return [Bead((i,), (), 0.0) for i in range(n)] + [Bead((), (j,), 0.0) for j in range(m)]
    p = params
    shapes = bead_types(p.max_side, p.max_total)
    su = summed_units(src, p.max_side) if src_units is None else src_units
    tu = summed_units(tgt, p.max_side) if tgt_units is None else tgt_units

    if n * m <= p.full_dp_cells:
        lo, hi = np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64)
    else:
        lo, hi = band_from_anchors(anchor_chain(src, tgt, shared, p.knn), n, m, p.band)

    # How close each unit is to the other document as a whole: Vecalign's
    # normaliser, so that hub sentences do not attract everything.
    src_hub = 1 - su @ tgt.mean(axis=0)
    tgt_hub = 1 - tu @ src.mean(axis=0)
    src_len = window_sums(src_lens.astype(np.float64), p.max_side)
    tgt_len = window_sums(tgt_lens.astype(np.float64), p.max_side)
    log_ratio = np.log((tgt_lens.sum() + 1.0) / (src_lens.sum() + 1.0))
    shared_grid = _shared_prefix(shared, n, m)

    cost_rows: list[np.ndarray] = []
    back_rows: list[np.ndarray] = []
    for i in range(n + 1):
        cols = np.arange(lo[i], hi[i] + 1)
        row = np.full(len(cols), np.inf)
        back = np.full(len(cols), -1, dtype=np.int8)
        if i == 0:
            row[0] = 0.0
        for shape_id, (a, b) in enumerate(shapes):
            if a == 0 or a > i:
                continue
            prev = i - a
            starts = cols - b
            ok = (starts >= lo[prev]) & (starts <= hi[prev])
            if not ok.any():
                continue
            e = cols[ok]
            total = cost_rows[prev][starts[ok] - lo[prev]]
            if b == 0:
                total = total + p.skip_cost
            else:
                cos = tu[b - 1, e] @ su[a - 1, i]
                hub = (src_hub[a - 1, i] + tgt_hub[b - 1, e]) / 2
                # Weighted by sentences covered, so merging is not a way to pay less.
                bead = (1 - cos) / np.maximum(hub, 1e-3) * (a + b) / 2
                bead += p.merge_penalty * (a + b - 2)
                ratio = np.log((tgt_len[b - 1, e] + 10.0) / (src_len[a - 1, i] + 10.0)) - log_ratio
                bead += p.length_weight * ratio**2
                if shared_grid is not None:
                    overlap = _window_shared(shared_grid, prev, i, e - b, e)
                    bead -= p.anchor_bonus * np.minimum(overlap, 1.0)
                total = total + np.nan_to_num(bead, nan=np.inf)
            idx = np.nonzero(ok)[0]
            better = total < row[idx]
            row[idx[better]] = total[better]
            back[idx[better]] = shape_id
        # 0-1 beads chain inside the row: cost[j] = min_k(cost[k] + (j-k)*skip).
        steps = np.arange(len(cols)) * p.skip_cost
        chained = np.minimum.accumulate(row - steps) + steps
        from_left = chained < row - 1e-12
        row = np.where(from_left, chained, row)
        back[from_left] = shapes.index((0, 1))
        cost_rows.append(row)
        back_rows.append(back)

    return _trace(back_rows, lo, n, m, shapes, su, tu)


def _shared_prefix(shared: dict[tuple[int, int], float], n: int, m: int):
    """Sparse anchors as a dict row -> sorted (columns, cumulative strengths)."""
    if not shared:
        return None
    rows: dict[int, list[tuple[int, float]]] = {}
    for (i, j), w in shared.items():
        rows.setdefault(i, []).append((j, w))
    return {i: (np.array(sorted(j for j, _ in v)), np.cumsum([w for _, w in sorted(v)])) for i, v in rows.items()}


def _window_shared(grid, i0: int, i1: int, j0: np.ndarray, j1: np.ndarray) -> np.ndarray:
    """Total anchor strength inside source rows ``[i0, i1)`` and target columns ``[j0, j1)``."""
    total = np.zeros(len(j0))
    for i in range(i0, i1):
        if i not in grid:
            continue
        cols, cum = grid[i]
        cum0 = np.concatenate([[0.0], cum])
        total += cum0[np.searchsorted(cols, j1)] - cum0[np.searchsorted(cols, j0)]
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
