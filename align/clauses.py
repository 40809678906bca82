"""Split a sentence into clause-like pieces with character offsets.

The pieces are what the clause-level comparison embeds, so they must be long
enough to embed meaningfully: cuts go at punctuation (Latin, Arabic "،" "؛",
CJK "，；") and before conjunctions or relative pronouns of several languages,
then pieces shorter than a few words are glued to a neighbour.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from align.atoms import HAN, KANA, MARKS, chinese_segmenter

# Words that usually open a new clause. Deliberately general: a wrong cut only
# makes two pieces that the merge step or the comparison treats together.
_CLAUSE_OPENERS = {
    # English
    "and", "but", "or", "which", "who", "whom", "whose", "while", "whereas", "because", "although",
    "though", "after", "before", "when", "where", "if", "since", "unless", "until",
    # French
    "et", "mais", "ou", "qui", "que", "qu", "dont", "où", "car", "tandis", "lorsque", "lorsqu", "puisque", "puisqu",
    "parce", "afin", "alors", "avant", "après", "si", "quand", "bien",
    # German; not "als": German puts a comma before every subordinate clause, so an "als"
    # without one is "as" or "than" ("sich als entscheidend erweisen", "als Ersatz für").
    "und", "aber", "oder", "denn", "weil", "dass", "daß", "wenn", "während", "obwohl",
    "nachdem", "welche", "welcher", "welches", "bevor", "sondern",
    # Spanish
    "y", "pero", "o", "ni", "sino", "quien", "quienes", "donde", "cuando", "porque", "aunque", "mientras", "cual",
    "cuyo", "cuya", "cuyos", "cuyas",
    # Italian and Portuguese
    "e", "ma", "oppure", "che", "cui", "dove", "quando", "perché", "poiché", "sebbene", "benché", "mentre", "affinché",
    "mas", "quem", "onde", "embora", "enquanto", "cujo", "cuja", "cujos", "cujas", "pois",
    # Dutch; not "en", "of", "die", "wie", "want": words of French, English and German too
    "maar", "dat", "waar", "wanneer", "omdat", "hoewel", "terwijl", "welke",
    # Polish, Russian, Turkish
    "ale", "lub", "albo", "który", "która", "które", "którzy", "gdzie", "kiedy", "ponieważ", "chociaż", "że", "gdy",
    "и", "но", "или", "который", "которая", "которое", "которые", "где", "когда", "потому", "хотя", "что", "чтобы",
    "ve", "ama", "fakat", "ancak", "çünkü",
    # Arabic (standalone words; the conjunction و is a prefix and handled below)
    "الذي", "التي", "الذين", "اللذين", "اللتين", "اللواتي", "حيث", "لكن", "لكنّ", "لأن", "بينما",
    "عندما", "حين", "حتى", "كما", "إذ", "إذا", "بعد", "قبل", "بل", "أو", "ثم", "و",
}
# Prepositions, articles and pronouns that govern the relative or conjunction after them.
_CLAUSE_LEADS = {
    "in", "of", "to", "from", "with", "for", "on", "at", "by", "through", "even", "so",
    "de", "à", "en", "dans", "sur", "pour", "par", "avec", "sans", "vers", "chez", "dès", "depuis", "pendant",
    "ce", "celui", "celle", "ceux", "celles", "le", "la", "les", "du", "des", "au", "aux",
    "a", "con", "por", "para", "sin", "hasta", "desde", "entre", "sobre", "tras", "antes", "después", "ya", "así",
    "lo", "el", "los", "las", "del", "al", "pesar",
    "ohne", "auch",
    "per", "di", "su", "da", "tra", "fra", "em", "com",
}
# A word ending in a hyphen is half of a compound whose other half follows a conjunction:
# "Mode- und Haushaltswarenumsätze", "Brust-, Eierstock- und Darmkrebs"; no clause starts there.
_COMPOUND_HALF = re.compile(r"[^\W\d_]-,?\s+$")
# A comma or colon between digits is inside a number or a time ("1,000", "11:15"), not a cut.
# The lookahead names every character a cut can start with: without it re tries all
# the branches at every position, which took a third of the time spent splitting.
_PUNCT_CUT = re.compile(r"(?=[\s,:;،؛，；：、()\[\]])(?:(?:(?<!\d)[,:]|[,:](?!\d)|[;،؛，；：、])\s*|\s+[—–-]\s+|\s*[(\[]|[)\]]\s*)")
# A run of Han characters is cut into words by a dictionary (see _words_in); a kana is a word of its own.
# A word of a spaced script holds its combining marks: "جدًا" (very) is one word, not "جد" and "ا".
_WORD = re.compile(
    rf"[{HAN}]+|[{KANA}]|[^\W\d_](?:[^\W{KANA}{HAN}]|[{MARKS}])*|\d[\d.,]*"
)
_HAN = re.compile(f"[{HAN}]")
# Arabic verbs of saying and linking words glued to و/ف open new clauses ("وقال", "وأضاف", "فإن").
_ARABIC_OPENER_PREFIX = re.compile(r"^[وف](?:قال|أضاف|أكد|أشار|إن|أن|لكن|هو|هي|تم|كان|كانت|ذلك|لذلك)")

# A Han character says about as much as three Latin letters: with this weight the spread of
# the length ratios of NTREX's translated lines between Chinese and ar/fr/en/de/es (std of
# the log ratio) is smallest, .242 -> .206 for zh-en (2: .210; 4: .206; bytes: .208).
HAN_WEIGHT = 3

# Three words carry a clause ("a-t-il ajouté", "selon la police"); with four, such tails
# merged into the clause before them and their loss went unseen (bench_omissions clause recall).
MIN_WORDS = 3


def split_clauses(text: str, min_words: int = MIN_WORDS) -> list[tuple[int, int]]:
    """Clause spans ``(start, end)`` covering the non-blank text, in order.

    Pieces of fewer than ``min_words`` words are merged with the previous piece
    (or the next, at the start) so that none is too short to embed.
    """
    cuts = {0, len(text)}
    for match in _PUNCT_CUT.finditer(text):
        # An opening bracket starts the next piece, whether or not a space comes before it.
        if match.group()[-1] in "([":
            cuts.add(match.end() - 1)
        elif not _after_compound_half(text, match.end()):
            cuts.add(match.end())
    words = list(_WORD.finditer(text))
    for k, match in enumerate(words):
        if _opens_clause(match.group()) and not _after_compound_half(text, match.start()):
            cuts.add(words[_clause_start(text, words, k)].start())
    bounds = sorted(cuts)
    pieces = [(a, b) for a, b in itertools.pairwise(bounds) if text[a:b].strip()]
    return [_trim(text, a, b) for a, b in _merge_short(text, pieces, min_words)]


def _after_compound_half(text: str, at: int) -> bool:
    """Whether the text before ``at`` ends with half a compound (see _COMPOUND_HALF)."""
    start = max(0, at - 8)
    return "-" in text[start:at] and bool(_COMPOUND_HALF.search(text, start, at))


def _clause_start(text: str, words: list[re.Match[str]], k: int) -> int:
    """The first word of the clause that word k opens: the prepositions, articles and
    conjunctions right before it belong to it ("de que", "a quien", "en la que", "ce qui",
    "in which"), else "El hecho de" and "y la forma en" were pieces of their own."""
    while k > 0 and text[words[k - 1].end():words[k].start()].isspace() and _leads_clause(words[k - 1].group()):
        k -= 1
    return k


@lru_cache(maxsize=1 << 16)
def _leads_clause(word: str) -> bool:
    """Whether a word before a clause opener belongs to that clause (see _clause_start)."""
    return word.lower() in _CLAUSE_LEADS or _opens_clause(word)


@lru_cache(maxsize=1 << 16)
def _opens_clause(word: str) -> bool:
    """Whether a word opens a clause. Cached: every word of every sentence is looked up."""
    return word.lower().rstrip("'’") in _CLAUSE_OPENERS or bool(_ARABIC_OPENER_PREFIX.match(word))


def word_count(text: str) -> int:
    """Words of any script; Chinese words as a dictionary cuts them, a kana counts as one."""
    return sum(len(_words_in(word)) for word in _WORD.findall(text))


def text_length(text: str) -> int:
    """How long a text is across scripts, in characters, a Han character counting HAN_WEIGHT.

    Length ratios between versions are the evidence that one says more; plain
    characters make a Chinese sentence that quotes a Latin name look long.
    """
    return len(text) + (HAN_WEIGHT - 1) * len(_HAN.findall(text))


def word_spans(text: str) -> list[tuple[int, int]]:
    """Where the words of :func:`word_count` are."""
    return [(match.start() + a, match.start() + b) for match in _WORD.finditer(text) for a, b in _words_in(match.group())]


@lru_cache(maxsize=1 << 16)
def _words_in(match: str) -> tuple[tuple[int, int], ...]:
    """The word spans inside one match of _WORD: the match itself, or the words of a run of Han characters.

    Chinese writes no spaces, and a character is a syllable, not a word: counted one
    a word, "她已经" (she already) made a three-word clause and a sentence's head or
    tail of three "words" cut "至关重要" to "关重要"; both were flagged as one-sided
    clauses of faithful translations. Cached: the clause splitter counts the words of
    the same pieces again and again.
    """
    if not _HAN.match(match):
        return ((0, len(match)),)
    spans: list[tuple[int, int]] = []
    start = 0
    for word in chinese_segmenter()(match):
        spans.append((start, start + len(word)))
        start += len(word)
    return tuple(spans)


def _merge_short(text: str, pieces: list[tuple[int, int]], min_words: int) -> list[tuple[int, int]]:
    """Pieces merged until each has ``min_words``; the last piece's count is kept, not counted again for the next."""
    merged: list[tuple[int, int]] = []
    last_words = 0  # in merged[-1]
    for start, end in pieces:
        words = word_count(text[start:end])
        if merged and (words < min_words or last_words < min_words):
            merged[-1] = (merged[-1][0], end)
            last_words = word_count(text[slice(*merged[-1])])
        else:
            merged.append((start, end))
            last_words = words
    if len(merged) > 1 and last_words < min_words:
        merged[-2:] = [(merged[-2][0], merged[-1][1])]
    return merged


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
