"""HTML and Markdown to plain text that remembers where every character came from.

Later stages (sentences, beads, highlighted facts) work on plain text, but what
they report must point at the exact characters of the file the user gave. So the
plain text is built together with two lists: for each character, the half-open
range of the decoded source it stands for (``&raquo;`` is one character from
seven; a whitespace run collapsed to one space comes from its first character;
a separator inserted between blocks comes from nowhere and is zero-width).

Markup never reaches the plain text, even inside a sentence: Markdown links
keep their text, emphasis and heading markers go. HTML main text is chosen by
trafilatura; html.parser then locates that text in the source (with character
references left unconverted, so positions stay exact).
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

logger = logging.getLogger(__name__)

# Between two blocks of the plain text.
BLOCK_SEPARATOR = "\n\n"


@dataclass
class Extracted:
    """Plain text, where each character came from, and its content runs (blocks)."""

    text: str
    source_offsets: list[int]
    source_ends: list[int]
    units: list[tuple[int, int]]
    metadata: dict[str, str] = field(default_factory=dict)


class _MappedText:
    """Plain text under construction, one source range per character."""

    def __init__(self) -> None:
        self._chars: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.units: list[tuple[int, int]] = []
        self._unit_start: int | None = None
        self._before_unit = 0  # length before the unit's separator, to undo an empty unit

    def __len__(self) -> int:
        return len(self.starts)

    def copy(self, text: str, source_start: int) -> None:
        """Characters taken verbatim from ``source[source_start:source_start + len(text)]``."""
        self._chars.extend(text)
        self.starts.extend(range(source_start, source_start + len(text)))
        self.ends.extend(range(source_start + 1, source_start + len(text) + 1))

    def replace(self, text: str, source_start: int, source_end: int) -> None:
        """Characters that stand for a whole source range (an entity, an escape)."""
        self._chars.extend(text)
        self.starts.extend([source_start] * len(text))
        self.ends.extend([source_end] * len(text))

    def insert(self, text: str) -> None:
        """Characters with no source (separators): zero-width, after what precedes."""
        at = self.ends[-1] if self.ends else 0
        self.replace(text, at, at)

    def begin_unit(self) -> None:
        """Start a block (after a separator), unless one is open."""
        if self._unit_start is None:
            self._before_unit = len(self)
            if self.units:
                self.insert(BLOCK_SEPARATOR)
            self._unit_start = len(self)

    def end_unit(self) -> None:
        """Close the open block; one that received no text leaves no trace."""
        if self._unit_start is None:
            return
        if len(self) > self._unit_start:
            self.units.append((self._unit_start, len(self)))
        else:
            del self._chars[self._before_unit :], self.starts[self._before_unit :], self.ends[self._before_unit :]
        self._unit_start = None

    def result(self, metadata: dict[str, str] | None = None) -> Extracted:
        self.end_unit()
        return Extracted("".join(self._chars), self.starts, self.ends, self.units, metadata or {})


# ---------------------------------------------------------------- Markdown

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_BLOCKQUOTE = re.compile(r" {0,3}> ?")
_ATX_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]+|$)")
_ATX_CLOSING = re.compile(r"[ \t]+#+[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r" {0,3}(?:=+|-+)[ \t]*$")
_THEMATIC_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST_MARKER = re.compile(r" {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|$)")
_REFERENCE_DEFINITION = re.compile(r" {0,3}\[[^\]]+\]:\s*\S")
_FRONT_MATTER_FIELD = re.compile(r"(\w+)\s*:\s*(\S.*?)\s*$")

# Inline markup, tried left to right; whatever matches none of these is text.
_INLINE = re.compile(
    r"""(?P<escape>\\[!-/:-@\[-`{-~])
      | (?P<image>!\[[^\]]*\]\([^)]*\))
      | (?P<link>\[(?P<link_text>[^\]]+)\](?:\([^)]*\)|\[[^\]]*\]))
      | <(?P<autolink>(?:https?|mailto):[^>\s]+)>
      | (?P<tag></?[A-Za-z][^>]*>|<!--.*?-->)
      | (?P<code>(?P<ticks>`+)(?P<code_text>.+?)(?P=ticks))
      | (?P<emphasis>\*+|_+|~~)""",
    re.VERBOSE,
)


def _is_emphasis(line: str, start: int, end: int) -> bool:
    """A delimiter run marks emphasis unless it stands between spaces (``2 * 3``)
    or, for underscores, inside a word (``snake_case``)."""
    before = line[start - 1] if start > 0 else " "
    after = line[end] if end < len(line) else " "
    if before.isspace() and after.isspace():
        return False
    return not (line[start] == "_" and before.isalnum() and after.isalnum())


def _render_inline(out: _MappedText, line: str, base: int) -> None:
    """Append ``line`` (which starts at ``base`` in the source) without its inline markup."""
    position = 0
    for match in _INLINE.finditer(line):
        if match.group("emphasis") and not _is_emphasis(line, match.start(), match.end()):
            continue
        out.copy(line[position : match.start()], base + position)
        if match.group("escape"):
            out.replace(match.group()[1], base + match.start(), base + match.end())
        elif match.group("link"):
            _render_inline(out, match.group("link_text"), base + match.start("link_text"))
        elif match.group("autolink"):
            out.copy(match.group("autolink"), base + match.start("autolink"))
        elif match.group("code"):
            out.copy(match.group("code_text"), base + match.start("code_text"))
        # images, tags and emphasis markers are dropped
        position = match.end()
    out.copy(line[position:], base + position)


def line_spans(text: str) -> list[tuple[int, int]]:
    """Each line's range, without its line break (any break ``str.splitlines`` knows)."""
    spans, offset = [], 0
    for line in text.splitlines(keepends=True):
        content = line.rstrip("\r\n\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85")
        spans.append((offset, offset + len(content)))
        offset += len(line)
    return spans


def _lines(source: str) -> list[tuple[int, str]]:
    """Each line's start offset and text."""
    return [(start, source[start:end]) for start, end in line_spans(source)]


def _front_matter(lines: list[tuple[int, str]]) -> tuple[dict[str, str], int]:
    """``key: value`` pairs of a leading YAML front-matter block, and how many lines it takes."""
    if not lines or lines[0][1].rstrip() != "---":
        return {}, 0
    for index, (_, line) in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            pairs = (_FRONT_MATTER_FIELD.match(text) for _, text in lines[1:index])
            return {match.group(1).lower(): match.group(2).strip("\"'") for match in pairs if match}, index + 1
    return {}, 0


def markdown_to_text(source: str) -> Extracted:
    """Plain text of a Markdown report: headings, paragraphs, list items and quotes
    become blocks; code blocks, images, rules and link targets are dropped, and
    front matter becomes metadata."""
    out = _MappedText()
    in_paragraph = False
    fence: str | None = None
    previous_end = 0  # where the previous line's text ended, to map a joining newline
    lines = _lines(source)
    metadata, skip = _front_matter(lines)
    for start, line in lines[skip:]:
        fence_match = _FENCE.match(line)
        if fence is not None:
            if fence_match and fence_match.group(1).startswith(fence):
                fence = None
            continue
        if fence_match:
            out.end_unit()
            in_paragraph, fence = False, fence_match.group(1)
            continue
        offset = 0
        while quote := _BLOCKQUOTE.match(line, offset):
            offset = quote.end()
        rest = line[offset:]
        if not rest.strip() or _REFERENCE_DEFINITION.match(rest):
            out.end_unit()
            in_paragraph = False
            continue
        if in_paragraph and _SETEXT_UNDERLINE.match(rest) or _THEMATIC_BREAK.match(rest):
            out.end_unit()
            in_paragraph = False
            continue
        heading = _ATX_HEADING.match(rest)
        marker = _LIST_MARKER.match(rest)
        if heading or marker:
            out.end_unit()
            offset += (heading or marker).end()
            rest = line[offset:]
            if heading:
                closing = _ATX_CLOSING.search(rest)
                rest = rest[: closing.start()] if closing else rest
        elif in_paragraph:
            out.copy("\n", previous_end)
        indent = len(rest) - len(rest.lstrip())
        out.begin_unit()
        _render_inline(out, rest.strip(), start + offset + indent)
        previous_end = start + len(line)
        in_paragraph = not heading
        if heading:
            out.end_unit()
    return out.result(metadata)


# ---------------------------------------------------------------- HTML

# The tag sets are written as words to split (SIM905): lists of quoted tags are harder to scan.
# Elements whose start or end breaks the flow of text.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 "  # noqa: SIM905
    "header hr li main nav ol p pre section table td th tr ul".split()
)
# Elements whose content is never text a reader sees in the page body.
_INVISIBLE_TAGS = frozenset("script style noscript template title svg".split())  # noqa: SIM905
# trafilatura's XML elements that hold one block of main text.
_UNIT_TAGS = frozenset("head p item quote cell code".split())  # noqa: SIM905
_CHARREF = re.compile(r"&#?[0-9A-Za-z]+;?")


class _VisibleText(HTMLParser):
    """Every visible character of a page with its source range; ``None`` marks a block break."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self._source = source
        self._line_starts = [0] + [match.end() for match in re.finditer("\n", source)]
        self.chars: list[str | None] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self._hidden = 0

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def _add(self, char: str | None, start: int, end: int) -> None:
        self.chars.append(char)
        self.starts.append(start)
        self.ends.append(end)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INVISIBLE_TAGS:
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self._add(None, self._offset(), self._offset())

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._add(None, self._offset(), self._offset())

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS:
            self._add(None, self._offset(), self._offset())

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        start = self._offset()
        for index, char in enumerate(data):
            self._add(char, start + index, start + index + 1)

    def _reference(self) -> None:
        if self._hidden:
            return
        start = self._offset()
        match = _CHARREF.match(self._source, start)
        end = match.end() if match else start + 1
        for char in html.unescape(self._source[start:end]):
            self._add(char, start, end)

    def handle_entityref(self, name: str) -> None:
        self._reference()

    def handle_charref(self, name: str) -> None:
        self._reference()


def _visible_text(source: str) -> _VisibleText:
    walker = _VisibleText(source)
    walker.feed(source)
    walker.close()
    return walker


def _squeeze(text: str) -> str:
    return "".join(text.split())


class _Locator:
    """Finds extracted text in the page, ignoring whitespace (extractors re-space text)."""

    def __init__(self, page: _VisibleText) -> None:
        self.page = page
        self._positions = [i for i, char in enumerate(page.chars) if char is not None and not char.isspace()]
        self._flat = "".join(page.chars[i] for i in self._positions)  # type: ignore[misc]
        self.cursor = 0

    def find(self, text: str) -> tuple[int, int] | None:
        """Range of page characters spelling ``text``, searched after the previous find."""
        needle = _squeeze(text)
        found = self._flat.find(needle, self.cursor) if needle else -1
        if found < 0 and needle:
            found = self._flat.find(needle)  # extractors sometimes reorder blocks
        if found < 0:
            return None
        self.cursor = found + len(needle)
        return self._positions[found], self._positions[found + len(needle) - 1] + 1

    def find_first(self, text: str) -> tuple[int, int] | None:
        """Range of the first page characters spelling ``text``; the cursor stays."""
        cursor, self.cursor = self.cursor, 0
        span = self.find(text)
        self.cursor = cursor
        return span

    def block_runs(self) -> list[tuple[int, int]]:
        """Every run of visible text between block breaks: the fallback when extraction fails."""
        runs, start, last = [], None, 0
        for index, char in enumerate(self.page.chars):
            if char is None or char.isspace():
                if char is None and start is not None:
                    runs.append((start, last + 1))
                    start = None
                continue
            start = index if start is None else start
            last = index
        if start is not None:
            runs.append((start, last + 1))
        return runs


def _copy_collapsed(out: _MappedText, page: _VisibleText, start: int, end: int) -> None:
    """Page characters ``[start, end)`` with each whitespace run or block break as one space."""
    in_space = False
    for index in range(start, end):
        char = page.chars[index]
        if char is None or char.isspace():
            if not in_space:
                out.replace(" ", page.starts[index], page.ends[index] if char is not None else page.starts[index])
            in_space = True
            continue
        out.replace(char, page.starts[index], page.ends[index])
        in_space = False


def _main_text_units(source: str) -> tuple[list[str], dict[str, str]]:
    """The main-text blocks trafilatura finds, and the page's title and date."""
    import trafilatura

    document = trafilatura.bare_extraction(source, with_metadata=True, include_comments=False)
    if document is None or document.body is None:
        return [], {}
    units = []
    for element in document.body.iter():
        if element.tag in _UNIT_TAGS and not any(child.tag in _UNIT_TAGS for child in element.iterdescendants()):
            text = " ".join("".join(element.itertext()).split())
            if text:
                units.append(text)
    metadata = {key: value for key in ("title", "date") if (value := getattr(document, key, None))}
    return units, metadata


def html_to_text(source: str) -> Extracted:
    """Main text of an HTML page, each block located in the source."""
    page = _visible_text(source)
    locator = _Locator(page)
    texts, metadata = _main_text_units(source)
    spans = []
    for text in texts:
        span = locator.find(text)
        if span is None:
            logger.warning("extracted text not found in the HTML source, skipped: %.60s", text)
        else:
            spans.append(span)
    title = metadata.get("title")
    if title and spans and not any(_squeeze(title) == _squeeze(text) for text in texts):
        # The headline is often left out of the body; take it back if it sits above.
        title_span = locator.find_first(title)
        if title_span is not None and title_span[1] <= spans[0][0]:
            spans.insert(0, title_span)
    if not spans:
        spans = locator.block_runs()
        if spans:  # with no visible text at all, the caller's "no text content" says it all
            logger.warning("no main text found in the HTML page; keeping all visible text")
    out = _MappedText()
    for start, end in spans:
        out.begin_unit()
        _copy_collapsed(out, page, start, end)
        out.end_unit()
    return out.result(metadata)
