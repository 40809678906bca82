#!/usr/bin/env python3
"""Tatoeba retrieval accuracy and encoding speed per encoder backend.

For each language pair (xx, eng) of line-aligned sentences, every sentence must find its
translation among the 1,000 on the other side: accuracy in both directions, by raw cosine
and by ratio margin (k=4). Speed is sentences/s of encoding alone, after the model is
loaded; load time is that of the first (one-sentence) encode. The cache is off.

Usage: scripts/bench_tatoeba.py [DATA] [--models use,e5] [--langs ara,fra,deu] [--k 4]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from benchdata import BENCHMARKS, existing_path
from rich.console import Console
from rich.table import Table

from embeddings import load_encoder, margin_matrix

DEFAULT_DATA = BENCHMARKS / "tatoeba"


@dataclass
class PairScores:
    cos_to_en: float
    cos_from_en: float
    margin_to_en: float
    margin_from_en: float


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def retrieval_accuracy(scores: np.ndarray) -> tuple[float, float]:
    """Row i's gold partner is column i: accuracy of argmax over rows and over columns."""
    gold = np.arange(len(scores))
    return float((scores.argmax(axis=1) == gold).mean()), float((scores.argmax(axis=0) == gold).mean())


def score_pair(foreign: np.ndarray, english: np.ndarray, k: int) -> PairScores:
    cos_to_en, cos_from_en = retrieval_accuracy(foreign @ english.T)
    margin_to_en, margin_from_en = retrieval_accuracy(margin_matrix(foreign, english, k))
    return PairScores(cos_to_en, cos_from_en, margin_to_en, margin_from_en)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", type=existing_path, default=str(DEFAULT_DATA), help="folder of tatoeba.xxx-eng.* files")
    parser.add_argument("--models", default="use,e5", help="comma-separated encoder specs (load_encoder)")
    parser.add_argument("--langs", default="ara,fra,deu", help="comma-separated ISO 639-3 codes paired with eng")
    parser.add_argument("--k", type=int, default=4, help="neighbours for the ratio margin")
    args = parser.parse_args()

    table = Table(title=f"Tatoeba retrieval accuracy ({args.data.resolve()}), margin k={args.k}")
    for column in (
        "model",
        "pair",
        "cos xx→en",
        "cos en→xx",
        "cos avg",
        "margin xx→en",
        "margin en→xx",
        "margin avg",
        "sent/s",
        "load s",
    ):
        table.add_column(column, justify="left" if column in ("model", "pair") else "right")

    for spec in args.models.split(","):
        started = time.perf_counter()
        encoder = load_encoder(spec, cache_dir=False)
        encoder.encode(["warm up"])
        load_seconds = time.perf_counter() - started
        rows, encoded, encode_seconds = [], 0, 0.0
        for lang in args.langs.split(","):
            foreign_text = read_lines(args.data / f"tatoeba.{lang}-eng.{lang}")
            english_text = read_lines(args.data / f"tatoeba.{lang}-eng.eng")
            started = time.perf_counter()
            foreign, english = encoder.encode(foreign_text), encoder.encode(english_text)
            encode_seconds += time.perf_counter() - started
            encoded += len(foreign_text) + len(english_text)
            rows.append((lang, score_pair(foreign, english, args.k)))
        speed = encoded / encode_seconds
        for lang, s in rows:
            table.add_row(
                encoder.name,
                f"{lang}-eng",
                *(
                    f"{value:.3f}"
                    for value in (
                        s.cos_to_en,
                        s.cos_from_en,
                        (s.cos_to_en + s.cos_from_en) / 2,
                        s.margin_to_en,
                        s.margin_from_en,
                        (s.margin_to_en + s.margin_from_en) / 2,
                    )
                ),
                f"{speed:.0f}",
                f"{load_seconds:.1f}",
            )
    Console(width=140).print(table)


if __name__ == "__main__":
    main()
