#!/usr/bin/env python3
"""Sentence-alignment precision, recall and F1 on Text+Berg (German-French, one sentence a line).

Runs the real pipeline path, ``align.pipeline.pair(..., presegmented=True)`` (what
``align pair --presegmented --format vecalign`` prints), and compares its beads with
the gold ``dev.defr`` (lines such as ``[8, 9]:[10, 11, 12]``; ``[]:[16]`` = French only).

Scoring (beads empty on both sides are ignored; a one-sided bead counts once per
sentence, so ``[]:[16, 17]`` is two beads ``[]:[16]`` and ``[]:[17]``):

* strict: a test bead is right only if it is identical to a gold bead;
* lax: a two-sided test bead is right if it shares at least one sentence on each
  side with one two-sided gold bead; a one-sided bead (one sentence) is right if
  gold also leaves that sentence out of every two-sided bead, since there is no
  other side to overlap.

Precision is over test beads, recall over gold beads (lax recall: a gold bead is
found when some test bead matches it by the same rule).

``--facts`` also runs the one-sided-facts stage and reports, per side, how many of
the sentences gold leaves one-sided are flagged as one-sided sentences (the dev set
has a 36-sentence French-only block) and how much of the rest is flagged by any fact.

Usage: scripts/bench_textberg.py [DATA] [--model use] [--errors N] [--facts]
"""

from __future__ import annotations

import argparse
import ast
import time
from pathlib import Path

from benchdata import BENCHMARKS, existing_path
from rich.console import Console
from rich.table import Table

from align.pipeline import pair

DEFAULT_DATA = BENCHMARKS / "textberg-dev"

BeadKey = tuple[tuple[int, ...], tuple[int, ...]]


def read_gold(path: Path) -> list[BeadKey]:
    """Gold beads of a ``.defr`` file, one ``[src]:[tgt]`` a line."""
    beads = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            src, tgt = line.split(":")
            beads.append((tuple(ast.literal_eval(src)), tuple(ast.literal_eval(tgt))))
    return beads


def scored_beads(beads: list[BeadKey]) -> set[BeadKey]:
    """Beads as scored: empty ones dropped, one-sided ones split into one bead per sentence."""
    out: set[BeadKey] = set()
    for src, tgt in beads:
        if src and tgt:
            out.add((src, tgt))
        else:
            out.update(((i,), ()) for i in src)
            out.update(((), (j,)) for j in tgt)
    return out


def prf(right_test: int, n_test: int, right_gold: int, n_gold: int) -> tuple[float, float, float]:
    precision = right_test / n_test if n_test else 0.0
    recall = right_gold / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def strict_scores(test: set[BeadKey], gold: set[BeadKey]) -> tuple[float, float, float]:
    both = len(test & gold)
    return prf(both, len(test), both, len(gold))


def _lax_match(bead: BeadKey, others: set[BeadKey], one_sided: set[BeadKey]) -> bool:
    src, tgt = bead
    if not src or not tgt:
        return bead in one_sided
    return any(set(src) & set(o_src) and set(tgt) & set(o_tgt) for o_src, o_tgt in others if o_src and o_tgt)


def lax_scores(test: set[BeadKey], gold: set[BeadKey]) -> tuple[float, float, float]:
    test_one_sided = {b for b in test if not b[0] or not b[1]}
    gold_one_sided = {b for b in gold if not b[0] or not b[1]}
    right_test = sum(_lax_match(b, gold, gold_one_sided) for b in test)
    right_gold = sum(_lax_match(b, test, test_one_sided) for b in gold)
    return prf(right_test, len(test), right_gold, len(gold))


def _mostly_covered(sentence, spans: list[tuple[int, int]]) -> bool:
    overlap = sum(max(0, min(sentence.end, b) - max(sentence.start, a)) for a, b in spans)
    return overlap >= 0.5 * (sentence.end - sentence.start)


def facts_table(result, gold: list[BeadKey]) -> Table:
    """Per side: gold one-sided sentences flagged as sentence facts, and flagged characters elsewhere."""
    table = Table(title="one-sided facts against gold")
    for column in ("side", "gold one-sided", "flagged as sentences", "other sentences flagged", "other chars flagged"):
        table.add_column(column, justify="right" if column != "side" else "left")
    for side, doc, index in (("source", result.source, 0), ("target", result.target, 1)):
        one_sided = {i for bead in gold if not bead[1 - index] for i in bead[index]}
        facts = [f for f in result.facts if f.side == side]
        sentence_facts = [(f.start, f.end) for f in facts if f.kind == "sentence"]
        flagged_chars = {c for f in facts for c in range(f.start, f.end)}
        found = sum(_mostly_covered(doc.sentences[i], sentence_facts) for i in one_sided)
        others = [i for i in range(len(doc.sentences)) if i not in one_sided]
        other_flagged = sum(any(min(doc.sentences[i].end, b) > max(doc.sentences[i].start, a) for a, b in
                                ((f.start, f.end) for f in facts)) for i in others)
        other_chars = [c for i in others for c in range(doc.sentences[i].start, doc.sentences[i].end)]
        table.add_row(side, str(len(one_sided)), f"{found} ({found / max(len(one_sided), 1):.0%})",
                      f"{other_flagged}/{len(others)} ({other_flagged / max(len(others), 1):.1%})",
                      f"{sum(c in flagged_chars for c in other_chars) / max(len(other_chars), 1):.1%}")
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", type=existing_path, default=str(DEFAULT_DATA))
    parser.add_argument("--model", default=None, help="encoder spec (default: USE multilingual v3)")
    parser.add_argument("--errors", type=int, default=0, help="print the first N gold beads missed")
    parser.add_argument("--facts", action="store_true", help="also score the one-sided facts against gold")
    args = parser.parse_args()

    source = (args.data / "dev.de").read_text(encoding="utf-8")
    target = (args.data / "dev.fr").read_text(encoding="utf-8")
    started = time.perf_counter()
    result = pair(source, target, src_lang="de", tgt_lang="fr", model=args.model, presegmented=True, facts=args.facts)
    seconds = time.perf_counter() - started

    test = scored_beads([(b.source, b.target) for b in result.beads])
    gold = scored_beads(read_gold(args.data / "dev.defr"))
    table = Table(title=f"Text+Berg de-fr: {len(result.source.sentences)} / {len(result.target.sentences)} sentences, "
                        f"{seconds:.1f}s")
    for column in ("scoring", "P", "R", "F1"):
        table.add_column(column, justify="right" if column != "scoring" else "left")
    for name, scores in (("strict", strict_scores(test, gold)), ("lax", lax_scores(test, gold))):
        table.add_row(name, *(f"{x:.3f}" for x in scores))
    console = Console()
    console.print(table)
    if args.facts:
        console.print(facts_table(result, read_gold(args.data / "dev.defr")))
    for src, tgt in sorted(gold - test, key=lambda b: (b[0] or b[1], b[1]))[: args.errors]:
        found = [b for b in sorted(test) if set(b[0]) & set(src) or set(b[1]) & set(tgt)]
        console.print(f"missed {list(src)}:{list(tgt)}  got {', '.join(f'{list(s)}:{list(t)}' for s, t in found)}")


if __name__ == "__main__":
    main()
