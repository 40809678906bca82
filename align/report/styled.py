"""Rich text pieces shared by the terminal report and the side-by-side view.

When the console emits no styles at all (output piped to a file), fact spans
are bracketed instead, so the highlight survives as plain characters.
"""

from __future__ import annotations

from rich.console import Console, RenderableType
from rich.text import Text

from align.report.rtl import BidiText
from align.report.summary import (
    FACT_KINDS,
    Segment,
    bead_side,
    document,
    file_name,
    is_rtl,
    is_two_sided,
    segments,
)
from align.types import Bead, Document, Fact, PairResult

FACT_STYLES = {
    "number": "bold black on bright_magenta",
    "date": "bold black on bright_magenta",
    "name": "bold black on bright_cyan",
    "clause": "bold black on bright_yellow",
    "sentence": "black on yellow",
}
DEFAULT_FACT_STYLE = "bold black on yellow"
ONE_SIDED_STYLE = "on grey23"
GAP_STYLE = "dim"
FACT_OPEN, FACT_CLOSE = "⟦", "⟧"


def plain_output(console: Console) -> bool:
    """True when nothing the console prints will carry a style."""
    return console.color_system is None


def fact_style(fact: Fact) -> str:
    return FACT_STYLES.get(fact.kind, DEFAULT_FACT_STYLE)


def highlighted(pieces: list[Segment], *, marked: bool) -> Text:
    """Join sentence pieces, styling the fact spans; if ``marked``, also bracket each fact once."""
    text = Text()
    for number, piece in enumerate(pieces):
        before = pieces[number - 1].facts if number else ()
        after = pieces[number + 1].facts if number + 1 < len(pieces) else ()
        style = fact_style(piece.facts[0]) if piece.facts else ""
        if marked:
            text.append(FACT_OPEN * sum(1 for fact in piece.facts if fact not in before), style=style)
        text.append(piece.text, style=style)
        if marked:
            text.append(FACT_CLOSE * sum(1 for fact in piece.facts if fact not in after), style=style)
    return text


def legend(*, marked: bool) -> Text:
    """One line naming each fact kind in the style it is shown with."""
    text = Text("facts: ", style="bold")
    for kind in FACT_KINDS:
        style = FACT_STYLES[kind]
        label = f"{FACT_OPEN}{kind}{FACT_CLOSE}" if marked else f" {kind} "
        text.append(label, style=style)
        text.append(" ")
    return text


def side_title(doc: Document, side: str) -> str:
    """"source fr · 001.txt": which side, which language, which file."""
    return f"{side} {doc.lang} · {file_name(doc)}"


def bead_cell(
    result: PairResult,
    bead: Bead,
    side: str,
    facts: list[Fact],
    *,
    bidi: bool,
    marked: bool,
    max_lines: int | None = None,
    elsewhere: str | None = None,
) -> RenderableType:
    """One side of a bead: its sentences joined by spaces, facts highlighted, tinted if the
    bead is one-sided; a dash when this side has nothing. ``elsewhere``: the bead moved
    (:func:`align.report.summary.told_elsewhere`), so it is not tinted and its empty
    side says where the other version tells it instead of a dash."""
    doc = document(result, side)
    if not bead_side(bead, side):
        return Text(elsewhere or "—", style=GAP_STYLE, justify="right" if is_rtl(doc.lang) else "left")
    text = Text(style="" if is_two_sided(bead) or elsewhere else ONE_SIDED_STYLE)
    for position, index in enumerate(bead_side(bead, side)):
        if position:
            text.append(" ")
        text.append_text(highlighted(segments(doc, doc.sentences[index], facts), marked=marked))
    return BidiText(text, rtl=is_rtl(doc.lang), bidi=bidi, max_lines=max_lines)
