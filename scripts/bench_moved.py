#!/usr/bin/env python3
"""Moved paragraphs on NTREX: content both versions tell at different places must not be called one-sided.

For each document pair (line i of one language translates line i of the other),
with a fixed random seed per document: a block of ``--block`` consecutive lines of
the first half of the second version is moved to a place in its second half;
with ``--delete`` one more line is deleted from each version, so that each has
one sentence the other truly lacks. Lines are joined into paragraphs (as in
scripts/bench_omissions.py) and the whole pipeline runs on the raw texts.

Printed per pair, over the lines of both versions:

* ``movedFlagged``: moved lines flagged as one-sided sentences (the failure this
  measures; a monotone alignment leaves a moved block alone on both sides);
* ``movedPaired``: moved lines in a pair of ``PairResult.moved`` whose other side
  holds their translation;
* ``otherFlagged``: lines neither moved nor deprived of their counterpart flagged as
  one-sided sentences (false alarms);
* ``deletedFound`` (with ``--delete``): lines whose counterpart was deleted that are
  still flagged, and ``deletedPaired``: such lines wrongly paired as moved.

    .venv/bin/python scripts/bench_moved.py [DATA] --pairs fr-en,ar-fr --block 3 [--delete]
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from bench_omissions import join_paragraphs, overlap, ratio
from benchdata import BENCHMARKS, existing_path

DEFAULT_DATA = BENCHMARKS / "ntrex-dev"


@dataclass
class Counts:
    moved: int = 0
    moved_flagged: int = 0
    moved_paired: int = 0
    other: int = 0
    other_flagged: int = 0
    deleted: int = 0
    deleted_found: int = 0
    deleted_paired: int = 0


def plan(n: int, block: int, delete: bool, rng: random.Random) -> tuple[list[int], list[int], set[int], set[int]] | None:
    """The second version's line order, the moved lines, and the lines each version keeps; None if too short.

    The block leaves the first half (never the headline) for a place in the second half.
    """
    if n < 2 * block + 6:
        return None
    start = rng.randrange(1, n // 2 - block + 1)
    moved = list(range(start, start + block))
    rest = [i for i in range(n) if i not in moved]
    at = rng.randrange(len(rest) // 2 + 1, len(rest) + 1)
    kept_a, kept_b = set(range(n)), set(range(n))
    if delete:
        del_a, del_b = rng.sample([i for i in range(1, n) if i not in moved], 2)
        kept_a.discard(del_a)
        kept_b.discard(del_b)
    return rest[:at] + moved + rest[at:], moved, kept_a, kept_b


def count(result, spans: dict[str, dict[int, tuple[int, int]]], moved: set[int], kept: dict[str, set[int]], tally: Counts) -> None:
    for side, other in (("source", "target"), ("target", "source")):
        doc = result.source if side == "source" else result.target
        other_doc = result.target if side == "source" else result.source
        flags = [(f.start, f.end) for f in result.facts if f.side == side and f.kind == "sentence"]
        pairs = [(b.source, b.target) if side == "source" else (b.target, b.source) for b in result.moved]
        for line, span in spans[side].items():
            flagged = sum(overlap(span, f) for f in flags) >= 0.5 * (span[1] - span[0])
            mine = {i for i, s in enumerate(doc.sentences) if overlap(span, (s.start, s.end)) > 0}
            partner = [theirs for ours, theirs in pairs if mine & set(ours)]
            counterpart = spans[other].get(line)
            paired = counterpart is not None and any(
                overlap(counterpart, (other_doc.sentences[j].start, other_doc.sentences[j].end)) > 0
                for theirs in partner for j in theirs)
            if line not in kept[other]:
                tally.deleted += 1
                tally.deleted_found += flagged
                tally.deleted_paired += bool(partner)
            elif line in moved:
                tally.moved += 1
                tally.moved_flagged += flagged
                tally.moved_paired += paired
            else:
                tally.other += 1
                tally.other_flagged += flagged


def run_pair(data: Path, la: str, lb: str, docs: int, block: int, delete: bool, encoder) -> Counts:
    from align.pipeline import pair_documents, prepare

    tally = Counts()
    for doc_id in sorted(p.name for p in (data / la).glob("*.txt"))[:docs]:
        a_lines = (data / la / doc_id).read_text(encoding="utf-8").splitlines()
        b_lines = (data / lb / doc_id).read_text(encoding="utf-8").splitlines()
        n = min(len(a_lines), len(b_lines))
        rng = random.Random(f"{doc_id}:{la}-{lb}:moved")
        planned = plan(n, block, delete, rng)
        if planned is None:
            continue
        second, moved, kept_a, kept_b = planned
        sizes = [rng.randint(2, 4) for _ in range(n)]
        text_a, spans_a = join_paragraphs(a_lines[:n], sorted(kept_a), sizes)
        # The second version's lines in their new order: its paragraphs follow positions, not line numbers.
        order = [i for i in second if i in kept_b]
        text_b, by_position = join_paragraphs([b_lines[i] for i in order], list(range(len(order))), sizes)
        spans_b = {order[k]: span for k, span in by_position.items()}
        result = pair_documents(prepare(text_a, lang=la), prepare(text_b, lang=lb), encoder)
        count(result, {"source": spans_a, "target": spans_b}, set(moved), {"source": kept_a, "target": kept_b}, tally)
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=existing_path, default=str(DEFAULT_DATA))
    parser.add_argument("--pairs", default="fr-en,ar-fr")
    parser.add_argument("--docs", type=int, default=62)
    parser.add_argument("--block", type=int, default=3, help="consecutive lines moved")
    parser.add_argument("--delete", action="store_true", help="also delete one other line from each version")
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    from embeddings import load_encoder

    encoder = load_encoder(args.model)
    print(f"# moved blocks of {args.block} line(s), {args.data.name}, {args.docs} docs/pair"
          f"{', one line deleted a side' if args.delete else ''}, full pipeline on paragraphs")
    print(f"{'pair':6} {'moved':>6} {'movedFlagged':>12} {'movedPaired':>11} {'otherFlagged':>12} "
          f"{'deletedFound':>12} {'deletedPaired':>13}")
    for spec in args.pairs.split(","):
        la, lb = spec.split("-")
        t = run_pair(args.data, la, lb, args.docs, args.block, args.delete, encoder)
        print(f"{spec:6} {t.moved:>6} {ratio(t.moved_flagged, t.moved):>12} {ratio(t.moved_paired, t.moved):>11} "
              f"{ratio(t.other_flagged, t.other):>12} {ratio(t.deleted_found, t.deleted):>12} "
              f"{ratio(t.deleted_paired, t.deleted):>13}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
