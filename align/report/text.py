"""The default ``align pair`` output: a diff report an analyst can take in at a glance.

Order follows the questions asked of two reports: are they the same story
(languages, match score, how much aligns), what does only one of them say
(facts in context), and which sentence answers which (the pairs, compact).
"""

from __future__ import annotations

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from align.report.rtl import BidiText
from align.report.styled import (
    GAP_STYLE,
    bead_cell,
    highlighted,
    legend,
    plain_output,
    side_title,
)
from align.report.summary import (
    SIDES,
    coverage,
    document,
    fact_label,
    facts_on,
    is_rtl,
    is_two_sided,
    match_score,
    moved_rows,
    segments,
    sentence_of,
    told_elsewhere,
)
from align.types import Fact, PairResult, Sentence

CONTEXT_CHARS = 80  # characters of the sentence shown each side of a fact
CONTEXT_LINES = 4
PAIR_LINES = 2


def header(result: PairResult) -> Panel:
    """Languages, files and the match score."""
    two_sided = sum(1 for bead in result.beads if is_two_sided(bead))
    text = Text()
    text.append(f"{result.source.lang} → {result.target.lang}", style="bold")
    text.append(f"   match score {match_score(result):.2f}", style="bold")
    text.append(f" (mean over {two_sided} aligned pairs)\n", style=GAP_STYLE)
    for side in SIDES:
        text.append(f"{side_title(document(result, side), side)}\n")
    text.rstrip()
    return Panel(text, title="align", title_align="left", expand=False)


def coverage_table(result: PairResult) -> Table:
    """How much of each side has a counterpart, and how many facts only it carries."""
    table = Table(box=box.SIMPLE_HEAD, title="How much aligns", title_justify="left")
    table.add_column("side")
    table.add_column("lang")
    table.add_column("sentences aligned", justify="right")
    table.add_column("characters aligned", justify="right")
    table.add_column("one-sided facts", justify="right")
    for side in SIDES:
        share = coverage(result, side)
        table.add_row(
            side,
            document(result, side).lang,
            f"{share.aligned_sentences}/{share.total_sentences} ({share.sentence_ratio:.0%})",
            f"{share.aligned_chars}/{share.total_chars} ({share.char_ratio:.0%})",
            str(len(facts_on(result, side))),
        )
    return table


def fact_context(result: PairResult, fact: Fact, *, marked: bool) -> Text:
    """The fact inside its sentence, cropped to a window around it, with the fact highlighted."""
    doc = document(result, fact.side)
    index = sentence_of(doc, fact.start)
    if index is None:
        return highlighted(segments(doc, Sentence(fact.text, fact.start, fact.end), [fact]), marked=marked)
    sentence = doc.sentences[index]
    start = max(sentence.start, fact.start - CONTEXT_CHARS)
    end = min(sentence.end, fact.end + CONTEXT_CHARS)
    if start > sentence.start:  # cut at spaces so no word is shown in half
        space = doc.text.find(" ", start, fact.start)
        start = space + 1 if space != -1 else start
    if end < sentence.end:
        space = doc.text.rfind(" ", fact.end, end)
        end = space if space != -1 else end
    window = Sentence(doc.text[start:end], start, end)
    text = highlighted(segments(doc, window, [fact]), marked=marked)
    if start > sentence.start:
        text = Text("…") + text
    if end < sentence.end:
        text.append("…")
    return text


def fact_panel(result: PairResult, side: str, *, bidi: bool, marked: bool) -> RenderableType:
    """The facts only ``side`` carries, each with its kind, score and context."""
    doc = document(result, side)
    facts = facts_on(result, side)
    title = f"Only in the {side} ({doc.lang}) · {len(facts)} fact{'s' if len(facts) != 1 else ''}"
    if not facts:
        return Panel(Text("nothing", style=GAP_STYLE), title=title, title_align="left")
    table = Table(box=None, show_header=False, expand=True, padding=(0, 1, 1, 0))
    table.add_column("kind", no_wrap=True, style="bold")
    table.add_column("context", ratio=1)
    for fact in facts:
        context = BidiText(fact_context(result, fact, marked=marked), rtl=is_rtl(doc.lang), bidi=bidi, max_lines=CONTEXT_LINES)
        table.add_row(fact_label(fact), context)
    return Panel(table, title=title, title_align="left")


def pairs_table(result: PairResult, *, bidi: bool, marked: bool) -> Table:
    """Every bead on one or two lines a side; one-sided beads tinted, the missing side a dash (or, for
    a moved bead, where the other version tells it)."""
    table = Table(box=box.SIMPLE_HEAD, title="Sentence alignment", title_justify="left", expand=True)
    table.add_column("#", justify="right", style=GAP_STYLE, no_wrap=True)
    for side in SIDES:
        table.add_column(document(result, side).lang, ratio=1)
    table.add_column("score", justify="right", no_wrap=True)
    facts = {side: facts_on(result, side) for side in SIDES}
    moved = moved_rows(result)
    for number, bead in enumerate(result.beads):
        elsewhere = told_elsewhere(moved, number, numbered=True)
        cells = [bead_cell(result, bead, side, facts[side], bidi=bidi, marked=marked, max_lines=PAIR_LINES,
                           elsewhere=elsewhere) for side in SIDES]
        score = f"{bead.score:.2f}" if is_two_sided(bead) else "moved" if elsewhere else "only"
        table.add_row(str(number), *cells, score)
    return table


def report(result: PairResult, *, bidi: bool = True, marked: bool = False) -> Group:
    """The whole report as one renderable; ``marked`` brackets facts for style-less output."""
    parts: list[RenderableType] = [header(result), coverage_table(result)]
    parts.extend(fact_panel(result, side, bidi=bidi, marked=marked) for side in SIDES)
    parts.append(legend(marked=marked))
    parts.append(pairs_table(result, bidi=bidi, marked=marked))
    return Group(*parts)


def render_text(result: PairResult, console: Console, *, bidi: bool = True) -> None:
    """Print the diff report; ``bidi=False`` for terminals that reorder right-to-left text themselves."""
    console.print(report(result, bidi=bidi, marked=plain_output(console)))
