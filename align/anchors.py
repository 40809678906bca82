"""Symbolic anchors between sentences: the numbers, dates and names two sentences share.

Embeddings blur exact values and proper names, which are the cheapest and
surest evidence that two sentences say the same thing.  A shared value is
strong when it is rare in both documents ("8603" once a side) and weak when
it is everywhere (a year the whole report is about), so each shared key
weighs ``1 / max(df_source, df_target)``: a value unique to one sentence a
side is worth 1.  Extraction is :mod:`align.atoms`'s, so the aligner and
the one-sided facts agree on what a number or a name is.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from align.atoms import find_dates, find_names, find_numbers, word_skeletons
from align.segment import sentence_texts
from align.types import Document

MIN_NAME_SKELETON = 3  # shorter consonant skeletons ("tj", "hr") match by chance
# A key found in more sentences than this on either side ("un", a year the report is
# about) says little about which pair belongs together, and pairing all of its
# occurrences would grow quadratically with document length.
MAX_KEY_SPREAD = 5


def _mostly_caseless(text: str) -> bool:
    """Whether most letters belong to a script without capitals (Arabic, Chinese...)."""
    letters = list(filter(str.isalpha, text))
    cased = sum(map(str.isupper, letters)) + sum(map(str.islower, letters))
    return (len(letters) - cased) * 2 > len(letters)


def sentence_keys(text: str, lang: str | None = None) -> frozenset[str]:
    """Everything comparable across languages that a sentence states: values, months, name skeletons.

    Values written in digits only: spelled small numbers and ordinals ("un", "deux",
    "الثانية") are in most sentences and tie an orphan to whatever is next to it.

    Without capitals nothing marks a name, so in such a script every word's
    skeleton is a candidate: it only counts if the other side has it as a name.
    Month and weekday names are read in ``lang`` (see :func:`align.atoms.find_dates`).
    """
    if _mostly_caseless(text):
        names = {key for key in word_skeletons(text, every_reading=False) if len(key) >= MIN_NAME_SKELETON}
    else:
        names = {key for atom in find_names(text) for key in atom.keys if len(key) >= MIN_NAME_SKELETON}
    dates = {key for atom in find_dates(text, lang) for key in atom.keys}
    numbers = {key for atom in find_numbers(text) for key in atom.keys}
    return frozenset(numbers | dates | {f"name:{key}" for key in names})


def document_keys(doc: Document) -> list[frozenset[str]]:
    """Every sentence's :func:`sentence_keys`: all the aligner needs of what a segmented document states."""
    return [sentence_keys(text, doc.lang) for text in sentence_texts(doc)]


def shared_anchors(src_keys: Sequence[frozenset[str]], tgt_keys: Sequence[frozenset[str]]) -> dict[tuple[int, int], float]:
    """``{(i, j): strength}`` for sentence pairs sharing keys (:func:`sentence_keys`), each key weighted by its rarity."""
    src_df = Counter(k for keys in src_keys for k in keys)
    tgt_df = Counter(k for keys in tgt_keys for k in keys)
    where_tgt: dict[str, list[int]] = defaultdict(list)
    for j, keys in enumerate(tgt_keys):
        for key in keys:
            where_tgt[key].append(j)
    strength: dict[tuple[int, int], float] = defaultdict(float)
    for i, keys in enumerate(src_keys):
        for key in keys:
            if max(src_df[key], tgt_df[key]) > MAX_KEY_SPREAD:
                continue
            for j in where_tgt.get(key, ()):
                strength[(i, j)] += 1.0 / max(src_df[key], tgt_df[key])
    return dict(strength)
