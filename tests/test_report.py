"""Renderers on hand-built results from the seeds (fr 001 / ar 002) and on hostile text."""

from __future__ import annotations

import io
import json
import math
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from bidi.algorithm import get_display
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from align import cli
from align.ingest import load_document
from align.report import (
    render_html,
    render_json,
    render_text,
    render_tmx,
    render_vecalign,
    render_view,
)
from align.report import view as view_module
from align.report.rtl import BidiText, visual_line, visual_order
from align.report.styled import fact_style, highlighted
from align.report.summary import coverage, is_two_sided, match_score, segments
from align.segment import segment
from align.types import Bead, Document, Fact, PairResult

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "report"))
import pairs

SCHEMA = json.loads((Path(__file__).parents[1] / "align" / "report" / "schema.json").read_text(encoding="utf-8"))
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ANSI = re.compile(r"\x1b\[([0-9;]*)m")


@pytest.fixture(scope="module")
def seed() -> PairResult:
    return pairs.seed_pair()


@pytest.fixture(scope="module")
def hostile() -> PairResult:
    return pairs.hostile_pair()


def plain_console(width: int) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=width, highlight=False), buffer


def colour_codes(output: str) -> list[str]:
    """SGR parameters that set a colour (foreground, background, 256/true colour)."""
    codes = []
    for params in ANSI.findall(output):
        for code in params.split(";"):
            if code and (30 <= int(code) <= 49 or 90 <= int(code) <= 107):
                codes.append(code)
    return codes


# --- shared figures ---------------------------------------------------------------------------


def test_beads_cover_each_sentence_once(seed: PairResult, hostile: PairResult) -> None:
    for result in (seed, hostile):
        for side, doc in (("source", result.source), ("target", result.target)):
            taken = [i for bead in result.beads for i in getattr(bead, side)]
            assert taken == list(range(len(doc.sentences)))


def test_coverage_counts_only_two_sided_beads(seed: PairResult) -> None:
    share = coverage(seed, "target")
    two_sided = [j for bead in seed.beads if bead.source and bead.target for j in bead.target]
    assert share.aligned_sentences == len(two_sided) < share.total_sentences == len(seed.target.sentences)
    assert share.aligned_chars == sum(len(seed.target.sentences[j].text) for j in two_sided)
    assert coverage(seed, "source").sentence_ratio == 1.0


def test_segments_rebuild_sentence_and_carry_facts(seed: PairResult) -> None:
    doc = seed.target
    facts = [f for f in seed.facts if f.side == "target"]
    for sentence in doc.sentences:
        pieces = segments(doc, sentence, facts)
        assert "".join(p.text for p in pieces) == sentence.text
        for piece in pieces:
            for fact in piece.facts:
                assert piece.text in fact.text
    date = next(f for f in seed.facts if f.kind == "date")
    holder = next(s for s in doc.sentences if s.start <= date.start < s.end)
    assert [p.text for p in segments(doc, holder, [date]) if p.facts] == [date.text]


def test_fact_across_two_sentences_is_cut_at_the_boundary() -> None:
    doc = pairs.document_from(["One two.", "Three four."], "en", "x.txt")
    fact = Fact("source", 4, 14, doc.text[4:14], "clause", 0.5)
    marked = [p.text for s in doc.sentences for p in segments(doc, s, [fact]) if p.facts]
    assert marked == ["two.", "Three"]


def nested_facts() -> tuple[Document, list[Fact]]:
    doc = pairs.document_from(["In May 2001 the two countries signed."], "en", "n.txt")
    date = pairs.fact(doc, "source", "May 2001", "date", 0.9)
    whole = Fact("source", 0, len(doc.text), doc.text, "sentence", 0.7)
    return doc, [whole, date]


def test_nested_facts_are_bracketed_once_each_and_inner_one_shows() -> None:
    doc, facts = nested_facts()
    text = highlighted(segments(doc, doc.sentences[0], facts), marked=True)
    assert text.plain == "⟦In ⟦May 2001⟧ the two countries signed.⟧"
    date_style = {str(span.style) for span in text.spans if "2001" in text.plain[span.start : span.end]}
    assert date_style == {fact_style(facts[1])}


# --- JSON -------------------------------------------------------------------------------------


def test_json_validates_and_offsets_index_the_input(seed: PairResult, hostile: PairResult) -> None:
    for result in (seed, hostile):
        data = json.loads(render_json(result))
        jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
        for side in ("source", "target"):
            text = Path(data[side]["path"]).read_text(encoding="utf-8") if result is seed else getattr(result, side).text
            for sentence in data[side]["sentences"]:
                assert text[sentence["start"] : sentence["end"]] == sentence["text"]
        assert [(a["source"], a["target"]) for a in data["alignment"]] == [(list(b.source), list(b.target)) for b in result.beads]
        for fact in data["facts"]:
            text = getattr(result, fact["side"]).text
            assert text[fact["start"] : fact["end"]] == fact["text"]


def test_schema_rejects_a_broken_contract(seed: PairResult) -> None:
    data = json.loads(render_json(seed))
    data["facts"][0]["side"] = "left"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_json_offsets_point_into_an_html_input() -> None:
    html = Path(__file__).parent / "fixtures" / "report" / "meeting.html"
    source = load_document(html)
    source.sentences = segment(source.text, source.blocks, source.lang)
    assert source.text != html.read_text(encoding="utf-8")  # the text really was extracted
    target = pairs.arabic_document()
    beads = [Bead((i,), (), 0.0) for i in range(len(source.sentences))] + [Bead((), (j,), 0.0) for j in range(len(target.sentences))]
    data = json.loads(render_json(PairResult(source, target, beads, [pairs.fact(source, "source", "2001", "date", 0.9)])))
    raw = html.read_text(encoding="utf-8")
    assert len(data["source"]["sentences"]) >= 3
    for sentence in data["source"]["sentences"]:
        assert raw[sentence["start"] : sentence["end"]] == sentence["text"]
    fact = data["facts"][0]
    assert raw[fact["start"] : fact["end"]] == "2001" and fact["start"] > source.text.index("2001")


def test_json_scores_are_rounded_and_never_nan(hostile: PairResult) -> None:
    beads = [replace(hostile.beads[0], score=0.123456789), replace(hostile.beads[1], score=math.nan), hostile.beads[2]]
    data = json.loads(render_json(replace(hostile, beads=beads)))
    assert data["alignment"][0]["score"] == pytest.approx(0.1235)
    assert data["alignment"][1]["score"] is None
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)


# --- vecalign and TMX -------------------------------------------------------------------------


def test_vecalign_lines_read_back_as_the_beads(seed: PairResult) -> None:
    lines = render_vecalign(seed).splitlines()
    assert len(lines) == len(seed.beads)
    for line, bead in zip(lines, seed.beads):
        match = re.fullmatch(r"\[([\d, ]*)\]:\[([\d, ]*)\]:(-?\d+\.\d+)", line)
        assert match, line
        source, target = ([int(i) for i in group.split(",") if i.strip()] for group in match.groups()[:2])
        assert (tuple(source), tuple(target)) == (bead.source, bead.target)
        assert float(match.group(3)) == pytest.approx(bead.score, abs=1e-3)


@pytest.mark.parametrize("fmt", ["vecalign", "tmx"])
def test_formats_of_beads_alone_do_not_look_for_facts(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_facts(*args: object, **kwargs: object) -> None:
        raise AssertionError("one-sided facts looked for")

    monkeypatch.setenv("ALIGN_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr("align.pipeline.find_facts", no_facts)
    seeds = Path(__file__).parents[1] / "seeds"
    code = cli.main(["pair", str(seeds / "001_b786fb708fc180cb.txt"), str(seeds / "002_cd5cc42a566c1068.txt"), "--format", fmt])
    assert code == cli.EXIT_OK and capsys.readouterr().out.strip()


def test_tmx_is_valid_and_holds_the_two_sided_beads(hostile: PairResult) -> None:
    root = ET.fromstring(render_tmx(hostile))
    header = root.find("header")
    assert root.get("version") == "1.4"
    assert (header.get("srclang"), header.get("segtype"), header.get("creationtool")) == ("en", "sentence", "align")
    units = root.findall("body/tu")
    two_sided = [b for b in hostile.beads if is_two_sided(b)]
    assert len(units) == len(two_sided)
    for unit, bead in zip(units, two_sided):
        variants = unit.findall("tuv")
        assert [v.get(XML_LANG) for v in variants] == ["en", "ar"]
        expected = " ".join(hostile.source.sentences[i].text for i in bead.source)
        assert variants[0].findtext("seg") == expected  # markup and '&' survive the round trip as text


def test_tmx_drops_characters_xml_cannot_hold(hostile: PairResult) -> None:
    dirty = pairs.document_from(["Page\x0cbreak\x00 here.", "Second."], "en", "d.txt")
    root = ET.fromstring(render_tmx(replace(hostile, source=dirty)))
    assert root.findtext("body/tu/tuv/seg").startswith("Pagebreak here.")


# --- HTML (structure; the browser test is in test_html_browser.py) ----------------------------


class Elements(HTMLParser):
    """Collects start tags with their attributes, and the text of fact marks and scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.open: list[str] = []
        self.marks: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attributes))
        if tag == "mark" and "fact" in attributes.get("class", "").split():
            tag = "fact-mark"
            self.marks.append("")
        if tag == "script":
            self.scripts.append("")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] in (tag, f"fact-{tag}"):
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] == "fact-mark":
            self.marks[-1] += data
        if self.open and self.open[-1] == "script":
            self.scripts[-1] += data

    def having(self, *css_classes: str) -> list[dict[str, str]]:
        """Attributes of the elements carrying all these classes."""
        return [attrs for _, attrs in self.tags if set(css_classes) <= set(attrs.get("class", "").split())]


def parsed_html(result: PairResult) -> Elements:
    parser = Elements()
    parser.feed(render_html(result))
    return parser


def test_html_escapes_every_piece_of_document_text(hostile: PairResult) -> None:
    page = render_html(hostile)
    parser = parsed_html(hostile)
    assert len(parser.scripts) == 1 and "pwned" not in parser.scripts[0]
    assert "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt; &amp; friends" in page
    assert "&lt;b&gt;src&amp;amp.txt" in page  # file names too


def test_html_structure_rows_directions_and_facts(seed: PairResult) -> None:
    parser = parsed_html(seed)
    assert len(parser.having("bead")) == len(seed.beads)
    targets = parser.having("cell", "target")
    assert len(targets) == len(seed.beads) and all(a["dir"] == "rtl" and a["lang"] == "ar" for a in targets)
    assert all(a["dir"] == "ltr" and a["lang"] == "fr" for a in parser.having("cell", "source"))
    one_sided = [b for b in seed.beads if not is_two_sided(b)]
    assert len(parser.having("solo")) == len(one_sided)
    sentences = parser.having("sent")
    assert len(sentences) == len(seed.source.sentences) + len(seed.target.sentences)
    assert sorted(parser.marks) == sorted(f.text for f in seed.facts)
    titles = [a["title"] for a in parser.having("fact")]
    for fact in seed.facts:
        assert any(fact.kind in t and f"{fact.score:.2f}" in t for t in titles)


def test_html_marks_nested_facts_by_the_inner_one(hostile: PairResult) -> None:
    doc, facts = nested_facts()
    parser = parsed_html(PairResult(doc, hostile.target, [Bead((0,), (0, 1), 0.5)], facts))
    date = next(a for a in parser.having("fact") if "kind-date" in a["class"])
    assert "date · 0.90" in date["title"] and "sentence · 0.70" in date["title"]
    assert parser.marks == ["In ", "May 2001", " the two countries signed."]


def test_html_is_self_contained(seed: PairResult) -> None:
    page = render_html(seed)
    assert not re.search(r"""(src|href)\s*=|@import|url\(|https?://""", page)


def test_html_header_counts_facts_per_side(seed: PairResult) -> None:
    page = render_html(seed)
    for side in ("source", "target"):
        count = sum(1 for f in seed.facts if f.side == side)
        assert re.search(rf'<tr class="{side}">.*?<td class="facts">{count}</td>', page)


# --- BiDi layout ------------------------------------------------------------------------------


def test_visual_order_matches_the_bidi_library() -> None:
    for line in (s.text for s in pairs.arabic_document().sentences):
        order = visual_order(line, rtl=True)
        assert sorted(i for i, _ in order) == list(range(len(line)))
        assert "".join(glyph for _, glyph in order) == get_display(line, base_dir="R")


def test_pure_arabic_reverses_and_numbers_keep_their_order() -> None:
    word = "الجزائر"
    assert "".join(g for _, g in visual_order(word, rtl=True)) == word[::-1]
    shown = "".join(g for _, g in visual_order("في أغسطس 2001", rtl=True))
    assert shown.startswith("2001 ") and shown.endswith(" يف")


def test_combining_marks_follow_their_letter() -> None:
    word = "بِسْمِ"
    shown = "".join(g for _, g in visual_order(word, rtl=True))
    assert shown == "مِسْبِ"


def test_visual_line_moves_styles_with_their_characters() -> None:
    line = Text("قال الوزير أمس")
    line.stylize("bold", 4, 10)
    shown = visual_line(line, rtl=True)
    bold = [shown.plain[s.start : s.end] for s in shown.spans if s.style == "bold"]
    assert bold == ["الوزير"[::-1]]


def test_bidi_text_wraps_before_reordering() -> None:
    sentence = pairs.arabic_document().sentences[1].text
    console = Console(width=40, file=io.StringIO())
    lines = BidiText(Text(sentence), rtl=True).lines(console, 40)
    logical = Text(sentence).wrap(console, 40)
    assert len(lines) == len(logical) > 2
    for shown, original in zip(lines, logical):
        assert cell_len(shown.plain) == 40
        assert shown.plain.strip() == get_display(original.plain.rstrip(), base_dir="R")


# --- terminal report --------------------------------------------------------------------------


def test_text_report_without_a_terminal_is_plain_and_marks_facts(seed: PairResult) -> None:
    console, buffer = plain_console(width=300)
    render_text(seed, console, bidi=False)
    output = buffer.getvalue()
    assert "\x1b[" not in output
    assert "fr → ar" in output and f"match score {match_score(seed):.2f}" in output
    share = coverage(seed, "target")
    assert f"{share.aligned_sentences}/{share.total_sentences}" in output
    for fact in seed.facts:
        shown = f"⟦{fact.text}⟧" if len(fact.text) < 100 else f"⟦{fact.text[:60]}"  # a long one wraps
        assert shown in output
    assert output.index("Only in the source") < output.index("Only in the target") < output.index("Sentence alignment")


def test_text_report_in_colour_highlights_instead_of_bracketing(seed: PairResult) -> None:
    buffer = io.StringIO()
    render_text(seed, Console(file=buffer, width=160, force_terminal=True, color_system="truecolor"))
    output = buffer.getvalue()
    assert colour_codes(output) and "⟦" not in output


def test_no_color_strips_colour_from_a_terminal(seed: PairResult, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    buffer = io.StringIO()
    render_text(seed, Console(file=buffer, width=160, force_terminal=True))
    render_view(seed, Console(file=buffer, width=160, force_terminal=True), pager=False)
    assert "\x1b[" in buffer.getvalue() and not colour_codes(buffer.getvalue())


def test_text_report_does_not_interpret_markup_in_documents(hostile: PairResult) -> None:
    console, buffer = plain_console(width=200)
    render_text(hostile, console)
    assert "[bold]now[/bold]" in buffer.getvalue() and "<script>" in buffer.getvalue()


# --- side-by-side view ------------------------------------------------------------------------


@pytest.mark.parametrize("width", [50, 90, 140])
def test_view_fits_the_width(seed: PairResult, width: int) -> None:
    console, buffer = plain_console(width)
    render_view(seed, console)
    lines = buffer.getvalue().splitlines()
    assert len(lines) > len(seed.beads)
    assert max(cell_len(line) for line in lines) <= width


def arabic_column(output: str, width: int) -> list[str]:
    """The right-hand column of each view line, trailing cell padding removed."""
    return [line[width // 2 + 3 :].rstrip() for line in output.splitlines()]


def test_view_shows_arabic_right_to_left_and_flush_right(seed: PairResult) -> None:
    width = 120
    console, buffer = plain_console(width)
    render_view(seed, console)
    column = arabic_column(buffer.getvalue(), width)
    first_words = seed.target.sentences[1].text.split()[:2]  # "أكد محمد"
    row = next(i for i, text in enumerate(column) if text.endswith(first_words[0][::-1]))
    assert column[row].endswith(f"{first_words[1][::-1]} {first_words[0][::-1]}")
    ends = {len(text) for text in column[row : row + 3]}
    assert len(ends) == 1  # consecutive lines of the cell end at the same column


def test_view_without_bidi_keeps_logical_order(seed: PairResult) -> None:
    console, buffer = plain_console(120)
    render_view(seed, console, bidi=False)
    assert " ".join(seed.target.sentences[1].text.split()[:3]) in buffer.getvalue()


def test_view_tints_one_sided_rows_and_dashes_the_missing_side(seed: PairResult) -> None:
    console, buffer = plain_console(120)
    render_view(seed, console)
    one_sided = sum(1 for b in seed.beads if not is_two_sided(b))
    assert sum(1 for line in buffer.getvalue().splitlines() if line.lstrip().startswith("—")) == one_sided
    buffer = io.StringIO()
    render_view(seed, Console(file=buffer, width=120, force_terminal=True, color_system="256"), pager=False)
    assert "48;5;" in buffer.getvalue()  # the background tint


def test_view_pages_only_a_long_view_on_a_terminal(seed: PairResult, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(view_module.CommandPager, "show", lambda self, content: shown.append(content))
    monkeypatch.setattr(view_module, "pager_command", lambda: "less -R")
    tall = Console(file=io.StringIO(), width=100, height=20, force_terminal=True, color_system="256")
    render_view(seed, tall)
    assert len(shown) == 1 and colour_codes(shown[0])  # styles reach the pager
    render_view(seed, tall, pager=False)
    render_view(seed, Console(file=io.StringIO(), width=100, height=20))  # not a terminal
    render_view(seed, Console(file=io.StringIO(), width=100, height=500, force_terminal=True))  # fits
    assert len(shown) == 1


# --- the real pipeline on seeds 001 (fr) and 002 (ar) -----------------------------------------


@pytest.fixture(scope="module")
def real() -> PairResult:
    from align.pipeline import load, pair

    return pair(load(pairs.FRENCH), load(pairs.ARABIC))


def test_real_pair_json_points_into_the_seed_files(real: PairResult) -> None:
    data = json.loads(render_json(real))
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    for side in ("source", "target"):
        raw = Path(data[side]["path"]).read_text(encoding="utf-8")
        for sentence in data[side]["sentences"]:
            assert raw[sentence["start"] : sentence["end"]] == sentence["text"]
    assert data["facts"], "the Arabic version carries facts the French one lacks"
    for fact in data["facts"]:
        raw = Path(data[fact["side"]]["path"]).read_text(encoding="utf-8")
        assert raw[fact["start"] : fact["end"]] == fact["text"]


def test_real_pair_renders_in_every_format(real: PairResult) -> None:
    two_sided = sum(1 for b in real.beads if is_two_sided(b))
    assert len(ET.fromstring(render_tmx(real)).findall("body/tu")) == two_sided
    assert len(render_vecalign(real).splitlines()) == len(real.beads)
    parser = parsed_html(real)
    assert len(parser.having("cell", "target")) == len(real.beads)
    assert "الأكثر قراءة" not in render_html(real)  # page furniture is not shown as content
    console, buffer = plain_console(width=160)
    render_text(real, console)
    report_text = buffer.getvalue()
    assert "fr → ar" in report_text and f"{coverage(real, 'target').aligned_sentences}/" in report_text
    short = [f for f in real.facts if len(f.text) < 40]
    assert all(f"⟦{f.text}⟧" in report_text or f.side == "target" for f in short)  # Arabic is reordered


def test_real_pair_view_reads_right_to_left(real: PairResult) -> None:
    width = 120
    console, buffer = plain_console(width)
    render_view(real, console)
    first = real.target.sentences[0].text.split()[0]
    assert any(text.endswith(first[::-1]) for text in arabic_column(buffer.getvalue(), width))
