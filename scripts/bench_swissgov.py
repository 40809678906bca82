"""SwissGov-RSD (English against fr, de or it): do the reported facts fall on the tokens annotators marked as different?

Each chunk's whitespace tokens are joined with single spaces and run through the
whole pipeline; a token's score is the highest score of the facts covering it
(0 when none does). Printed, per gold file: token-level Spearman against the gold
strengths and F1 of flagged tokens against label > 0, tokens labelled -1 ignored.

DATA is a gold file (``gold_admin_fr.jsonl``) or a folder: then every ``gold_*.jsonl``
in it, one row each. The second version's language is the file name's last part
(``gold_admin_it.jsonl``: Italian); ``--lang`` says it where the name does not.

    .venv/bin/python scripts/bench_swissgov.py [DATA] [--limit N] [--lang L]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

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


def second_language(path: Path, explicit: str | None) -> str | None:
    """The language of ``text_b``: ``--lang``, else the file name's last part; None lets the tool identify it."""
    if explicit:
        return explicit
    code = path.stem.rsplit("_", 1)[-1]
    return code if re.fullmatch(r"[a-z]{2}", code) else None


def score_file(path: Path, lang: str | None, encoder, limit: int | None) -> str:
    """One gold file through the pipeline: its row of the table."""
    from align.pipeline import pair_documents, prepare

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = rows[:limit] if limit else rows
    predicted, gold = [], []
    start = time.perf_counter()
    for row in rows:
        text_a, spans_a = token_text(row["text_a"].split())
        text_b, spans_b = token_text(row["text_b"].split())
        result = pair_documents(prepare(text_a, lang="en"), prepare(text_b, lang=lang), encoder)
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
    return (f"{path.name:<24} {lang or '?':>4} {len(rows):>6} {len(p):>7} {spearman(p, g):>9.3f} {precision:>6.3f} "
            f"{recall:>6.3f} {f1:>6.3f} {100 * flagged.mean():>8.1f}% {100 * truth.mean():>5.1f}% "
            f"{(time.perf_counter() - start) / len(rows):>8.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=existing_path, default=str(DEFAULT_DATA),
                        help=f"a gold file ({DEFAULT_DATA.name}), or a folder: every gold_*.jsonl in it")
    parser.add_argument("--limit", type=int, default=None, help="first N chunks of each file only")
    parser.add_argument("--lang", default=None, help="language of text_b, where the file name does not end in it")
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    from embeddings import load_encoder

    files = sorted(args.data.glob("gold_*.jsonl")) if args.data.is_dir() else [args.data]
    if not files:
        parser.error(f"{args.data}: no gold_*.jsonl in it")
    encoder = load_encoder(args.model)
    print("# SwissGov-RSD: token scores against the annotators' (English is text_a)")
    print(f"{'file':<24} {'lang':>4} {'chunks':>6} {'tokens':>7} {'spearman':>9} {'P':>6} {'R':>6} {'F1':>6} "
          f"{'flagged%':>9} {'gold%':>6} {'s/chunk':>8}")
    for path in files:
        print(score_file(path, second_language(path, args.lang), encoder, args.limit), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
