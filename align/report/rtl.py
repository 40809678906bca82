"""Right-to-left text in terminals that draw characters strictly left to right.

Most terminals do no BiDi, so Arabic or Hebrew printed in logical order reads
backwards. The Unicode BiDi algorithm reorders *one line at a time*, so text is
wrapped to the column first and each wrapped line is reordered afterwards;
reordering before wrapping would put the start of a paragraph on its last line.
Styles (fact highlights) travel with their characters through the reordering.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from bidi import algorithm as uba
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

ELLIPSIS = "…"


def visual_order(text: str, *, rtl: bool) -> list[tuple[int, str]]:
    """Display order of one line: ``(logical index, glyph)`` from left to right.

    ``rtl`` sets the paragraph direction, which decides where neutral
    characters (spaces, punctuation at the ends) go. Glyphs are mirrored where
    the algorithm says so (a "(" inside Arabic is drawn as ")").
    """
    storage = uba.get_empty_storage()
    storage["base_level"] = 1 if rtl else 0
    storage["base_dir"] = "R" if rtl else "L"
    uba.get_embedding_levels(text, storage)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index
    uba.explicit_embed_and_overrides(storage)
    uba.resolve_weak_types(storage)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    uba.reorder_resolved_levels(storage, False)
    uba.apply_mirroring(storage, False)
    return _marks_after_base([(char["index"], char["ch"]) for char in storage["chars"]])


def _marks_after_base(order: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Put combining marks back after their base letter (UAX #9 rule L3).

    Reversing a right-to-left run puts a vowel mark before its letter, and a
    terminal combines a mark with the glyph *before* it.
    """
    result: list[tuple[int, str]] = []
    marks: list[tuple[int, str]] = []
    for item in order:
        if unicodedata.combining(item[1]):
            marks.append(item)
            continue
        result.append(item)
        if marks and marks[0][0] > item[0]:
            result.extend(reversed(marks))
        else:
            result[-1:-1] = marks
        marks = []
    return result + marks


def visual_line(line: Text, *, rtl: bool) -> Text:
    """Reorder one already-wrapped line for display, keeping each character's styles."""
    order = visual_order(line.plain, rtl=rtl)
    position = {logical: visual for visual, (logical, _) in enumerate(order)}
    result = Text("".join(glyph for _, glyph in order), style=line.style, end=line.end)
    for span in line.spans:
        visual = sorted(position[i] for i in range(span.start, span.end) if i in position)
        for start, end in _runs(visual):
            result.stylize(span.style, start, end)
    return result


def _runs(positions: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted positions grouped into half-open ranges of consecutive values."""
    runs: list[tuple[int, int]] = []
    for pos in positions:
        if runs and runs[-1][1] == pos:
            runs[-1] = (runs[-1][0], pos + 1)
        else:
            runs.append((pos, pos + 1))
    return runs


class BidiText:
    """A rich renderable: wraps to the space it is given, then lays each line out visually.

    Lines are padded to the full width (on the left for right-to-left text) so
    right-to-left text sits flush right and a background style fills the cell.
    ``bidi=False`` leaves characters in logical order for terminals that
    reorder by themselves.
    """

    def __init__(self, text: Text, *, rtl: bool, bidi: bool = True, max_lines: int | None = None) -> None:
        self.text = text
        self.rtl = rtl
        self.bidi = bidi
        self.max_lines = max_lines

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.text)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.lines(console, options.max_width)

    def lines(self, console: Console, width: int) -> list[Text]:
        """The display lines at ``width`` cells, each exactly ``width`` cells wide."""
        wrapped = list(self.text.wrap(console, width, justify="default", overflow="fold"))
        if self.max_lines is not None and len(wrapped) > self.max_lines:
            wrapped = wrapped[: self.max_lines]
            last = wrapped[-1]
            last.rstrip()
            last.truncate(max(width - 1, 0))
            last.append(ELLIPSIS)
        laid_out = []
        for line in wrapped:
            line.rstrip()
            if self.bidi:
                line = visual_line(line, rtl=self.rtl)
            gap = max(width - line.cell_len, 0)
            if self.rtl:
                line = Text(" " * gap, style=line.style, end=line.end) + line
            else:
                line.pad_right(gap)
            laid_out.append(line)
        return laid_out
