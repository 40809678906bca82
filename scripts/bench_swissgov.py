"""SwissGov-RSD (en-fr): do the reported facts fall on the tokens annotators marked as different?

Each chunk's whitespace tokens are joined with single spaces and run through the
whole pipeline; a token's score is the highest score of the facts covering it
(0 when none does). Printed: token-level Spearman against the gold strengths and
F1 of flagged tokens against label > 0, tokens labelled -1 ignored.

    .venv/bin/python scripts/bench_swissgov.py [DATA] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np
from benchdata import BENCHMARKS, existing_path

DEFAULT_DATA = BENCHMARKS / "swissgov-rsd-dev" / "gold_admin_fr.jsonl"


def token_text(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    spans, pos = [], 0
    for token in tokens:
        spans.append((pos, pos + len(token)))
        pos += len(token) + 1
    return " ".join(tokens), spans


def token_scores(facts, side: str, spans: list[tuple[int, int]]) -> np.ndarray:
    scores = np.zeros(len(spans))
    for fact in facts:
        if fact.side != side:
            continue
        for k, (a, b) in enumerate(spans):
            if a < fact.end and fact.start < b:
                scores[k] = max(scores[k], fact.score)
    return scores


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson correlation of average ranks (ties share their mean rank)."""
    def ranks(v: np.ndarray) -> np.ndarray:
        order = np.argsort(v, kind="mergesort")
        r = np.empty(len(v))
        r[order] = np.arange(len(v))
        for value in np.unique(v):
            same = v == value
            r[same] = r[same].mean()
        return r

    rx, ry = ranks(x), ranks(y)
    return float(np.corrcoef(rx, ry)[0, 1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=existing_path, default=str(DEFAULT_DATA),
                        help=f"the gold file, or the folder holding it ({DEFAULT_DATA.name})")
    parser.add_argument("--limit", type=int, default=None, help="first N chunks only")
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    from align.pipeline import pair_documents, prepare
    from embeddings import load_encoder

    data = args.data / DEFAULT_DATA.name if args.data.is_dir() else args.data
    if not data.is_file():
        parser.error(f"{data}: no such file")
    encoder = load_encoder(args.model)
    rows = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = rows[: args.limit] if args.limit else rows
    predicted, gold = [], []
    start = time.perf_counter()
    for row in rows:
        text_a, spans_a = token_text(row["text_a"].split())
        text_b, spans_b = token_text(row["text_b"].split())
        result = pair_documents(prepare(text_a, lang="en"), prepare(text_b, lang="fr"), encoder)
        for side, spans, labels in (("source", spans_a, row["labels_a"]), ("target", spans_b, row["labels_b"])):
            scores = token_scores(result.facts, side, spans)
            keep = np.array(labels) != -1
            predicted.append(scores[keep])
            gold.append(np.array(labels)[keep])
    p, g = np.concatenate(predicted), np.concatenate(gold)
    flagged, truth = p > 0, g > 0
    precision = (flagged & truth).sum() / max(flagged.sum(), 1)
    recall = (flagged & truth).sum() / max(truth.sum(), 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    print(f"# SwissGov-RSD {data.name}, {len(rows)} chunks, {len(p)} scored tokens")
    print(f"{'spearman':>9} {'P':>6} {'R':>6} {'F1':>6} {'flagged%':>9} {'gold%':>6} {'s/chunk':>8}")
    print(f"{spearman(p, g):>9.3f} {precision:>6.3f} {recall:>6.3f} {f1:>6.3f} {100 * flagged.mean():>8.1f}% "
          f"{100 * truth.mean():>5.1f}% {(time.perf_counter() - start) / len(rows):>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
