"""Ingest: decoding, content blocks vs page furniture, metadata, language, offsets."""

from __future__ import annotations

import html
import itertools
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align import ingest
from align.errors import InputError
from align.furniture import find_furniture
from align.ingest import guess_format, ingest_text, load_document, read_text
from align.language import detect_language
from align.types import Document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = {path.name[:3]: path for path in (ROOT / "seeds").glob("*.txt")}
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "ingest"


def block_texts(document: Document) -> list[str]:
    return [document.text[block.start : block.end] for block in document.blocks]


def furniture_texts(document: Document) -> list[str]:
    return [document.text[span.start : span.end] for span in document.furniture]


def squeeze(text: str) -> str:
    return "".join(text.split())


def assert_well_formed(document: Document) -> None:
    """Blocks are trimmed, ordered, disjoint spans of the text that never overlap furniture."""
    spans = sorted([(b.start, b.end, "block") for b in document.blocks] + [(f.start, f.end, "furniture") for f in document.furniture])
    for (_, end, _), (start, _, _) in itertools.pairwise(spans):
        assert end <= start, "blocks and furniture must not overlap"
    for text in block_texts(document):
        assert text and text == text.strip()


@pytest.fixture(scope="module")
def seeds() -> dict[str, Document]:
    return {key: load_document(path) for key, path in SEEDS.items()}


# ------------------------------------------------------------------ language


@pytest.mark.parametrize("key, lang", [("000", "fr"), ("001", "fr"), ("002", "ar"), ("003", "fr"), ("004", "fr")])
def test_seed_language(seeds: dict[str, Document], key: str, lang: str) -> None:
    assert seeds[key].lang == lang


def test_language_given_is_kept_and_needs_letters() -> None:
    assert ingest_text(SEEDS["002"].read_text(encoding="utf-8"), lang="xx").lang == "xx"
    # A tag with a region or in capitals names the same language (the model's list has "fr", not "FR-ca").
    for tag in ("FR-ca", "fr_FR", " fr "):
        assert ingest_text(SEEDS["001"].read_text(encoding="utf-8"), lang=tag).lang == "fr"
    assert detect_language("Der Bundestag hat am Donnerstag das neue Gesetz beschlossen.") == "de"
    with pytest.raises(InputError):
        detect_language("12 345 -- 678")


# ------------------------------------------------------------------ offsets


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_seed_offsets_slice_the_file(seeds: dict[str, Document], key: str) -> None:
    original = SEEDS[key].read_text(encoding="utf-8-sig")
    document = seeds[key]
    assert document.text == original
    assert document.source_span(5, 9) == (5, 9)
    assert_well_formed(document)
    # Every non-blank line of the seed is accounted for: in a block or in furniture.
    covered = [(b.start, b.end) for b in document.blocks] + [(f.start, f.end) for f in document.furniture]
    offset = 0
    for line in original.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            at = offset + line.index(stripped[0])
            assert any(start <= at < end for start, end in covered), line
        offset += len(line)


# ------------------------------------------------------------------ furniture in the seeds


def test_000_tail_of_image_names_and_codes_is_furniture(seeds: dict[str, Document]) -> None:
    document = seeds["000"]
    original = SEEDS["000"].read_text(encoding="utf-8")
    tail = original[original.index("Pour lire") :]
    tail_lines = [line.strip() for line in tail.splitlines() if line.strip()]
    assert len(tail_lines) > 5
    assert set(tail_lines) <= {text.strip() for text in furniture_texts(document)}
    blocks = block_texts(document)
    assert not set(tail_lines) & set(blocks)
    assert not any("cliquez" in block or "_n" in block for block in blocks)
    assert blocks[0].startswith("Le Secrétaire Général")
    assert blocks[-1].endswith("réconciliation nationale.")


def test_002_labels_byline_and_trending_list_are_furniture(seeds: dict[str, Document]) -> None:
    document = seeds["002"]
    original = SEEDS["002"].read_text(encoding="utf-8")
    lines = [line.strip() for line in original.splitlines() if line.strip()]
    headline = lines[0]
    last_paragraph = max((i for i, line in enumerate(lines) if line.endswith(".")))
    trending = lines[last_paragraph + 1 :]
    assert len(trending) > 10 and "Trending Plus" in trending and "الأكثر قراءة" in trending
    furniture = furniture_texts(document)
    assert set(trending) <= set(furniture)
    assert furniture.count("ليبيا") == 2 and "أ ش أ" in furniture
    blocks = block_texts(document)
    assert blocks[0] == headline
    assert len(blocks) == 1 + sum(1 for line in lines[: last_paragraph + 1] if line.endswith("."))


def test_004_read_also_line_is_furniture(seeds: dict[str, Document]) -> None:
    document = seeds["004"]
    read_also = [text for text in furniture_texts(document) if text.startswith("Lire aussi")]
    assert len(read_also) == 1
    assert not any("Lire aussi" in block for block in block_texts(document))
    assert len(document.blocks) == len(SEEDS["004"].read_text(encoding="utf-8").splitlines()) - 1


def test_clean_seeds_lose_no_content(seeds: dict[str, Document]) -> None:
    assert furniture_texts(seeds["001"]) == ["date 2019-07"]
    assert furniture_texts(seeds["003"]) == ["date 2022-03"]


# ------------------------------------------------------------------ metadata


def test_001_leading_date_is_metadata_not_content(seeds: dict[str, Document]) -> None:
    for key, date in (("001", "2019-07"), ("003", "2022-03")):
        document = seeds[key]
        assert document.metadata["date"] == date
        first = block_texts(document)[0]
        assert not first.startswith("date") and date not in first
    assert block_texts(seeds["001"])[0].startswith("Le Secrétaire général")
    assert "date" not in seeds["000"].metadata


# ------------------------------------------------------------------ furniture rules on unseen text


def test_furniture_rules_generalise_beyond_the_seeds() -> None:
    units = [
        "Markets",
        "Oil prices climb as OPEC agrees to extend output cuts",
        "By Jane Doe",
        "Advertisement",
        "Oil prices rose on Thursday after producers agreed to extend their supply cuts until the end of March, traders said.",
        "Read more: Saudi Arabia raises its crude prices for Asia",
        "Advertisement",
        "Analysts expect demand to remain weak in the first quarter, with stocks still above the five-year average.",
        "REUTERS",
        "https://example.com/photos/opec-vienna.jpg",
        "Most read",
        "Ten things to know before markets open",
        "Why the dollar is falling",
    ]
    reasons = find_furniture(units)
    content = {units[i] for i, reason in enumerate(reasons) if reason is None}
    assert content == {units[1], units[4], units[7]}


def test_short_unpunctuated_prose_is_not_taken_for_furniture() -> None:
    units = [
        "By 2030, half of new cars sold in Europe will be electric",
        "Carmakers have invested billions in battery plants across the continent, the industry association said.",
        "The cost question",
        "Prices of battery packs have fallen by almost 90 percent over the last decade, according to analysts.",
        "Charging networks are still patchy, and rural drivers say that is what keeps them from switching",
    ]
    assert find_furniture(units) == [None] * len(units)


def test_article_made_of_short_lines_only_is_left_alone() -> None:
    units = ["Weather warning for the coast", "Heavy rain expected tonight", "Schools closed on Friday", "Roads flooded near the port"]
    assert find_furniture(units)[0] is None
    assert sum(reason is None for reason in find_furniture(units)) >= 3


def test_a_lone_label_after_the_last_paragraph_is_furniture() -> None:
    units = [
        "Floods close schools along the coast",
        "Schools along the coast will stay closed on Friday after heavy rain flooded several roads, officials said.",
        "Trending Plus",
    ]
    reasons = find_furniture(units)
    assert reasons[:2] == [None, None] and reasons[2] is not None


# ------------------------------------------------------------------ plain-text layout


def test_hard_wrapped_paragraphs_are_one_block_each() -> None:
    paragraphs = [
        "Le Secrétaire général du ministère de l'Intérieur a réaffirmé mardi à Alger la détermination de l'Algérie à poursuivre ses efforts pour aider la Libye.",
        "Il s'exprimait lors d'une réunion avec son homologue libyen, consacrée à la coopération sécuritaire bilatérale et à la lutte contre la criminalité.",
    ]
    wrapped = "\n\n".join(textwrap.fill(paragraph, width=60) for paragraph in paragraphs) + "\n"
    assert wrapped.count("\n") > 6
    document = ingest_text(wrapped)
    assert [" ".join(text.split()) for text in block_texts(document)] == paragraphs


def test_crlf_and_bom_offsets(tmp_path: Path) -> None:
    body = "Titre de l'article\r\n\r\nPremier paragraphe de l'article, assez long pour être une vraie phrase.\r\nLire aussi : autre chose\r\n"
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    document = load_document(path)
    assert document.text == body  # the BOM is not part of the text, nor counted
    assert block_texts(document) == ["Titre de l'article", "Premier paragraphe de l'article, assez long pour être une vraie phrase."]
    assert furniture_texts(document) == ["Lire aussi : autre chose"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab é.,:\n\t\u00a0ليبا1_")), min_size=1, max_size=300))
def test_any_text_gives_well_formed_spans(text: str) -> None:
    try:
        document = ingest_text(text, lang="fr")
    except InputError:
        return
    assert document.blocks
    assert_well_formed(document)
    for block in document.blocks:
        assert 0 <= block.start < block.end <= len(text)


# ------------------------------------------------------------------ decoding and bad input


@pytest.mark.parametrize("legacy, utf8", [("fr_cp1252.txt", "fr_utf8.txt"), ("ar_cp1256.txt", "ar_utf8.txt")])
def test_legacy_encodings_decode(legacy: str, utf8: str) -> None:
    raw = (FIXTURES / legacy).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert read_text(FIXTURES / legacy) == (FIXTURES / utf8).read_text(encoding="utf-8")


def test_legacy_arabic_document_is_arabic() -> None:
    document = load_document(FIXTURES / "ar_cp1256.txt")
    assert document.lang == "ar"
    assert block_texts(document)[0] == "الجزائر ومالي تبحثان التعاون الأمني"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\t\n\xc2\xa0\n", "empty"),
        ("nul.bin", b"PK\x03\x04\x00\x00 some zip header\x00\x00", "binary"),
        ("controls.txt", b"abc\x01\x02\x03\x04\x05\x06\x07\x08" * 20, "binary"),
        ("noise.txt", bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 40, "decode"),
        ("bad-bom.txt", b"\xff\xfe" + b"\x00\xd8" * 50, "decodable"),
    ],
)
def test_bad_files_raise_one_clear_error(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as error:
        read_text(path)
    assert "\n" not in str(error.value) and name in str(error.value)


def test_missing_path_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_text(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="directory"):
        load_document(tmp_path)


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.txt"
    path.write_text("Une phrase assez longue pour dépasser la limite. " * 40, encoding="utf-8")
    monkeypatch.setattr(ingest, "MAX_INPUT_BYTES", 1024)
    with pytest.raises(InputError, match="limit"):
        read_text(path)


def test_only_furniture_is_refused() -> None:
    with pytest.raises(InputError, match="no text content"):
        ingest_text("viber image\n50439782_808720742807002_1392144577334345728_n\nac\n", lang="fr")


def test_unknown_format_is_refused() -> None:
    with pytest.raises(InputError, match="format"):
        ingest_text("Bonjour tout le monde.", fmt="pdf")


# ------------------------------------------------------------------ HTML


@pytest.fixture(scope="module")
def article() -> tuple[str, Document]:
    path = FIXTURES / "article.html"
    return path.read_text(encoding="utf-8"), load_document(path)


def test_html_yields_the_article_and_nothing_else(article: tuple[str, Document]) -> None:
    source, document = article
    blocks = block_texts(document)
    assert blocks[0] == "Alger et Tripoli renforcent leur coopération sécuritaire"
    body = source[source.index('<div class="post-body">') : source.index('<div class="tags">')]
    assert len(blocks) == 1 + body.count("<p>")  # the headline and the paragraphs, not "Lire aussi"
    assert blocks[1].startswith("Le secrétaire général du ministère de l'Intérieur")
    assert blocks[1].endswith("« poursuivre ses efforts pour aider la Libye à surmonter la crise ».")
    for boilerplate in ("Accueil", "Rechercher", "Les plus lus", "CAN 2019", "Mentions légales", "Tous droits", "Facebook", "Lire aussi", "gtag"):
        assert boilerplate not in document.text
    assert document.lang == "fr"
    assert document.metadata["date"] == "2019-07-09"


def test_html_source_span_maps_into_the_page(article: tuple[str, Document]) -> None:
    source, document = article
    assert document.source_offsets is not None and len(document.source_offsets) == len(document.text)
    for block in document.blocks:
        start, end = document.source_span(block.start, block.end)
        markup = source[start:end]
        plain = html.unescape(re.sub(r"<[^>]+>", "", markup))
        assert squeeze(plain) == squeeze(document.text[block.start : block.end])
    # a word inside an entity-rich sentence maps to its own characters
    text = document.text
    at = text.index("criminalité & la")
    start, end = document.source_span(at, at + len("criminalité & la"))
    assert source[start:end] == "criminalit&eacute; &amp; la"
    last = document.blocks[1]
    assert source[: document.source_span(last.start, last.end)[1]].endswith("crise&nbsp;&raquo;.")


def test_html_is_sniffed_without_extension(tmp_path: Path) -> None:
    path = tmp_path / "page.dat"
    path.write_bytes((FIXTURES / "article.html").read_bytes())
    assert guess_format(path, read_text(path)) == "html"
    assert block_texts(load_document(path))[0] == "Alger et Tripoli renforcent leur coopération sécuritaire"
    assert guess_format("notes.txt", "<html>") == "text"


# ------------------------------------------------------------------ Markdown


def test_markdown_blocks_carry_no_markup() -> None:
    path = FIXTURES / "report.md"
    source = path.read_text(encoding="utf-8")
    document = load_document(path)
    assert document.lang == "es"
    assert document.metadata["date"] == "2019-07-09"
    blocks = block_texts(document)
    assert blocks[0] == "Argelia y Libia refuerzan su cooperación en seguridad"
    for text in blocks:
        assert not re.search(r"\*\*|\]\(|^#|^[-*>] |`|\\_", text), text
    assert any("ayudar a Libia a salir de la crisis" in text for text in blocks)
    assert any(text.startswith("el acuerdo de seguridad de agosto de 2001") for text in blocks)
    assert [text for text in furniture_texts(document) if text.startswith("Lea también")]
    assert not any("fotos/" in text or "Reunión en Argel" in text for text in blocks)
    for block in document.blocks:
        start, end = document.source_span(block.start, block.end)
        first, last = document.text[block.start], document.text[block.end - 1]
        assert source[start] == first and source[end - 1] == last
        kept = re.sub(r"\[([^\]]*)\]\([^)]*\)|[*`>\\]", r"\1", source[start:end])
        assert squeeze(kept) == squeeze(document.text[block.start : block.end])

