"""Invariants that must hold for any input, checked on generated ones (hypothesis).

* every sentence's and fact's offsets slice the original text exactly (plain
  text directly; HTML through ``Document.source_span`` into the page);
* beads cover each sentence of both sides exactly once, in order (the aligner
  alone on random embeddings, and the whole pipeline on random mixes of seed
  sentences with a hashing encoder);
* JSON output validates against ``align/report/schema.json``;
* HTML output never lets document text become markup.
"""

from __future__ import annotations

import functools
import html
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from align.errors import InputError
from align.pipeline import pair_documents, prepare
from align.report import render_html, render_json
from align.report.html import SCRIPT
from align.segment import MAX_SENTENCE_CHARS, split_lines
from align.sentalign import AlignParams, align_embeddings
from align.types import Bead, Document, PairResult

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "robustness"))
from hashing_encoder import HashingEncoder

ROOT = Path(__file__).resolve().parents[1]
SEEDS = {"fr": ["000_333c28ba6d2e32e8", "001_b786fb708fc180cb", "003_7844b97d80297299", "004_c859d3e79f547f7b"],
         "ar": ["002_cd5cc42a566c1068"]}
SCHEMA = json.loads((ROOT / "align" / "report" / "schema.json").read_text(encoding="utf-8"))
ENCODER = HashingEncoder()
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FAST = settings(max_examples=150, deadline=None)


@functools.cache
def seed_sentences(lang: str) -> tuple[str, ...]:
    """The seeds' sentences (as the pipeline cuts them), one language."""
    out: list[str] = []
    for name in SEEDS[lang]:
        doc = prepare((ROOT / "seeds" / f"{name}.txt").read_text(encoding="utf-8"), lang=lang)
        out.extend(s.text for s in doc.sentences)
    return tuple(out)


def sentences_of(lang: str, max_size: int = 12) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(seed_sentences(lang)), min_size=1, max_size=max_size)


SEPARATORS = st.sampled_from([" ", "  ", "\n", "\n\n", "\r\n", "\r\n\r\n", "\t", " \u00a0", "\n \n", "\u200b\n"])
# Characters that stress the segmenter and ingest: terminals, quotes, brackets, scripts, controls.
NOISE = st.text(
    alphabet=st.sampled_from(list(".!?…؟。！？,;:«»“”„\"'()[]-–—•*#0123456789 \n\r\tabcXYZéàçد م ي中文\u00a0\u200b\u202f")),
    max_size=40,
)


@st.composite
def plain_reports(draw: st.DrawFn, lang: str = "fr") -> str:
    """Seed sentences and noise, glued with assorted whitespace."""
    parts = draw(st.lists(st.one_of(st.sampled_from(seed_sentences(lang)), NOISE), min_size=1, max_size=14))
    return "".join(part + draw(SEPARATORS) for part in parts)


def assert_sentences_slice(doc: Document) -> None:
    """Sentences are trimmed, non-empty, bounded, in order, inside blocks, and slice ``doc.text``."""
    previous_end = 0
    for sentence in doc.sentences:
        assert doc.text[sentence.start : sentence.end] == sentence.text
        assert sentence.text and sentence.text == sentence.text.strip()
        assert len(sentence.text) <= MAX_SENTENCE_CHARS
        assert sentence.start >= previous_end
        previous_end = sentence.end
        assert any(b.start <= sentence.start and sentence.end <= b.end for b in doc.blocks)


def assert_beads_cover(beads: list[Bead], n: int, m: int, max_side: int = AlignParams().max_side) -> None:
    """Each sentence of each side in exactly one bead, beads in reading order, none empty."""
    assert [i for bead in beads for i in bead.source] == list(range(n))
    assert [j for bead in beads for j in bead.target] == list(range(m))
    for bead in beads:
        assert bead.source or bead.target
        assert len(bead.source) <= max_side and len(bead.target) <= max_side
        assert np.isfinite(bead.score)


# -- offsets ---------------------------------------------------------------------------------


@FAST
@given(text=plain_reports(), lang=st.sampled_from(["fr", "ar", "en", "de", "zh"]))
def test_plain_text_sentences_slice_the_input(text: str, lang: str) -> None:
    try:
        doc = prepare(text, lang=lang)
    except InputError:
        return  # nothing but blanks or furniture: refused, which is allowed
    assert doc.text == text
    assert_sentences_slice(doc)
    assert all(0 <= b.start < b.end <= len(text) for b in doc.blocks)


@FAST
@given(text=plain_reports())
def test_presegmented_lines_slice_the_input(text: str) -> None:
    for sentence in split_lines(text):
        assert text[sentence.start : sentence.end] == sentence.text and sentence.text.strip() == sentence.text
        assert "\n" not in sentence.text and "\r" not in sentence.text


def _entities(text: str, choices: list[int]) -> str:
    """HTML-escape, and write some letters as character references the way pages do."""
    out = []
    for char, choice in zip(text, choices + [0] * len(text)):
        if char in "<>&\"":
            out.append(html.escape(char))
        elif choice == 1 and char.isalpha():
            out.append(f"&#{ord(char)};")
        elif choice == 2 and char == " ":
            out.append("&nbsp;")
        else:
            out.append(char)
    return "".join(out)


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    """An article page: paragraphs of seed sentences with inline tags and entities, plus page chrome."""
    paragraphs = []
    for sentences in draw(st.lists(sentences_of("fr", 4), min_size=2, max_size=5)):
        pieces = []
        for sentence in sentences:
            body = _entities(sentence, draw(st.lists(st.integers(0, 6), max_size=len(sentence))))
            tag = draw(st.sampled_from(["", "b", "em", "a"]))
            pieces.append(f"<{tag}>{body}</{tag}>" if tag else body)
        paragraphs.append("<p>" + draw(st.sampled_from([" ", "\n", "\n  "])).join(pieces) + "</p>")
    return (
        "<!DOCTYPE html><html><head><title>Report</title><script>var x = '<p>not text</p>';</script></head><body>"
        '<nav><a href="/">Home</a> | <a href="/news">News</a></nav><article>'
        + "\n".join(paragraphs)
        + "</article><footer>Contact us</footer></body></html>"
    )


def visible(fragment: str) -> str:
    """What a reader sees of a piece of HTML: tags dropped, references resolved, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", fragment)).split())


@SLOW
@given(page=html_pages())
def test_html_sentences_and_facts_map_into_the_page(page: str) -> None:
    doc = prepare(page, fmt="html", lang="fr")
    assert_sentences_slice(doc)
    other = prepare(" ".join(seed_sentences("fr")[:6]), lang="fr")
    result = json.loads(render_json(pair_documents(doc, other, ENCODER)))
    jsonschema.validate(result, SCHEMA)
    for sentence in result["source"]["sentences"]:
        assert visible(page[sentence["start"] : sentence["end"]]) == " ".join(sentence["text"].split())
    for fact in (f for f in result["facts"] if f["side"] == "source"):
        assert visible(page[fact["start"] : fact["end"]]) == " ".join(fact["text"].split())


# -- alignment coverage ------------------------------------------------------------------------


def _unit_rows(rng: np.random.Generator, count: int, dim: int) -> np.ndarray:
    rows = rng.standard_normal((count, dim))
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


@FAST
@given(
    n=st.integers(0, 40),
    m=st.integers(0, 40),
    dim=st.integers(2, 24),
    seed=st.integers(0, 2**32 - 1),
    related=st.booleans(),
    banded=st.booleans(),
    anchors=st.integers(0, 10),
)
def test_aligner_beads_cover_every_sentence_once(n, m, dim, seed, related, banded, anchors) -> None:
    rng = np.random.default_rng(seed)
    src = _unit_rows(rng, n, dim)
    if related and n:  # a noisy, shuffled-by-runs translation: exercises merges and skips
        picks = np.sort(rng.integers(0, n, size=m))
        tgt = src[picks] + 0.3 * rng.standard_normal((m, dim))
        tgt /= np.maximum(np.linalg.norm(tgt, axis=1, keepdims=True), 1e-9)
    else:
        tgt = _unit_rows(rng, m, dim)
    shared = {(int(rng.integers(n)), int(rng.integers(m))): float(rng.random()) for _ in range(anchors)} if n and m else {}
    params = AlignParams(full_dp_cells=0 if banded else AlignParams().full_dp_cells)
    beads = align_embeddings(src, tgt, rng.integers(1, 300, n), rng.integers(1, 300, m), shared=shared, params=params)
    assert_beads_cover(beads, n, m, params.max_side)


@SLOW
@given(
    source=st.lists(st.one_of(st.sampled_from(seed_sentences("fr")), NOISE), min_size=1, max_size=12),
    target=st.lists(st.sampled_from(seed_sentences("ar") + seed_sentences("fr")), min_size=1, max_size=12),
    glue=SEPARATORS,
)
def test_pipeline_beads_cover_and_facts_slice(source: list[str], target: list[str], glue: str) -> None:
    try:
        src = prepare(glue.join(source), lang="fr")
    except InputError:
        return
    tgt = prepare(glue.join(target), lang="ar")
    result = pair_documents(src, tgt, ENCODER)
    assert_sentences_slice(src)
    assert_sentences_slice(tgt)
    assert_beads_cover(result.beads, len(src.sentences), len(tgt.sentences))
    for fact in result.facts:
        doc = src if fact.side == "source" else tgt
        assert 0 <= fact.start < fact.end <= len(doc.text)
        assert doc.text[fact.start : fact.end] == fact.text
    output = json.loads(render_json(result))
    jsonschema.validate(output, SCHEMA)
    for side, doc in (("source", src), ("target", tgt)):
        assert [(s["start"], s["end"]) for s in output[side]["sentences"]] == [(s.start, s.end) for s in doc.sentences]


# -- HTML output ---------------------------------------------------------------------------------

HOSTILE = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    "</span></div></main>",
    "Tom & Jerry &amp; &lt;b&gt;",
    "\"double\" and 'single' quotes",
    "<!-- comment --> <![CDATA[ x ]]>",
    '<a href="javascript:alert(1)">click</a>',
    "<style>body{display:none}</style>",
]
REPORT_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "small", "table", "tr", "th", "td", "p",
               "main", "div", "span", "mark", "script"}


class _Page(HTMLParser):
    """Tags, attributes, script bodies, and the text inside each sentence element of a rendered report."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.scripts: list[str] = []
        self.sentences: dict[str, str] = {}
        self._open: list[str | None] = []  # the sentence id each open element belongs to
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(name for name, _ in attrs)
        if tag == "script":
            self.scripts.append("")
            self._in_script = True
        if tag == "meta":  # a void element: no end tag follows
            return
        values = dict(attrs)
        inside = self._open[-1] if self._open else None
        if tag == "span" and "sent" in (values.get("class") or "").split():
            inside = values["id"]
            self.sentences[inside] = ""
        self._open.append(inside)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = self._in_script and tag != "script"
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        if self._open and self._open[-1] is not None:
            self.sentences[self._open[-1]] += data


@SLOW
@given(
    source=st.lists(st.one_of(st.sampled_from(seed_sentences("fr")), st.sampled_from(HOSTILE)), min_size=1, max_size=10),
    target=st.lists(st.one_of(st.sampled_from(seed_sentences("ar")), st.sampled_from(HOSTILE)), min_size=1, max_size=10),
)
def test_html_report_never_lets_document_text_become_markup(source: list[str], target: list[str]) -> None:
    src, tgt = prepare("\n".join(source), lang="fr"), prepare("\n".join(target), lang="ar")
    result = pair_documents(src, tgt, ENCODER)
    page = _Page()
    page.feed(render_html(result))
    page.close()
    assert set(page.tags) <= REPORT_TAGS
    assert page.tags.count("script") == 1 and page.scripts == [SCRIPT]
    assert not [name for name in page.attributes if name.startswith("on") or name == "href"]
    for side, doc in (("source", src), ("target", tgt)):
        for index, sentence in enumerate(doc.sentences):
            shown = "".join(" " if char.isspace() else char for char in sentence.text)
            assert page.sentences[f"{side}-{index}"] == shown


def test_html_check_catches_unescaped_text() -> None:
    """The parser above does see markup that slips through (guards against a vacuous test)."""
    result = PairResult(prepare("Un texte.", lang="fr"), prepare("نص.", lang="ar"), [Bead((0,), (0,), 1.0)])
    page = _Page()
    page.feed(render_html(result).replace("Un texte.", "<img src=x onerror=alert(1)>"))
    assert "img" in page.tags and "onerror" in page.attributes
