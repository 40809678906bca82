"""Page furniture: text that came with a scraped report but is not the report.

Scrapers bring along link lists ("Trending", "Lire aussi : ..."), agency bylines,
image file names, section labels and calls to click. Aligning them would pair
junk with junk and flag it as one-sided facts, so ingest marks them removed.

The rules look at what such lines share in any site and language rather than at
the strings of particular sites: where they sit (the top, before the article,
or the tail, after its last paragraph), that they are short and carry no
sentence punctuation, that they repeat, that they are mostly not letters (hashes,
file names, URLs), and a few phrases every news site uses in its own language
("read also", "click here") or agency names.

All functions are pure: they take the text of each unit (a line, a paragraph, a
list item) in document order and say which are furniture and why.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

# Sentence-final punctuation, in the scripts we read (Arabic ؟, CJK 。！？).
_SENTENCE_END = frozenset(".!?;…؟。！？")
# Closing quotes and brackets that may follow the sentence-final mark (German
# closes with “ and ‘).
_CLOSERS = "\"'»”’“‘)]}›‹」』"

# "Read also: <headline>" lines pointing at other articles.
_RELATED_LINK = re.compile(
    r"""^\W*(?:
        (?:à\s+)?(?:lire|voir)\s+(?:aussi|également|plus)
        | read\s+(?:also|more) | see\s+also | related(?:\s+\w+)?\s*:
        | lesen\s+sie\s+(?:auch|mehr) | mehr\s+zum\s+thema | siehe\s+auch
        | lea\s+(?:también|además) | leer\s+más | ver\s+también | le\s+puede\s+interesar
        | leggi\s+anche | ler\s+também
        | [اإ]قر[أا]\s+(?:[أا]يض[اً]+|المزيد) | طالع\s+[أا]يض[اً]+ | شاهد\s+[أا]يض[اً]+
        | 相关(?:阅读|新闻|报道) | 延伸阅读 | 推荐阅读 | 另见
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# "Click here to read ..." calls to action.
_CLICK_HERE = re.compile(
    r"cliqu(?:ez|er)[\s-]+(?:ici|sur)|click\s+here|klicken\s+sie\s+hier|hier\s+klicken"
    r"|(?:haga|haz|pulse)\s+clic\s+aqu[ií]|clicca\s+qui|(?:اضغط|إضغط|انقر)\s+(?:هنا|على\s+الرابط)|点击(?:这里|此处)",
    re.IGNORECASE,
)

# News agencies commonly credited on a line of their own.
_AGENCIES = frozenset(
    name.casefold()
    for name in (
        "AFP", "AP", "APS", "MAP", "Reuters", "dpa", "EFE", "ANSA", "Xinhua", "TASS", "WAM", "SPA",
        "QNA", "KUNA", "SANA", "MENA", "TAP", "Anadolu", "Belga", "Agencies", "Agences",
        "رويترز", "وام", "واس", "قنا", "كونا", "سانا", "وكالات", "الأناضول",
        "新华社", "法新社", "路透社", "美联社",
    )
)

# A byline introduced by its usual word: "Par Karim B.", "By Jane Doe", "بقلم ...".
_BYLINE_LEAD = re.compile(r"^(?:par|by|von|por|di|بقلم)\s", re.IGNORECASE)

_URL_OR_FILE = re.compile(
    r"^(?:https?://\S+|www\.\S+|\S+@\S+\.\w+|[\w.-]+\.(?:jpe?g|png|gif|webp|svg|bmp|tiff?|pdf|docx?|mp[34]|html?|php|aspx?))$",
    re.IGNORECASE,
)

# A list line (link, caption, label) has at most this many words; article
# paragraphs are longer or end a sentence.
MAX_LIST_LINE_WORDS = 20
# Shortest run of list lines after the article that is taken for a link list.
MIN_TAIL_RUN = 3
# A label (section name, category) has at most this many words.
MAX_LABEL_WORDS = 2
# The first paragraph of the article proper: a sentence at least this long.
MIN_BODY_WORDS = 8


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends with sentence punctuation (possibly inside quotes)."""
    stripped = text.rstrip().rstrip(_CLOSERS).rstrip()
    return bool(stripped) and stripped[-1] in _SENTENCE_END


_CJK = re.compile("[\u3040-\u9fff\uf900-\ufaff\u3400-\u4dbf]")


def _is_cjk(char: str) -> bool:
    return "\u3040" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\u3400" <= char <= "\u4dbf"


def _letters(text: str) -> int:
    return sum(1 for char in text if char.isalpha())


def _tokens(text: str) -> list[str]:
    """Words without the punctuation around them."""
    stripped = (token.strip("()[]{}-–—|,;:·•*«»\"'") for token in re.split(r"[\s/]+", text))
    return [token for token in stripped if token]


def _is_identifier(token: str) -> bool:
    """Image ids, hashes, numeric file names: long tokens that are mostly not letters."""
    return len(token) >= 8 and _letters(token) < len(token) / 2


def _is_name(token: str) -> bool:
    """Capitalised, or in a script without case (Arabic, Chinese)."""
    first = token[0]
    return first.isupper() or (first.isalpha() and not first.islower())


def _is_byline(text: str, tokens: list[str]) -> bool:
    if ends_sentence(text):
        return False
    if _BYLINE_LEAD.match(text):
        # "Par Karim Benali", but not a headline such as "By 2030, ..." or "Par ailleurs ...".
        return len(tokens) <= 5 and all(_is_name(token) for token in tokens[1:])
    # Initials ("أ ش أ", "ac"), agency names, or one or two acronyms ("APS", "AFP/MAP")
    # standing alone; three capitalised words are more likely a shouted headline.
    return len(tokens) <= 4 and all(
        (_letters(token) <= 2 and not any(_is_cjk(char) for char in token))
        or token.casefold() in _AGENCIES
        or (len(tokens) <= 2 and token.isupper() and token.isalpha() and len(token) <= 5)
        for token in tokens
    )


def _is_low_letter(text: str, tokens: list[str]) -> bool:
    """Separators, page numbers, hashes: short lines that are mostly not letters."""
    if len(tokens) > 6:
        return False
    visible = sum(1 for char in text if not char.isspace())
    return _letters(text) < 0.3 * visible


def classify_unit(text: str) -> str | None:
    """Why this unit, seen alone, is furniture; None if it may be content."""
    tokens = _tokens(text)
    if not tokens:
        return "punctuation"
    if _RELATED_LINK.match(text) and len(tokens) <= 30:
        return "related-link"
    if _CLICK_HERE.search(text) and len(tokens) <= 25:
        return "click-here"
    if all(_URL_OR_FILE.match(word) or _is_identifier(word) for word in text.split()):
        return "file-name-or-url"
    if text.lstrip().startswith(("©", "(c)", "(C)")) and len(tokens) <= 12:
        return "credit"
    if _is_byline(text, tokens):
        return "byline"
    if _is_low_letter(text, tokens):
        return "low-letter"
    return None


def _word_count(text: str) -> int:
    """Words, counting about two characters as one word in scripts written without spaces."""
    if not _CJK.search(text):
        return len(text.split())
    count = 0
    for token in text.split():
        cjk = sum(1 for char in token if _is_cjk(char))
        count += 1 + cjk // 2 if cjk else 1
    return count


def _is_list_line(text: str) -> bool:
    """Short and unpunctuated: a link, a caption or a label rather than prose.

    A line ending with a colon announces what follows, so it is prose.
    """
    stripped = text.rstrip()
    return _word_count(stripped) <= MAX_LIST_LINE_WORDS and not ends_sentence(stripped) and not stripped.endswith(":")


def _is_label(text: str) -> bool:
    return _word_count(text) <= MAX_LABEL_WORDS and not ends_sentence(text)


def _is_body_paragraph(text: str) -> bool:
    words = _word_count(text)
    return words > MAX_LIST_LINE_WORDS or (words >= MIN_BODY_WORDS and ends_sentence(text))


def find_furniture(units: Sequence[str]) -> list[str | None]:
    """For each unit, in document order, the reason it is furniture, or None for content."""
    reasons: list[str | None] = [classify_unit(unit) for unit in units]
    _mark_repeated_labels(units, reasons)
    _mark_head_labels(units, reasons)
    _mark_tail_list(units, reasons)
    return reasons


def _normalised(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _mark_repeated_labels(units: Sequence[str], reasons: list[str | None]) -> None:
    """Short unpunctuated lines that occur more than once: section names, "Advertisement"."""
    counts = Counter(_normalised(unit) for unit in units if _is_label(unit))
    for index, unit in enumerate(units):
        if index > 0 and reasons[index] is None and _is_label(unit) and counts[_normalised(unit)] > 1:
            reasons[index] = "repeated-label"


def _mark_head_labels(units: Sequence[str], reasons: list[str | None]) -> None:
    """One- or two-word lines above the article, other than its headline, are labels."""
    head_end = next((i for i, unit in enumerate(units) if _is_body_paragraph(unit)), len(units))
    candidates = [i for i in range(head_end) if reasons[i] is None]
    headline = next((i for i in candidates if not _is_label(units[i])), candidates[0] if candidates else None)
    for index in candidates:
        if index != headline and _is_label(units[index]):
            reasons[index] = "section-label"


def _mark_tail_list(units: Sequence[str], reasons: list[str | None]) -> None:
    """A run of list lines after the article's last paragraph: "Trending", "Most read", captions.

    Only when a finished paragraph precedes the run, so that a document made of
    short lines throughout is left alone; and only for a run of three lines, of
    two where one is already known furniture, or of labels ("Trending Plus"), so
    that an article whose last sentences lack their full stop keeps them.
    """
    start = len(units)
    while start > 0 and (reasons[start - 1] is not None or _is_list_line(units[start - 1])):
        start -= 1
    run = range(start, len(units))
    undecided = [i for i in run if reasons[i] is None]
    long_enough = (
        len(run) >= MIN_TAIL_RUN
        or (len(run) >= 2 and len(undecided) < len(run))
        or all(_is_label(units[i]) for i in run)
    )
    if start == 0 or not ends_sentence(units[start - 1]) or not long_enough or not undecided:
        return
    for index in undecided:
        reasons[index] = "tail-list"
