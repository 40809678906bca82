"""Figures and text pieces every renderer shows the same way.

Kept free of any output format so the terminal report, the view and the HTML
page cannot disagree about what "aligned" or "one-sided" means.
"""

from __future__ import annotations

import itertools
import os
from bisect import bisect_right
from dataclasses import dataclass

from align.types import Bead, Document, Fact, PairResult, Sentence

SIDES = ("source", "target")
FACT_KINDS = ("number", "date", "name", "clause", "sentence")  # as align.facts labels them

# Scripts written right to left; codes are compared on their primary subtag.
RTL_LANGS = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku", "pa-arab", "ps", "sd", "syr", "ug", "ur", "yi"})


@dataclass(frozen=True)
class Coverage:
    """How much of one side sits in beads that have a counterpart."""

    aligned_sentences: int
    total_sentences: int
    aligned_chars: int
    total_chars: int

    @property
    def sentence_ratio(self) -> float:
        return self.aligned_sentences / self.total_sentences if self.total_sentences else 0.0

    @property
    def char_ratio(self) -> float:
        return self.aligned_chars / self.total_chars if self.total_chars else 0.0


@dataclass(frozen=True)
class Segment:
    """A stretch of a sentence's display text and the facts covering all of it, innermost (shortest) first."""

    text: str
    facts: tuple[Fact, ...]


def is_rtl(lang: str) -> bool:
    """Whether a language code names a right-to-left script (``ar``, ``he-IL``, ``fa_IR``...)."""
    code = lang.lower().replace("_", "-")
    return code in RTL_LANGS or code.split("-")[0] in RTL_LANGS


def document(result: PairResult, side: str) -> Document:
    """The document on ``side`` ("source" or "target")."""
    return result.source if side == "source" else result.target


def file_name(doc: Document) -> str:
    """The input's file name, or a stand-in for text given directly (Python API, stdin)."""
    return os.path.basename(doc.path) if doc.path else "(text)"


def bead_side(bead: Bead, side: str) -> tuple[int, ...]:
    """The sentence indices a bead takes from ``side``."""
    return bead.source if side == "source" else bead.target


def is_two_sided(bead: Bead) -> bool:
    return bool(bead.source) and bool(bead.target)


def moved_rows(result: PairResult) -> dict[int, int]:
    """One-sided beads whose sentences the other version tells elsewhere (``result.moved``), by bead
    number: the number of the bead where the other version's part starts."""
    row_of = {side: {i: n for n, bead in enumerate(result.beads) for i in bead_side(bead, side)} for side in SIDES}
    rows = {}
    for pair in result.moved:
        for side, other in (("source", "target"), ("target", "source")):
            there = row_of[other][bead_side(pair, other)[0]]
            rows.update((row_of[side][i], there) for i in bead_side(pair, side))
    return rows


def told_elsewhere(moved: dict[int, int], row: int, *, numbered: bool) -> str | None:
    """What the empty side of bead ``row`` says when it moved (``moved``: :func:`moved_rows`): which way
    (and, when rows are numbered, where) the other version tells it; None for a bead that did not move."""
    if row not in moved:
        return None
    there = moved[row]
    return ("↓ told further down" if there > row else "↑ told further up") + (f" (#{there})" if numbered else "")


def coverage(result: PairResult, side: str) -> Coverage:
    """Sentences and characters of ``side`` that have a counterpart on the other side, here or moved."""
    sentences = document(result, side).sentences
    aligned = {i for bead in (*result.beads, *result.moved) if is_two_sided(bead) for i in bead_side(bead, side)}
    return Coverage(
        aligned_sentences=len(aligned),
        total_sentences=len(sentences),
        aligned_chars=sum(len(sentences[i].text) for i in aligned),
        total_chars=sum(len(s.text) for s in sentences),
    )


def match_score(result: PairResult) -> float:
    """Mean score of the beads pairing both sides.

    One-sided beads are left out: their score is not a similarity, and
    counting them would make a good alignment of two unequal reports look bad.
    """
    scores = [bead.score for bead in result.beads if is_two_sided(bead)]
    return sum(scores) / len(scores) if scores else 0.0


def facts_on(result: PairResult, side: str) -> list[Fact]:
    """The one-sided facts of ``side`` in reading order."""
    return sorted((f for f in result.facts if f.side == side), key=lambda f: (f.start, f.end))


def display_text(doc: Document, sentence: Sentence) -> str:
    """The sentence as it stands in the document, each whitespace character shown as a space.

    Same length as the original slice, so fact offsets still index into it.
    """
    return "".join(" " if ch.isspace() else ch for ch in doc.text[sentence.start : sentence.end])


def segments(doc: Document, sentence: Sentence, facts: list[Fact]) -> list[Segment]:
    """Cut a sentence at every fact boundary so each piece knows which facts cover it."""
    text = display_text(doc, sentence)
    inside = [f for f in facts if f.start < sentence.end and f.end > sentence.start]
    cuts = {0, len(text)}
    for fact in inside:
        cuts.add(max(fact.start - sentence.start, 0))
        cuts.add(min(fact.end - sentence.start, len(text)))
    bounds = sorted(cuts)
    pieces = []
    for lo, hi in itertools.pairwise(bounds):
        covering = [f for f in inside if f.start <= sentence.start + lo and f.end >= sentence.start + hi]
        covering.sort(key=lambda f: f.end - f.start)
        pieces.append(Segment(text[lo:hi], tuple(covering)))
    return pieces


def sentence_of(doc: Document, offset: int) -> int | None:
    """Index of the sentence containing a character offset, if any."""
    index = bisect_right([s.start for s in doc.sentences], offset) - 1
    if index >= 0 and offset < doc.sentences[index].end:
        return index
    return None


def fact_label(fact: Fact) -> str:
    """What a reader sees on hover or next to a fact: its kind and how sure we are."""
    return f"{fact.kind} · {fact.score:.2f}"
