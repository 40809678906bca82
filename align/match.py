"""Which reports tell the same story: document vectors, pair scores, one-to-one matches.

Pure functions over sentence embeddings; the batch driver (align.batch) feeds them and
the store (align.store) keeps what they return.

How a pair is judged:

1. **Candidates.** A report's *document vector* is the mean of its sentence vectors,
   weighted towards the beginning (headline and lede are what every version of a story
   keeps, and the weighting makes the vector depend on sentence order). The nearest
   document vectors in each other language are the candidates.
2. **Rescoring.** The candidate pair is sentence-aligned (align.sentalign) and each
   bead's cosine is divided by how close its sentences are, on average, to their
   nearest neighbours among the candidate reports of the other language (ratio margin,
   Artetxe & Schwenk 2019). A bead with margin >= ``MARGIN_MIN`` is a translated bead:
   it stands out from sentences on the same topic, not just from noise.
3. **Score.** The pair score is the share of characters covered by translated beads,
   on the better-covered side: an abridged version of a story is wholly contained in
   the full one, so the shorter report's coverage is what shows the match.
4. **Decision.** Pairs scoring >= ``MATCH_THRESHOLD`` (most of one report is
   translated in the other, in order) are matched greedily best-first, one-to-one per
   language pair. A report without a counterpart stays unmatched.

Same-language pairs are never candidates: two reports in one language are not
translations of each other (two French accounts of different Algeria-Mali meetings
share names and vocabulary but not sentences), and near-duplicate detection within a
language is a different question.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from align.sentalign import group_units
from align.types import Bead
from embeddings.margin import knn_mean, ratio_margin

log = logging.getLogger(__name__)

# Standard ratio-margin cut for mined bitext; measured on NTREX (6 languages) it keeps
# > 60% of every true pair's characters and < 50% of any false candidate's.
MARGIN_MIN = 1.1
# Neighbours averaged for a sentence's background similarity (the margin denominator).
BACKGROUND_K = 4
# "Most of one report is translated in the other."
MATCH_THRESHOLD = 0.5
# A single shared sentence (a quoted statement, a dateline) is not a shared story.
MIN_TRANSLATED_BEADS = 2
# Candidate reports per other language; also the reports that form the margin background.
CANDIDATES = 8
# A sentence merged with one neighbour into a 2-1 bead can reach sqrt(2) times its own
# cosine, so a sentence whose best single margin is below MARGIN_MIN / sqrt(2) cannot be
# part of a translated bead of up to two sentences a side (the usual case).
PREFILTER_MARGIN = MARGIN_MIN / np.sqrt(2)
# Weight of sentence i is 1 / (1 + i / LEDE_SPAN): the first sentences count most.
LEDE_SPAN = 10.0


@dataclass(frozen=True)
class PairScore:
    """How much of two reports is translated, and the alignment that shows it."""

    score: float
    source_coverage: float
    target_coverage: float
    translated_beads: int
    beads: tuple[Bead, ...]


UNALIGNED = PairScore(0.0, 0.0, 0.0, 0, ())  # a pair the prefilter ruled out


@dataclass(frozen=True)
class Match:
    """A scored pair of reports (by key) in two different languages."""

    source: int
    target: int
    score: float


def document_vector(sentence_vectors: np.ndarray) -> np.ndarray:
    """Unit vector of the lede-weighted mean of a report's sentence vectors."""
    if len(sentence_vectors) == 0:
        raise ValueError("a report without sentences has no document vector")
    weights = 1.0 / (1.0 + np.arange(len(sentence_vectors)) / LEDE_SPAN)
    mean = (weights[:, None] * sentence_vectors).sum(axis=0)
    return (mean / max(float(np.linalg.norm(mean)), np.finfo(np.float32).tiny)).astype(np.float32)


@dataclass(frozen=True)
class Background:
    """What a report's margins are measured against in one other language.

    ``pool``: sentence vectors of the reports nearest to this one in that language (its
    candidates); ``sentences``: each of the report's sentences' mean cosine to its
    ``BACKGROUND_K`` nearest sentences in the pool.
    """

    pool: np.ndarray
    sentences: np.ndarray


def background(vectors: np.ndarray, pool: np.ndarray) -> Background:
    """The margin background of a report's sentences against a pool of the other language."""
    return Background(pool, knn_mean(vectors, pool, BACKGROUND_K))


@dataclass(frozen=True)
class Side:
    """One report of a pair as scoring sees it (background: in the other report's language)."""

    vectors: np.ndarray
    lengths: np.ndarray
    background: Background


def could_match(source: Side, target: Side) -> bool:
    """Cheap test before the sentence alignment: could enough of either side be translated?

    Counts the characters of sentences with some partner above ``PREFILTER_MARGIN``; a
    pair where neither side reaches ``MATCH_THRESHOLD`` that way is not worth aligning.
    """
    margins = ratio_margin(source.vectors @ target.vectors.T, source.background.sentences, target.background.sentences)
    return max(_share(source.lengths, margins.max(axis=1)), _share(target.lengths, margins.max(axis=0))) >= MATCH_THRESHOLD


def _share(lengths: np.ndarray, best_margins: np.ndarray) -> float:
    return float(lengths[best_margins >= PREFILTER_MARGIN].sum()) / max(float(lengths.sum()), 1.0)


def bead_margins(beads: Sequence[Bead], source: Side, target: Side) -> np.ndarray:
    """Ratio margin of each bead (0 for one-sided beads).

    A bead of several sentences is judged as the unit the aligner scored, the sum of its
    sentence vectors, against that unit's own background: a sum of sentences is close
    to more things than one sentence is, and must stand out all the same.
    """
    margins = np.zeros(len(beads), dtype=np.float32)
    both = [n for n, bead in enumerate(beads) if bead.source and bead.target]
    if not both:
        return margins
    source_units = group_units([beads[n].source for n in both], source.vectors)
    target_units = group_units([beads[n].target for n in both], target.vectors)
    margins[both] = ratio_margin(
        np.einsum("ij,ij->i", source_units, target_units),
        knn_mean(source_units, source.background.pool, BACKGROUND_K),
        knn_mean(target_units, target.background.pool, BACKGROUND_K),
    )
    return margins


def score_alignment(beads: Sequence[Bead], source: Side, target: Side) -> PairScore:
    """Share of each side's characters in translated beads; the better side is the score."""
    margins = bead_margins(beads, source, target)
    translated = [bead for bead, margin in zip(beads, margins) if margin >= MARGIN_MIN]
    source_coverage = _covered(translated, "source", source.lengths)
    target_coverage = _covered(translated, "target", target.lengths)
    score = max(source_coverage, target_coverage) if len(translated) >= MIN_TRANSLATED_BEADS else 0.0
    return PairScore(round(score, 4), round(source_coverage, 4), round(target_coverage, 4), len(translated), tuple(beads))


def _covered(beads: Iterable[Bead], side: str, lengths: np.ndarray) -> float:
    total = float(lengths.sum())
    if total <= 0:
        return 0.0
    return float(sum(lengths[list(getattr(bead, side))].sum() for bead in beads)) / total


def resolve_one_to_one(
    scored: Iterable[Match], languages: Mapping[int, str], threshold: float = MATCH_THRESHOLD
) -> list[Match]:
    """Best-first greedy matching, one partner per report and other language.

    A report in ar, fr and en can hold one ar-fr, one ar-en and one fr-en match. Ties
    break on the keys, so the result does not depend on the order pairs were scored in.
    """
    taken: set[tuple[int, str]] = set()
    chosen: list[Match] = []
    for match in sorted(scored, key=lambda m: (-m.score, min(m.source, m.target), max(m.source, m.target))):
        if match.score < threshold:
            break
        source_lang, target_lang = languages[match.source], languages[match.target]
        if source_lang == target_lang:
            continue
        if (match.source, target_lang) in taken or (match.target, source_lang) in taken:
            continue
        taken.update({(match.source, target_lang), (match.target, source_lang)})
        chosen.append(match)
    log.debug("resolved %d matches", len(chosen))
    return chosen


def orient(key_a: int, lang_a: str, key_b: int, lang_b: str) -> tuple[int, int]:
    """The (source, target) order of a pair: by language code, so it never depends on arrival."""
    return (key_a, key_b) if (lang_a, key_a) <= (lang_b, key_b) else (key_b, key_a)
