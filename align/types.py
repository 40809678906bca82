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
