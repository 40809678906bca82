"""Moved content (align.moved): what both versions tell at different places is paired, not called one-sided.

Real text: the hand-written Italian translation of one English report
(tests/fixtures/languages), with its paragraphs put in another order.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from rich.console import Console

from align.moved import moved_beads, release_moved, with_moved
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


def test_a_moved_sentence_the_aligner_glued_to_a_neighbour_is_taken_out_and_paired(use):
    """The French report on the Birkenhead murder tells where and when the body was found three sentences
    later than the English: the aligner glued it into the bead of the sentence it now follows, and the
    English copy was flagged as missing from the French."""
    english = prepare((ROOT / "tests" / "fixtures" / "facts" / "taxi.en.txt").read_text(encoding="utf-8"), lang="en")
    french = prepare((ROOT / "tests" / "fixtures" / "facts" / "taxi.fr.txt").read_text(encoding="utf-8"), lang="fr")
    sentences = [s.text for s in french.sentences]
    found = sentences[2]
    rest = sentences[:2] + sentences[3:]
    moved_text = "\n\n".join(rest[:5] + [found] + rest[5:]) + "\n"
    result = pair_documents(english, prepare(moved_text, lang="fr"), use)
    at = [s.text for s in result.target.sentences].index(found)
    assert any(bead.target == (at,) and not bead.source for bead in result.beads)
    pair = next(b for b in result.moved if at in b.target)
    assert sentences_of(result, "source", pair.source)[0].startswith("The 44-year-old was found at 7.55am")
    sentence_facts = {(f.side, f.start) for f in result.facts if f.kind == "sentence"}
    assert ("target", result.target.sentences[at].start) not in sentence_facts
    assert not any(side == "source" and start == result.source.sentences[pair.source[0]].start
                   for side, start in sentence_facts)


def unit_rows(*rows: list[float]) -> np.ndarray:
    vectors = np.array(rows, dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_release_moved_frees_a_glued_member_whose_translation_is_alone_elsewhere():
    # Source sentence 2 is glued to 1's bead; its translation is target 3, alone at the end.
    src = unit_rows([1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1])
    tgt = unit_rows([1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0])
    lens = np.full(4, 50)
    glued = [Bead((0,), (0,), 1.0), Bead((1, 2), (1,), 0.7), Bead((3,), (2,), 1.0), Bead((), (3,), 0.0)]
    released = release_moved(glued, src, tgt, lens, lens)
    assert released == [Bead((0,), (0,), 1.0), Bead((1,), (1,), 1.0), Bead((2,), (), 0.0), Bead((3,), (2,), 1.0),
                        Bead((), (3,), 0.0)]
    assert moved_beads(released, src, tgt, lens, lens) == [Bead((2,), (3,), 1.0)]


def test_release_moved_keeps_a_member_its_bead_partner_translates():
    # Target 1 is closest to source 2 (its translation), though 2's own closest is the lonely target 3.
    src = unit_rows([1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0])
    tgt = unit_rows([1, 0, 0, 0, 0], [0, 0.3, 0.9, 0, 0.3], [0, 0, 0, 1, 0], [0, 0, 1, 0, 0.1])
    lens = np.full(4, 50)
    beads = [Bead((0,), (0,), 1.0), Bead((1, 2), (1,), 0.8), Bead((3,), (2,), 1.0), Bead((), (3,), 0.0)]
    assert release_moved(beads, src, tgt, lens, lens) == beads


def test_release_moved_frees_a_sentence_glued_in_both_versions():
    # Source 2 is glued to 1's bead, its translation target 3 to the next bead, both at an end.
    src = unit_rows([1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1])
    tgt = unit_rows([1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 0, 1, 0], [0, 0, 1, 0, 0], [0, 0, 0, 0, 1])
    lens = np.full(5, 50)
    glued = [Bead((0,), (0,), 1.0), Bead((1, 2), (1,), 0.7), Bead((3,), (2, 3), 0.7), Bead((4,), (4,), 1.0)]
    released = release_moved(glued, src, tgt, lens, lens)
    assert released == [Bead((0,), (0,), 1.0), Bead((1,), (1,), 1.0), Bead((2,), (), 0.0), Bead((3,), (2,), 1.0),
                        Bead((), (3,), 0.0), Bead((4,), (4,), 1.0)]
    assert moved_beads(released, src, tgt, lens, lens) == [Bead((2,), (3,), 1.0)]
