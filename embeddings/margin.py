"""Ratio-margin scoring (Artetxe & Schwenk 2019) for cross-lingual sentence matching.

Raw cosine favours "hub" sentences that are close to everything; dividing by how close
each side is to its own k nearest neighbours on the other side rewards pairs that stand
out from their neighbourhood instead.
"""

from __future__ import annotations

import numpy as np

from .index import VectorIndex

DEFAULT_K = 4
# Keeps the ratio finite when a neighbourhood averages to zero or below (noise vectors).
_MIN_DENOMINATOR = 1e-6


def knn_mean(queries: np.ndarray, index_or_matrix: VectorIndex | np.ndarray, k: int = DEFAULT_K) -> np.ndarray:
    """Mean cosine of each query row to its k nearest neighbours in the other set.

    The other set is a VectorIndex (large sets) or a matrix of unit rows (small sets);
    k is capped at the size of that set.
    """
    queries = np.asarray(queries, dtype=np.float32)
    if isinstance(index_or_matrix, VectorIndex):
        scores, _ = index_or_matrix.search(queries, k)
    else:
        scores = top_k_scores(queries @ np.asarray(index_or_matrix, dtype=np.float32).T, k)
    return _row_means(scores)


def top_k_scores(sim: np.ndarray, k: int) -> np.ndarray:
    """The k largest values of each row (unordered); k is capped at the row length."""
    k = min(k, sim.shape[1])
    if k == 0:
        return sim[:, :0]
    return np.partition(sim, sim.shape[1] - k, axis=1)[:, -k:]


def ratio_margin(sim: np.ndarray, mean_src: np.ndarray, mean_tgt: np.ndarray) -> np.ndarray:
    """cos(x, y) / ((knn_mean(x) + knn_mean(y)) / 2).

    ``sim`` is either an (n, m) cosine matrix with ``mean_src`` of shape (n,) and
    ``mean_tgt`` of shape (m,), or a flat array of pair scores with equally long means.
    """
    sim = np.asarray(sim, dtype=np.float32)
    mean_src = np.asarray(mean_src, dtype=np.float32)
    mean_tgt = np.asarray(mean_tgt, dtype=np.float32)
    if sim.ndim == 2:
        mean_src, mean_tgt = mean_src[:, None], mean_tgt[None, :]
    denominator = np.maximum((mean_src + mean_tgt) / 2, _MIN_DENOMINATOR)
    return sim / denominator


def margin_matrix(x: np.ndarray, y: np.ndarray, k: int = DEFAULT_K) -> np.ndarray:
    """The full (len(x), len(y)) ratio-margin matrix; for sets small enough to hold X·Yᵀ."""
    sim = np.asarray(x, dtype=np.float32) @ np.asarray(y, dtype=np.float32).T
    return ratio_margin(sim, _row_means(top_k_scores(sim, k)), _row_means(top_k_scores(sim.T, k)))


def _row_means(scores: np.ndarray) -> np.ndarray:
    """Mean of each row; an empty neighbourhood (nothing to compare with) counts as 0."""
    if scores.shape[1] == 0:
        return np.zeros(len(scores), dtype=np.float32)
    return scores.mean(axis=1, dtype=np.float32)
