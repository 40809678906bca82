"""A FAISS index of unit vectors with stable int64 ids: cosine similarity as inner product.

Exact search (IndexFlatIP) while the index is small; past ``HNSW_THRESHOLD`` vectors it
moves to HNSW. HNSW rather than IVF because it needs no training pass: vectors can be
added one document at a time, ids stay put and recall does not drift as the collection
changes; its price is memory (M links per vector), small next to the vectors themselves.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

from .encoder import available_cores

log = logging.getLogger(__name__)

HNSW_THRESHOLD = 100_000
HNSW_LINKS = 16  # M: graph links per vector; build time grows with M, 16 keeps recall@10 high at 512 dims
HNSW_EF_CONSTRUCTION = 64
HNSW_EF_SEARCH = 128


def _faiss():  # type: ignore[no-untyped-def]
    """Import faiss on demand and size its thread pool to the cores we may use."""
    import faiss

    faiss.omp_set_num_threads(available_cores())
    return faiss


class VectorIndex:
    """Nearest-neighbour search over L2-normalised float32 vectors, keyed by int64 ids."""

    def __init__(self, dim: int, *, hnsw_threshold: int = HNSW_THRESHOLD) -> None:
        self.dim = dim
        self.hnsw_threshold = hnsw_threshold
        self._index = self._flat()

    @classmethod
    def build(cls, vectors: np.ndarray, ids: np.ndarray | None = None, **options: int) -> VectorIndex:
        """An index holding ``vectors`` (ids 0..n-1 unless given); type chosen by size."""
        vectors = _as_matrix(vectors)
        index = cls(vectors.shape[1], **options)
        index.add(vectors, np.arange(len(vectors)) if ids is None else ids)
        return index

    @property
    def kind(self) -> str:
        """'flat' or 'hnsw': which search structure currently backs the index."""
        inner = _faiss().downcast_index(self._index.index)
        return "hnsw" if "HNSW" in type(inner).__name__ else "flat"

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def add(self, vectors: np.ndarray, ids: np.ndarray | list[int]) -> None:
        """Add unit vectors under the given ids; crossing the size threshold switches to HNSW."""
        vectors = _as_matrix(vectors)
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if vectors.shape[1] != self.dim or len(ids) != len(vectors):
            raise ValueError(f"expected (n, {self.dim}) vectors and n ids, got {vectors.shape} and {len(ids)} ids")
        if self.kind == "flat" and len(self) + len(vectors) > self.hnsw_threshold:
            self._move_to_hnsw()
        self._index.add_with_ids(vectors, ids)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (scores, ids) per query row, best first; k is capped at the index size."""
        queries = _as_matrix(queries)
        k = min(k, len(self))
        if k <= 0:
            empty = (len(queries), 0)
            return np.empty(empty, dtype=np.float32), np.empty(empty, dtype=np.int64)
        scores, ids = self._index.search(queries, k)
        return scores, ids

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """All (vectors, ids) stored, in insertion order."""
        faiss = _faiss()
        ids = faiss.vector_to_array(self._index.id_map).astype(np.int64)
        stored = self._index.index.reconstruct_n(0, len(self)) if len(self) else np.empty((0, self.dim), np.float32)
        return stored, ids

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the index (vectors, ids and structure) to one file."""
        _faiss().write_index(self._index, str(path))

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, hnsw_threshold: int = HNSW_THRESHOLD) -> VectorIndex:
        """Read an index written by :meth:`save`."""
        faiss = _faiss()
        stored = faiss.read_index(str(Path(path)))
        index = cls(stored.d, hnsw_threshold=hnsw_threshold)
        index._index = stored  # the owning handle: a downcast copy would let FAISS free it
        if index.kind == "hnsw":
            faiss.downcast_index(index._index.index).hnsw.efSearch = HNSW_EF_SEARCH
        return index

    def _flat(self):  # type: ignore[no-untyped-def]
        faiss = _faiss()
        return faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))

    def _move_to_hnsw(self) -> None:
        """Rebuild the current content as HNSW, keeping every id."""
        faiss = _faiss()
        stored, ids = self.vectors()
        hnsw = faiss.IndexHNSWFlat(self.dim, HNSW_LINKS, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        hnsw.hnsw.efSearch = HNSW_EF_SEARCH
        self._index = faiss.IndexIDMap2(hnsw)
        if len(ids):
            self._index.add_with_ids(stored, ids)
        log.info("vector index moved to HNSW at %d vectors", len(ids))


def _as_matrix(vectors: np.ndarray) -> np.ndarray:
    """FAISS wants C-contiguous float32 2-D arrays."""
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    if matrix.ndim != 2:
        raise ValueError(f"expected a 2-D array of vectors, got shape {matrix.shape}")
    return matrix
