#!/usr/bin/env python3
"""Recall and speed of VectorIndex's HNSW mode against exact (flat) search, on synthetic data.

The vectors are drawn around a few thousand random topic centres (unit-normalised), which
is closer to sentence embeddings than isotropic noise: most mass sits in clusters, and the
nearest neighbours of a query are near-duplicates in the same cluster.

Usage: scripts/bench_index.py [--n 200000] [--dim 512] [--queries 1000] [--k 10]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from rich.console import Console
from rich.table import Table

from embeddings import VectorIndex


def clustered_unit_vectors(n: int, dim: int, clusters: int, rng: np.random.Generator) -> np.ndarray:
    centres = rng.standard_normal((clusters, dim)).astype(np.float32)
    vectors = centres[rng.integers(clusters, size=n)] + 0.7 * rng.standard_normal((n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def timed_build(vectors: np.ndarray, threshold: int) -> tuple[VectorIndex, float]:
    started = time.perf_counter()
    index = VectorIndex(vectors.shape[1], hnsw_threshold=threshold)
    index.add(vectors, np.arange(len(vectors)))
    return index, time.perf_counter() - started


def timed_search(index: VectorIndex, queries: np.ndarray, k: int) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    _, ids = index.search(queries, k)
    return ids, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--dim", type=int, default=512)
    parser.add_argument("--clusters", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--k", type=int, default=10)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    data = clustered_unit_vectors(args.n + args.queries, args.dim, args.clusters, rng)
    vectors, queries = data[: args.n], data[args.n :]

    flat, flat_build = timed_build(vectors, threshold=args.n + 1)
    truth, flat_search = timed_search(flat, queries, args.k)
    flat_kind = flat.kind
    del flat  # halve peak memory before building the graph
    hnsw, hnsw_build = timed_build(vectors, threshold=0)
    found, hnsw_search = timed_search(hnsw, queries, args.k)

    recall_at_1 = float(np.mean(found[:, 0] == truth[:, 0]))
    recall_at_k = float(np.mean([len(set(f) & set(t)) / args.k for f, t in zip(found, truth)]))
    table = Table(title=f"{args.n:,} vectors, dim {args.dim}, {args.queries:,} queries, k={args.k}")
    for column in ("index", "build s", "search ms/query", "recall@1", f"recall@{args.k}"):
        table.add_column(column, justify="left" if column == "index" else "right")
    per_query = 1000 / args.queries
    table.add_row(flat_kind, f"{flat_build:.1f}", f"{flat_search * per_query:.2f}", "1.000", "1.000")
    table.add_row(
        hnsw.kind, f"{hnsw_build:.1f}", f"{hnsw_search * per_query:.2f}", f"{recall_at_1:.3f}", f"{recall_at_k:.3f}"
    )
    Console(width=120).print(table)


if __name__ == "__main__":
    main()
