"""Matching decisions on synthetic embeddings whose truth is known by construction."""

from __future__ import annotations

import random

import numpy as np

from align.match import (
    MATCH_THRESHOLD,
    Match,
    Side,
    background,
    could_match,
    document_vector,
    orient,
    resolve_one_to_one,
    score_alignment,
)
from align.types import Bead

DIM = 64


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=-1, keepdims=True)).astype(np.float32)


def report(rng: np.random.Generator, n: int) -> np.ndarray:
    """Sentences on one topic: a shared component plus a sentence-specific one."""
    topic = rng.normal(size=DIM)
    return unit(topic * 0.5 + rng.normal(size=(n, DIM)))


def translation(rng: np.random.Generator, source: np.ndarray, noise: float = 0.8) -> np.ndarray:
    """Same meaning, other wording: cosine to the source around 0.8."""
    return unit(source + noise * rng.normal(size=source.shape) / np.sqrt(DIM))


def side(vectors: np.ndarray, pool: np.ndarray) -> Side:
    return Side(vectors, np.full(len(vectors), 80.0), background(vectors, pool))


def diagonal(n: int, vectors_a: np.ndarray, vectors_b: np.ndarray) -> list[Bead]:
    return [Bead((i,), (i,), float(vectors_a[i] @ vectors_b[i])) for i in range(n)]


def test_translation_scores_high_and_unrelated_report_low():
    rng = np.random.default_rng(1)
    source = report(rng, 12)
    target = translation(rng, source)
    others = [report(rng, 12) for _ in range(6)]
    unrelated = others[0]
    pool_for_source = np.concatenate([target, *others])  # the source's neighbourhood in the other language
    pool_for_target = np.concatenate([source, *[report(rng, 12) for _ in range(6)]])

    s, t = side(source, pool_for_source), side(target, pool_for_target)
    true_score = score_alignment(diagonal(12, source, target), s, t)
    assert true_score.score >= MATCH_THRESHOLD
    assert could_match(s, t)

    u = side(unrelated, pool_for_target)
    false_score = score_alignment(diagonal(12, source, unrelated), s, u)
    assert false_score.score < MATCH_THRESHOLD


def test_abridged_version_is_scored_by_its_own_coverage():
    """A short version wholly translated inside a long one still matches."""
    rng = np.random.default_rng(2)
    long_report = report(rng, 20)
    short = translation(rng, long_report[:7])
    pools = [np.concatenate([x, *[report(rng, 10) for _ in range(5)]]) for x in (short, long_report)]
    beads = [Bead((i,), (i,) if i < 7 else (), 0.0) for i in range(20)]
    score = score_alignment(beads, side(long_report, pools[0]), side(short, pools[1]))
    assert score.target_coverage > 0.9
    assert score.source_coverage < 0.5
    assert score.score == score.target_coverage


def test_one_shared_sentence_is_not_a_shared_story():
    rng = np.random.default_rng(3)
    a = report(rng, 10)
    b = report(rng, 10)
    b[4] = translation(rng, a[4:5])[0]
    pools = [np.concatenate([x, *[report(rng, 10) for _ in range(5)]]) for x in (b, a)]
    beads = [Bead((i,), (i,), float(a[i] @ b[i])) for i in range(10)]
    assert score_alignment(beads, side(a, pools[0]), side(b, pools[1])).score == 0.0


def test_document_vector_is_unit_and_depends_on_order():
    rng = np.random.default_rng(4)
    vectors = report(rng, 9)
    forward, backward = document_vector(vectors), document_vector(vectors[::-1])
    assert np.isclose(np.linalg.norm(forward), 1.0, atol=1e-5)
    assert not np.allclose(forward, backward)


LANGS = {1: "ar", 2: "fr", 3: "en", 4: "fr", 5: "ar", 6: "fr"}


def test_one_to_one_per_language_pair_and_three_languages_give_three_pairs():
    scored = [
        Match(1, 2, 0.9),  # ar-fr
        Match(1, 4, 0.8),  # ar-fr again: loses to 1-2
        Match(5, 4, 0.7),  # ar-fr: 4 is still free, 5 too
        Match(1, 3, 0.85),  # ar-en
        Match(2, 3, 0.75),  # fr-en
        Match(6, 3, 0.74),  # fr-en: 3 already has its French partner
        Match(2, 4, 0.99),  # same language: never a match
    ]
    chosen = {(m.source, m.target) for m in resolve_one_to_one(scored, LANGS)}
    assert chosen == {(1, 2), (5, 4), (1, 3), (2, 3)}


def test_below_threshold_stays_unmatched_and_order_does_not_matter():
    scored = [Match(1, 2, MATCH_THRESHOLD - 0.01), Match(5, 6, 0.6), Match(5, 2, 0.6), Match(1, 6, 0.6)]
    first = resolve_one_to_one(scored, LANGS)
    assert all(m.score >= MATCH_THRESHOLD for m in first)
    for seed in range(5):
        shuffled = scored[:]
        random.Random(seed).shuffle(shuffled)
        assert resolve_one_to_one(shuffled, LANGS) == first


def test_orient_is_independent_of_argument_order():
    assert orient(7, "fr", 3, "ar") == orient(3, "ar", 7, "fr") == (3, 7)
