"""The JSON contract of ``align pair --format json``.

Offsets point into the decoded input *file*: when ingest extracted the text
from HTML or Markdown, ``Document.source_span`` maps it back, and every offset
goes through that mapping. ``schema.json`` beside this module
describes the output.
"""

from __future__ import annotations

import json
import math
from typing import Any

from align.types import Bead, Document, PairResult

SCORE_DIGITS = 4


def score(value: float) -> float | None:
    """Rounded for reading; None (JSON null) for NaN or infinity, which JSON cannot carry."""
    return round(value, SCORE_DIGITS) if math.isfinite(value) else None


def document_json(doc: Document) -> dict[str, Any]:
    sentences = []
    for sentence in doc.sentences:
        start, end = doc.source_span(sentence.start, sentence.end)
        sentences.append({"text": sentence.text, "start": start, "end": end})
    return {"path": doc.path, "lang": doc.lang, "sentences": sentences}


def result_json(result: PairResult) -> dict[str, Any]:
    """The result as plain JSON-ready data."""
    facts = []
    for fact in result.facts:
        doc = result.source if fact.side == "source" else result.target
        start, end = doc.source_span(fact.start, fact.end)
        facts.append(
            {"side": fact.side, "start": start, "end": end, "text": fact.text, "kind": fact.kind, "score": score(fact.score)}
        )
    return {
        "source": document_json(result.source),
        "target": document_json(result.target),
        "alignment": [bead_json(bead) for bead in result.beads],
        "facts": facts,
        "moved": [bead_json(bead) for bead in result.moved],
    }


def bead_json(bead: Bead) -> dict[str, Any]:
    return {"source": list(bead.source), "target": list(bead.target), "score": score(bead.score)}


def render_json(result: PairResult) -> str:
    """The result as a JSON document (UTF-8 text kept readable, not \\u-escaped)."""
    return json.dumps(result_json(result), ensure_ascii=False, indent=1) + "\n"
