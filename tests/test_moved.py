"""Moved content (align.moved): what both versions tell at different places is paired, not called one-sided.

Real text: the hand-written Italian translation of one English report
(tests/fixtures/languages), with its paragraphs put in another order.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console

from align.moved import with_moved
from align.pipeline import pair_documents, prepare
from align.report.jsonout import render_json
from align.report.text import render_text
from align.report.view import render_view
from align.types import Bead, PairResult
from embeddings import load_encoder

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "tests" / "fixtures" / "languages"
SCHEMA = json.loads((ROOT / "align" / "report" / "schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def use():
    return load_encoder("use", cache_dir=False)


def italian_lines() -> list[str]:
    """Headline, blank line, then one sentence a line."""
    return (FOLDER / "budget.it.txt").read_text(encoding="utf-8").splitlines()


def reordered(lines: list[str], block: list[str], after: str) -> str:
    """``lines`` with the lines of ``block`` taken out and put back after the line starting with ``after``."""
    rest = [line for line in lines if line not in block]
    at = next(k for k, line in enumerate(rest) if line.startswith(after)) + 1
    return "\n".join(rest[:at] + block + rest[at:]) + "\n"


def pair_with(italian: str, use) -> PairResult:
    english = prepare((FOLDER / "budget.en.txt").read_text(encoding="utf-8"), lang="en")
    return pair_documents(english, prepare(italian, lang="it"), use)


def sentences_of(result: PairResult, side: str, bead_side: tuple[int, ...]) -> list[str]:
    doc = result.source if side == "source" else result.target
    return [doc.sentences[i].text for i in bead_side]


def test_a_sentence_told_first_in_one_version_is_moved_not_one_sided(use):
    """The Istat figure opens the Italian body and closes the English one: the monotone alignment leaves
    it alone on both sides, and both were flagged as missing."""
    lines = italian_lines()
    istat = [line for line in lines if "Istat" in line]
    result = pair_with(reordered(lines, istat, "Roma approva"), use)
    assert result.facts == []
    assert len(result.moved) == 1
    pair = result.moved[0]
    assert "Istat" in " ".join(sentences_of(result, "source", pair.source))
    assert sentences_of(result, "target", pair.target) == istat


def test_a_block_moved_down_keeps_its_order_and_a_dropped_sentence_stays_one_sided(use):
    """Two sentences on Renzi move to the end of the Italian version, which also loses the opposition's
    sentence: the block is paired, the lost sentence is still reported, with nothing paired to it."""
    lines = italian_lines()
    block = [line for line in lines if "Renzi" in line]
    opposition = next(line for line in lines if line.startswith("L'opposizione"))
    assert len(block) == 2
    result = pair_with(reordered([line for line in lines if line != opposition], block, "Il ministro"), use)
    assert [sentences_of(result, "target", b.target) for b in result.moved] == [[block[0]], [block[1]]]
    sentence_facts = [f for f in result.facts if f.kind == "sentence"]
    assert [(f.side, f.text.split(",")[0]) for f in sentence_facts] == [("source", "The opposition")]
    assert not {i for b in result.moved for i in b.source} & {i for i, s in enumerate(result.source.sentences)
                                                               if s.text.startswith("The opposition")}


def test_moved_pairs_are_in_the_json_and_the_reports_say_where(use):
    lines = italian_lines()
    result = pair_with(reordered(lines, [line for line in lines if "Istat" in line], "Roma approva"), use)
    data = json.loads(render_json(result))
    jsonschema.validate(data, SCHEMA)
    assert data["moved"] == [{"source": list(b.source), "target": list(b.target), "score": round(b.score, 4)}
                             for b in result.moved]
    # The alignment itself still reads in order and covers every sentence once.
    assert [i for b in data["alignment"] for i in b["source"]] == list(range(len(result.source.sentences)))
    assert [j for b in data["alignment"] for j in b["target"]] == list(range(len(result.target.sentences)))
    for render, expected in ((render_text, ("↓ told further down (#", "↑ told further up (#")),
                             (render_view, ("↓ told further down", "↑ told further up"))):
        console = Console(record=True, width=160, color_system=None)
        render(result, console)
        shown = console.export_text()
        assert all(note in shown for note in expected), render.__name__


def test_with_moved_puts_each_pair_where_its_first_source_sentence_was():
    beads = [Bead((0,), (0,), 0.9), Bead((), (1,), 0.0), Bead((1,), (2,), 0.8), Bead((2,), (), 0.0),
             Bead((3,), (), 0.0), Bead((4,), (), 0.0)]
    moved = [Bead((2, 3), (1,), 0.7)]
    assert with_moved(beads, moved) == [Bead((0,), (0,), 0.9), Bead((1,), (2,), 0.8), Bead((2, 3), (1,), 0.7),
                                        Bead((4,), (), 0.0)]
    assert with_moved(beads, []) == beads
