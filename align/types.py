"""The records that flow through the pipeline.

Every span is a pair of character offsets into the decoded input text, so that
whatever the pipeline reports can be highlighted in the file the user gave.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A half-open character range ``[start, end)`` of the original text."""

    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """One sentence: its text as read and where it sits in the original."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Block:
    """A run of content text (a paragraph, a headline, a list item).

    Sentences never cross a block boundary.
    """

    start: int
    end: int


@dataclass
class Document:
    """A report after ingest and segmentation."""

    text: str
    lang: str
    path: str | None = None
    blocks: list[Block] = field(default_factory=list)
    furniture: list[Span] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    sentences: list[Sentence] = field(default_factory=list)
    # For HTML and Markdown, ``text`` is the extracted plain text; these give, for
    # each of its characters, the half-open range it came from in the decoded input
    # file (an entity such as ``&raquo;`` is one character from several). None means
    # ``text`` is the file itself.
    source_offsets: list[int] | None = None
    source_ends: list[int] | None = None

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map ``text[start:end]`` to the characters of the input file it came from."""
        if self.source_offsets is None:
            return start, end
        if start >= end:  # an empty span sits where the next character starts
            at = self.source_offsets[start] if start < len(self.source_offsets) else self._source_end(start - 1)
            return at, at
        return self.source_offsets[start], self._source_end(end - 1)

    def _source_end(self, index: int) -> int:
        if index < 0 or self.source_offsets is None:
            return 0
        if self.source_ends is None:
            return self.source_offsets[index] + 1
        return self.source_ends[index]


@dataclass(frozen=True)
class Bead:
    """An alignment unit: consecutive source and target sentences that say the same.

    One side empty means the other side's sentences are only in one version.
    """

    source: tuple[int, ...]
    target: tuple[int, ...]
    score: float


@dataclass(frozen=True)
class Fact:
    """Something one version says and the other does not."""

    side: str  # "source" | "target"
    start: int
    end: int
    text: str
    kind: str  # sentence | clause | number | date | name
    score: float


@dataclass
class PairResult:
    """Everything ``align pair`` knows about two documents."""

    source: Document
    target: Document
    beads: list[Bead]
    facts: list[Fact] = field(default_factory=list)
    # Pairs of one-sided beads that say the same, told at different places (align.moved).
    moved: list[Bead] = field(default_factory=list)
