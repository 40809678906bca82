"""Language identification, offline, with py3langid.

py3langid (a numpy port of langid.py, 97 languages) gets every ntrex-dev document
right in ar, de, en, es, fr and zh and loads in about a second, so a heavier
detector buys nothing here (scripts/bench_language.py measures it).
"""

from __future__ import annotations

import functools
import logging

from align.errors import InputError

logger = logging.getLogger(__name__)

# Enough text to be sure of the language; reading a whole book would only cost time.
MAX_DETECTION_CHARS = 20_000


@functools.cache
def _identifier():
    """Load the model on first use only, and only once: it takes about a second."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    logger.debug("loading the py3langid model")
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language_with_confidence(text: str) -> tuple[str, float]:
    """ISO 639-1 code of ``text`` and the model's probability for it."""
    sample = text[:MAX_DETECTION_CHARS]
    if not any(char.isalpha() for char in sample):
        raise InputError("cannot tell the language of a text with no letters; give it with --src-lang/--tgt-lang")
    code, probability = _identifier().classify(sample)
    return code, float(probability)


def detect_language(text: str) -> str:
    """ISO 639-1 code of the language ``text`` is written in."""
    code, probability = detect_language_with_confidence(text)
    logger.debug("detected language %s (p=%.3f)", code, probability)
    return code
