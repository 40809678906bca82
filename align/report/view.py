"""``align view``: the two reports side by side, one row per bead.

The whole view is rendered once to lines; that tells whether it fits the
screen (print it) or not (hand it, styles included, to a pager).
"""

from __future__ import annotations

from rich import box
from rich.console import Console, Group
from rich.segment import Segment, Segments
from rich.table import Table

from align.report.pager import CommandPager, pager_command
from align.report.styled import GAP_STYLE, bead_cell, legend, plain_output, side_title
from align.report.summary import (
    SIDES,
    facts_on,
    is_rtl,
    is_two_sided,
    moved_rows,
    told_elsewhere,
)
from align.types import PairResult


def side_by_side(result: PairResult, *, bidi: bool, marked: bool) -> Table:
    """One row per bead: source text, score, target text; a dash where a side has nothing (or which way
    the other version tells it, for a moved bead)."""
    table = Table(box=box.SIMPLE_HEAD, expand=True, leading=1, show_edge=False)
    source, target = result.source, result.target
    table.add_column(side_title(source, "source"), ratio=1, justify="right" if is_rtl(source.lang) else "left")
    table.add_column("", justify="center", no_wrap=True, style=GAP_STYLE)
    table.add_column(side_title(target, "target"), ratio=1, justify="right" if is_rtl(target.lang) else "left")
    facts = {side: facts_on(result, side) for side in SIDES}
    moved = moved_rows(result)
    for number, bead in enumerate(result.beads):
        elsewhere = told_elsewhere(moved, number, numbered=False)
        source_cell, target_cell = (bead_cell(result, bead, side, facts[side], bidi=bidi, marked=marked, elsewhere=elsewhere)
                                    for side in SIDES)
        score = f"{bead.score:.2f}" if is_two_sided(bead) else ""
        table.add_row(source_cell, score, target_cell)
    return table


def view(result: PairResult, *, bidi: bool = True, marked: bool = False) -> Group:
    """The side-by-side view with a legend of the fact highlights."""
    return Group(legend(marked=marked), side_by_side(result, bidi=bidi, marked=marked))


def render_view(result: PairResult, console: Console, *, bidi: bool = True, pager: bool = True) -> None:
    """Print the side-by-side view, through a pager when it is taller than the terminal.

    ``bidi=False`` for terminals that reorder right-to-left text themselves;
    ``pager=False`` to always print straight through.
    """
    lines = console.render_lines(view(result, bidi=bidi, marked=plain_output(console)), console.options, pad=False)
    rendered = Segments(segment for line in lines for segment in [*line, Segment.line()])
    command = pager_command()
    if pager and command and console.is_terminal and len(lines) > console.height:
        with console.pager(CommandPager(command), styles=True):
            console.print(rendered)
    else:
        console.print(rendered)
