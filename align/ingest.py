"""Reading reports: decode the file, find the content blocks, set aside page furniture.

Offsets: every Block and furniture Span is a range of ``Document.text``. For plain
text, ``Document.text`` is the decoded file itself (a byte-order mark is not part
of it, nor counted; line breaks are kept as they are), so offsets are character
offsets into the file. For HTML and Markdown, ``Document.text`` is the extracted
plain text and ``Document.source_span`` maps its ranges back into the decoded file.
"""

from __future__ import annotations

import codecs
import itertools
import logging
import os
import re
import unicodedata
from collections import Counter
from pathlib import Path

from align.errors import InputError
from align.furniture import ends_sentence, find_furniture
from align.language import base_language, detect_language
from align.markup import Extracted, html_to_text, line_spans, markdown_to_text
from align.types import Block, Document, Span

logger = logging.getLogger(__name__)

# Larger files are refused rather than read: a report is rarely over a megabyte,
# and everything downstream keeps the whole document in memory.
MAX_INPUT_BYTES = 20 * 1024 * 1024

# Tried, when a file is not UTF-8, by charset-normalizer, which picks the one that
# decodes to plausible text (so Arabic cp1256 is not read as cp1252 accents).
LEGACY_ENCODINGS = ("cp1252", "latin_1", "cp1256", "iso8859_6", "gb18030", "big5")

# Control characters (or unassigned ones) beyond this share of the text mean the
# file is not text (or not in the encoding it claims).
MAX_ODD_SHARE = 0.01

FORMATS = ("text", "markdown", "html")
_EXTENSION_FORMATS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
                      ".html": "html", ".htm": "html", ".xhtml": "html"}

# Trimmed from block edges besides whitespace: invisible format characters.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_BLANK_LINE = re.compile(f"[\\s{_INVISIBLE}]*")

# A leading "date 2019-07" (or "Date: 2019-07-09") is metadata, not content.
_LEADING_DATE = re.compile(r"date\s*:?\s+(\d{4}-\d{2}(?:-\d{2})?)(?![\d-])\s*", re.IGNORECASE)

# Hard-wrapped text is cut at a width in this range (e-mail, Usenet, some agency wires).
MIN_WRAP_WIDTH = 30
MAX_WRAP_WIDTH = 100


def read_text(path: str | os.PathLike[str]) -> str:
    """The text of a file, decoded; refuses what is not a readable text report.

    Offsets elsewhere are into this string (a byte-order mark is removed).
    """
    file = Path(path)
    if not file.exists():
        raise InputError(f"{file}: no such file")
    if file.is_dir():
        raise InputError(f"{file}: is a directory, expected a file")
    size = file.stat().st_size
    if size > MAX_INPUT_BYTES:
        raise InputError(f"{file}: {size / 2**20:.1f} MB is over the {MAX_INPUT_BYTES // 2**20} MB input limit")
    try:
        data = file.read_bytes()
    except OSError as error:
        raise InputError(f"{file}: cannot read it ({error.strerror})") from error
    return decode_bytes(data, name=str(file))


def decode_bytes(data: bytes, *, name: str = "input") -> str:
    """Decode a report's bytes: UTF-8 (or UTF-16 with a BOM), else a plausible legacy encoding."""
    text = _decode(data, name)
    if not text.strip():
        raise InputError(f"{name}: the file is empty")
    categories: Counter[str] = Counter()
    for char, count in Counter(text).items():  # by distinct character: a report has a few hundred
        if char not in "\t\n\r\f\v":
            categories[unicodedata.category(char)] += count
    if categories["Cc"] > MAX_ODD_SHARE * len(text):
        raise InputError(f"{name}: looks like a binary file, not text")
    unreadable = categories["Cn"] + categories["Co"] + categories["Cs"] + text.count("\ufffd")
    if unreadable > MAX_ODD_SHARE * len(text):
        raise InputError(f"{name}: cannot decode it: the bytes decode to invalid or unassigned characters")
    return text


def _decode(data: bytes, name: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8) :], "utf-8", name)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", name)  # the codec removes the BOM
    if b"\x00" in data:
        if (text := _utf16_without_bom(data)) is not None:
            logger.info("%s has no byte-order mark; decoded as UTF-16", name)
            return text
        raise InputError(f"{name}: looks like a binary file, not text (it contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None:
        raise InputError(f"{name}: cannot decode it: not UTF-8 and not plausible in {', '.join(LEGACY_ENCODINGS)}")
    logger.info("%s is not UTF-8; decoded as %s", name, best.encoding)
    return str(best)


def _utf16_without_bom(data: bytes) -> str | None:
    """Text some Windows tools save as UTF-16 with no byte-order mark, else None.

    Its NUL bytes (the high half of ASCII characters) all fall on the same side
    of each byte pair, which those of binary files rarely do; what it decodes
    to still faces the checks of :func:`decode_bytes`.
    """
    nul_high_first, nul_high_second = b"\x00" in data[0::2], b"\x00" in data[1::2]
    if len(data) % 2 or nul_high_first == nul_high_second:
        return None
    try:
        return data.decode("utf-16-be" if nul_high_first else "utf-16-le")
    except UnicodeDecodeError:
        return None


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise InputError(f"{name}: undecodable bytes at offset {error.start} for its {encoding} byte-order mark") from error


def guess_format(path: str | os.PathLike[str] | None, text: str) -> str:
    """The format named by the file's extension, else "html" if the text starts like a page."""
    if path is not None and (known := _EXTENSION_FORMATS.get(Path(path).suffix.lower())):
        return known
    head = text[:1024].lstrip().lower()
    return "html" if head.startswith(("<!doctype html", "<html")) or "<html" in head else "text"


def load_document(
    path: str | os.PathLike[str], *, fmt: str | None = None, lang: str | None = None, furniture: bool = True
) -> Document:
    """Read, clean and identify a report file; sentences are left to segmentation."""
    text = read_text(path)
    return ingest_text(text, path=str(path), fmt=fmt or guess_format(path, text), lang=lang, furniture=furniture)


def ingest_text(
    text: str, *, path: str | None = None, fmt: str = "text", lang: str | None = None, furniture: bool = True
) -> Document:
    """Turn a report's text into a Document: content blocks, furniture, metadata, language.

    ``furniture=False`` keeps every line as content (text already split by the user).
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    extracted = _extract(text, fmt)
    name = path or "input"
    units = [unit for unit in (_trim(extracted.text, start, end) for start, end in extracted.units) if unit]
    metadata = dict(extracted.metadata)
    removed: list[Span] = []
    if units and furniture:
        units[0], date_span = _take_leading_date(extracted.text, units[0], metadata)
        if date_span is not None:
            removed.append(date_span)
        units = [unit for unit in units if unit[0] < unit[1]]
    reasons = find_furniture([extracted.text[start:end] for start, end in units]) if furniture else [None] * len(units)
    blocks = []
    for (start, end), reason in zip(units, reasons):
        if reason is None:
            blocks.append(Block(start, end))
        else:
            logger.debug("%s: furniture (%s): %.60s", name, reason, extracted.text[start:end])
            removed.append(Span(start, end))
    if not blocks:
        raise InputError(f"{name}: no text content (only page furniture or markup)")
    content = "\n".join(extracted.text[block.start : block.end] for block in blocks)
    try:
        lang = base_language(lang) if lang else detect_language(content)
    except InputError as error:  # the user needs to know which file
        raise InputError(f"{name}: {error}") from None
    document = Document(
        text=extracted.text,
        lang=lang,
        path=path,
        blocks=blocks,
        furniture=sorted(removed, key=lambda span: span.start),
        metadata=metadata,
    )
    if fmt != "text":
        document.source_offsets, document.source_ends = extracted.source_offsets, extracted.source_ends
    return document


def _extract(text: str, fmt: str) -> Extracted:
    if fmt == "html":
        return html_to_text(text)
    if fmt == "markdown":
        return markdown_to_text(text)
    return Extracted(text, [], [], _plain_units(text))


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The unit without surrounding whitespace and invisible characters; None if nothing is left."""
    while start < end and (text[start].isspace() or text[start] in _INVISIBLE):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _INVISIBLE):
        end -= 1
    return (start, end) if start < end else None


def _take_leading_date(text: str, unit: tuple[int, int], metadata: dict[str, str]) -> tuple[tuple[int, int], Span | None]:
    """Move a leading "date 2019-07" token from the first unit into metadata."""
    start, end = unit
    match = _LEADING_DATE.match(text, start, end)
    if match is None:
        return unit, None
    metadata.setdefault("date", match.group(1))
    date_end = match.start() + len(match.group(0).rstrip())
    return (match.end(), end), Span(start, date_end)


def _plain_units(text: str) -> list[tuple[int, int]]:
    """Content runs of plain text: each line, or each paragraph when lines are hard-wrapped.

    Scraped reports put one paragraph (or link, or caption) per line; text wrapped
    at a fixed width instead breaks lines inside sentences, and there a paragraph
    is what the blank lines delimit.
    """
    units: list[tuple[int, int]] = []
    paragraph: list[tuple[int, int]] = []
    for start, end in [*line_spans(text), (len(text), len(text))]:
        if _BLANK_LINE.fullmatch(text, start, end):
            if _is_hard_wrapped([text[start:end] for start, end in paragraph]):
                units.append((paragraph[0][0], paragraph[-1][1]))
            else:
                units.extend(paragraph)
            paragraph = []
        else:
            paragraph.append((start, end))
    return units


def _is_hard_wrapped(lines: list[str]) -> bool:
    """Lines cut at a fixed width: the next line's first word never fits on the line
    before, and most lines stop mid-sentence.

    A list of headlines, one per line, fails this: a short headline leaves room
    for the next line's first word, which a wrapping editor would have taken.
    """
    if len(lines) < 2:
        return False
    lines = [line.rstrip() for line in lines]
    width = max(len(line) for line in lines)
    if not MIN_WRAP_WIDTH <= width <= MAX_WRAP_WIDTH:
        return False
    mid_sentence = sum(1 for line in lines[:-1] if not ends_sentence(line))
    return 2 * mid_sentence > len(lines) - 1 and all(
        len(line) + 1 + len(following.split()[0]) > width for line, following in itertools.pairwise(lines)
    )
