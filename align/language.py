"""Language identification, offline, with py3langid.

py3langid (a numpy port of langid.py) gets every ntrex-dev document right in ar,
de, en, es, fr and zh and loads in about a second, so a heavier detector buys
nothing here (scripts/bench_language.py measures it).

Its model also tells apart regional varieties with no ISO 639-1 code (Egyptian
Arabic, Wu Chinese...); the rest of the tool, and the user, want the ISO 639-1
language, so varieties count towards their macrolanguage and labels with no
two-letter code at all (Extremaduran, Nigerian Pidgin, "no language") are left
out: a short Spanish headline should come back "es", not "ext".
"""

from __future__ import annotations

import functools
import logging
from collections import defaultdict

from align.errors import InputError

logger = logging.getLogger(__name__)

# Enough text to be sure of the language; reading a whole book would only cost time.
MAX_DETECTION_CHARS = 20_000

# Varieties the model tells apart, and the ISO 639-1 language they belong to.
_MACROLANGUAGE = {"ary": "ar", "arz": "ar", "wuu": "zh", "yue": "zh", "uzs": "uz", "sdh": "ku"}


@functools.cache
def _identifier():
    """Load the model on first use only, and only once: it takes about a second."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    logger.debug("loading the py3langid model")
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(sorted({code for code in identifier.nb_classes if len(code) == 2 or code in _MACROLANGUAGE}))
    return identifier


def detect_language_with_confidence(text: str) -> tuple[str, float]:
    """ISO 639-1 code of ``text`` and the model's probability for it (varieties summed)."""
    sample = text[:MAX_DETECTION_CHARS]
    if not any(char.isalpha() for char in sample):
        raise InputError("cannot tell the language of a text with no letters; give it (--src-lang/--tgt-lang, or lang=)")
    totals: dict[str, float] = defaultdict(float)
    for code, probability in _identifier().rank(sample):
        totals[_MACROLANGUAGE.get(code, code)] += float(probability)
    return max(totals.items(), key=lambda item: item[1])


def detect_language(text: str) -> str:
    """ISO 639-1 code of the language ``text`` is written in."""
    code, probability = detect_language_with_confidence(text)
    logger.debug("detected language %s (p=%.3f)", code, probability)
    return code


def base_language(code: str) -> str:
    """The ISO 639-1 code a user's language tag stands for: ``fr-CA``, ``FR`` and ``fr_FR`` are ``fr``.

    Segmentation rules, the model's language list and the German name rule all
    know languages, not regions or spellings of the tag.
    """
    return code.strip().lower().replace("_", "-").split("-")[0]
