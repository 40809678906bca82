#!/usr/bin/env python3
"""Sentence-boundary precision, recall and F1 on NTREX news (one sentence a line).

Each document's lines are put back into running text and the splitter must find
the line ends again. Two variants:

* paragraphs: the headline on its own line, then the body lines joined into
  paragraphs of 3-6 lines (a fixed cycle), paragraphs separated by a blank line;
  each blank-line-separated block is given to the splitter as a Block, as
  ingest would;
* glued: every line joined into one block, the headline included, so only
  capitalisation (or nothing) tells where the headline ends.

Lines are joined by a space, by nothing for Chinese. Gold = every line end but
the document's last; a boundary counts when a sentence ends exactly there.
Compared: sentencex alone (per block) and align.segment.

Usage: scripts/bench_segment.py [DATA] [--langs ar,fr,en,de,es,zh] [--errors N]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sentencex
from benchdata import BENCHMARKS, existing_path
from rich.console import Console
from rich.table import Table

from align.segment import segment
from align.types import Block

DEFAULT_DATA = BENCHMARKS / "ntrex-dev"
UNSPACED_LANGUAGES = {"zh", "ja"}


@dataclass
class RunningText:
    """A document rebuilt as running text, with the gold sentence ends."""

    text: str
    blocks: list[Block]
    gold: set[int]


@dataclass
class Counts:
    true_positives: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, predicted: set[int], gold: set[int]) -> None:
        self.true_positives += len(predicted & gold)
        self.predicted += len(predicted)
        self.gold += len(gold)

    def scores(self) -> tuple[float, float, float]:
        precision = self.true_positives / self.predicted if self.predicted else 0.0
        recall = self.true_positives / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def build(lines: list[str], lang: str, doc_index: int, glued: bool) -> RunningText:
    """Join ``lines`` into running text, remembering where each line ends."""
    joiner = "" if lang in UNSPACED_LANGUAGES else " "
    if glued:
        groups = [lines]
    else:
        groups = [[lines[0]]]
        body = lines[1:]
        while body:
            size = 3 + (doc_index + len(groups)) % 4
            groups.append(body[:size])
            body = body[size:]
    text = ""
    blocks: list[Block] = []
    ends: list[int] = []
    for group_index, group in enumerate(groups):
        if group_index:
            text += "\n" if group_index == 1 and not glued else "\n\n"
        block_start = len(text)
        for line_index, line in enumerate(group):
            if line_index:
                text += joiner
            text += line
            ends.append(len(text))
        blocks.append(Block(block_start, len(text)))
    if not glued:
        # Ingest cuts blocks at blank lines: the headline shares a block with the first paragraph.
        blocks = [Block(blocks[0].start, blocks[1].end), *blocks[2:]] if len(blocks) > 1 else blocks
    return RunningText(text, blocks, set(ends[:-1]))


def ours(doc: RunningText, lang: str) -> set[int]:
    return {sentence.end for sentence in segment(doc.text, doc.blocks, lang)}


def sentencex_alone(doc: RunningText, lang: str) -> set[int]:
    ends = set()
    for block in doc.blocks:
        piece = doc.text[block.start : block.end]
        for boundary in sentencex.get_sentence_boundaries(lang, piece):
            ends.add(block.start + len(piece[: boundary["end_index"]].rstrip()))
    return ends


SPLITTERS: dict[str, Callable[[RunningText, str], set[int]]] = {"sentencex": sentencex_alone, "ours": ours}


def read_documents(folder: Path) -> list[list[str]]:
    documents = []
    for path in sorted(folder.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        documents.append([line for line in lines if line])
    return documents


def show_errors(doc: RunningText, predicted: set[int], limit: int, console: Console) -> int:
    """Print missed and spurious boundaries in context; return how many were printed."""
    shown = 0
    for position in sorted(predicted ^ doc.gold)[:limit]:
        kind = "missed" if position in doc.gold else "spurious"
        context = doc.text[max(0, position - 60) : position] + " ‖ " + doc.text[position : position + 40]
        console.print(f"[dim]{kind}[/dim] {context!r}", highlight=False)
        shown += 1
    return shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "data", nargs="?", type=existing_path, default=str(DEFAULT_DATA), help="ntrex-dev folder (one folder per language)"
    )
    parser.add_argument("--langs", default="ar,fr,en,de,es,zh", help="comma-separated language folders")
    parser.add_argument("--errors", type=int, default=0, help="print up to N errors of ours per language and variant")
    args = parser.parse_args()

    console = Console()
    table = Table(title=f"Sentence boundaries on {args.data.resolve().name}")
    for column in ("lang", "variant", "gold", "splitter", "P", "R", "F1"):
        table.add_column(column, justify="left" if column in ("lang", "variant", "splitter") else "right")
    for lang in args.langs.split(","):
        documents = read_documents(args.data / lang)
        for variant, glued in (("paragraphs", False), ("glued", True)):
            built = [build(lines, lang, index, glued) for index, lines in enumerate(documents)]
            budget = args.errors
            for name, splitter in SPLITTERS.items():
                counts = Counts()
                for doc in built:
                    predicted = splitter(doc, lang) - {len(doc.text)}
                    counts.add(predicted, doc.gold)
                    if name == "ours" and budget > 0:
                        budget -= show_errors(doc, predicted, budget, console)
                precision, recall, f1 = counts.scores()
                table.add_row(lang, variant, str(counts.gold), name, f"{precision:.3f}", f"{recall:.3f}", f"{f1:.3f}")
        table.add_section()
    console.print(table)


if __name__ == "__main__":
    main()
