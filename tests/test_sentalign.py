"""The sentence aligner on synthetic documents of known structure, and the anchors on the seeds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from align.anchors import sentence_keys, shared_anchors
from align.pipeline import load
from align.segment import broken_boundaries, weak_boundaries
from align.sentalign import AlignParams, align_embeddings, anchor_chain
from align.symbols import read_symbols

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
DIM = 64
BAND = AlignParams(full_dp_cells=0)  # always take the banded path
FULL = AlignParams(full_dp_cells=10**9)  # always search the whole grid


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=-1, keepdims=True)).astype(np.float32)


def synthetic(structure: list[tuple[int, int]], seed: int = 0, noise: float = 0.25):
    """Two documents whose true beads have the given shapes.

    Each bead is one random "meaning"; its source sentences split the meaning
    into random parts, so do its target sentences, and every sentence gets a
    little noise. A one-sided bead's sentences mean things of their own and
    have lengths of their own; a two-sided bead's lengths split its length, so
    the length prior agrees with the structure.
    """
    rng = np.random.default_rng(seed)
    src, tgt, src_lens, tgt_lens, gold = [], [], [], [], []

    def parts(meaning: np.ndarray, count: int) -> list[np.ndarray]:
        weights = rng.dirichlet(np.ones(count) * 4)
        basis = rng.normal(size=(count, DIM)) * 0.6
        basis -= basis.mean(axis=0)  # the parts still sum to the meaning
        return [w * meaning * count + b for w, b in zip(weights, basis)]

    for a, b in structure:
        meaning = rng.normal(size=DIM)
        length = rng.integers(40, 200)
        src_ids = tuple(range(len(src), len(src) + a))
        tgt_ids = tuple(range(len(tgt), len(tgt) + b))
        for vec in parts(meaning, a) if a else []:
            src.append(vec + rng.normal(size=DIM) * noise)
            src_lens.append(length / a)
        for vec in (parts(meaning, b) if a else [rng.normal(size=DIM) for _ in range(b)]) if b else []:
            tgt.append(vec + rng.normal(size=DIM) * noise)
            tgt_lens.append(length * 1.1 / b if a else rng.integers(40, 200))
        if not b:
            src[-a:] = [rng.normal(size=DIM) for _ in range(a)]
            src_lens[-a:] = rng.integers(40, 200, a).tolist()
        gold.append((src_ids, tgt_ids))
    return as_matrix(src), as_matrix(tgt), np.array(src_lens), np.array(tgt_lens), gold


def as_matrix(rows: list[np.ndarray]) -> np.ndarray:
    return unit(np.array(rows)) if rows else np.zeros((0, DIM), dtype=np.float32)


def bead_keys(beads) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.source, b.target) for b in beads]


def assert_covers(beads, n: int, m: int) -> None:
    """Every sentence once, in order; one-sided beads hold a single sentence."""
    assert [i for b in beads for i in b.source] == list(range(n))
    assert [j for b in beads for j in b.target] == list(range(m))
    for b in beads:
        assert b.source or b.target
        if not b.source or not b.target:
            assert len(b.source) + len(b.target) == 1


def test_known_shapes_are_recovered():
    structure = [(1, 1), (1, 2), (1, 1), (2, 1), (1, 1), (0, 1), (1, 1), (1, 1), (1, 2), (1, 1), (2, 1), (1, 1)] * 3
    src, tgt, sl, tl, gold = synthetic(structure)
    beads = align_embeddings(src, tgt, sl, tl)
    found = set(bead_keys(beads)) & set(gold)
    assert len(found) >= 0.9 * len(gold)
    for shape in {(1, 2), (2, 1), (0, 1)}:  # every kind of bead is found at least once
        assert any((len(s), len(t)) == shape for s, t in found)


def test_scores_are_cosines():
    src, tgt, sl, tl, _ = synthetic([(1, 1)] * 10)
    beads = align_embeddings(src, tgt, sl, tl)
    for b in beads:
        assert b.score == round(float(src[b.source[0]] @ tgt[b.target[0]]), 4)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 25), st.integers(0, 25), st.integers(0, 2**31 - 1), st.booleans())
def test_beads_cover_every_sentence_once_in_order(n, m, seed, banded):
    rng = np.random.default_rng(seed)
    src, tgt = unit(rng.normal(size=(n, DIM))), unit(rng.normal(size=(m, DIM)))
    beads = align_embeddings(src, tgt, rng.integers(1, 200, n), rng.integers(1, 200, m), params=BAND if banded else FULL)
    assert_covers(beads, n, m)


def test_band_equals_full_search():
    structure = [(1, 1), (2, 1), (1, 1), (1, 2), (0, 1), (1, 1), (1, 0), (1, 1), (2, 2), (1, 1)] * 6
    src, tgt, sl, tl, _ = synthetic(structure, seed=3)
    assert bead_keys(align_embeddings(src, tgt, sl, tl, params=BAND)) == bead_keys(
        align_embeddings(src, tgt, sl, tl, params=FULL)
    )


@pytest.mark.parametrize("seed", range(5, 10))
def test_long_one_sided_block_becomes_single_sentence_beads(seed):
    structure = [(1, 1)] * 30 + [(0, 25)] + [(1, 1)] * 30
    src, tgt, sl, tl, _ = synthetic(structure, seed=seed)
    beads = align_embeddings(src, tgt, sl, tl, params=BAND)
    assert_covers(beads, len(src), len(tgt))
    target_only = {b.target[0] for b in beads if not b.source}
    assert target_only <= set(range(30, 55))
    # A sentence at the block's edge may be absorbed into its neighbour's bead (a known weakness).
    assert len(target_only) >= 20


def test_anchor_chain_ignores_a_spurious_far_match():
    src, tgt, _, _, _ = synthetic([(1, 1)] * 40, seed=7)
    chain = anchor_chain(src, tgt, {(2, 37): 1.0}, knn=4)
    assert (2, 37) not in chain
    assert sum(i == j for i, j in chain) >= 35


def test_anchor_chain_follows_an_offset_diagonal():
    src, tgt, _, _, _ = synthetic([(0, 1)] * 5 + [(1, 1)] * 30, seed=8)
    chain = anchor_chain(src, tgt, {}, knn=4)
    assert chain and all(j == i + 5 for i, j in chain)


def test_numbers_match_across_digit_systems():
    keys = sentence_keys("Le bilan fait état de 1 250 morts en 2019.")
    assert keys & sentence_keys("أسفرت عن ١٢٥٠ قتيلا في عام ٢٠١٩") >= {"n:1250", "n:2019"}


def test_rare_shared_values_outweigh_common_ones():
    src = ["La réunion de 2019 a réuni 37 délégués.", "En 2019 le budget était en hausse.", "En 2019 rien."]
    tgt = ["Das Treffen 2019 brachte 37 Delegierte zusammen.", "2019 stieg das Budget.", "2019 nichts."]
    anchors = shared_anchors([sentence_keys(t) for t in src], [sentence_keys(t) for t in tgt])
    assert anchors[(0, 0)] > anchors[(0, 1)] > 0
    assert anchors[(0, 0)] >= 1.0  # "37" is unique on both sides


def test_seed_reports_share_their_names():
    french = load(SEEDS / "001_b786fb708fc180cb.txt")
    arabic = load(SEEDS / "002_cd5cc42a566c1068.txt")
    unrelated = load(SEEDS / "003_7844b97d80297299.txt")

    def keys(doc):
        return read_symbols(doc).keys

    same_story = shared_anchors(keys(french), keys(arabic))
    assert any(keys_shared >= 1.0 for keys_shared in same_story.values())  # Deramchi, Khaled El Mazen
    assert sum(same_story.values()) > sum(shared_anchors(keys(french), keys(unrelated)).values())


def test_lonely_sentences_facing_each_other_stay_unaligned():
    """A sentence deleted on each side at the same place leaves two unrelated sentences facing each other.

    Pairing them (a 1-1 of unrelated sentences) or gluing them into a
    neighbouring pair (a 2-2) is what the counterpart penalty is there to stop.
    """
    structure = [(1, 1)] * 6 + [(1, 0), (0, 1)] + [(1, 1)] * 6
    lonely = [((6,), ()), ((), (6,))]

    def kept_apart(params: AlignParams) -> int:
        total = 0
        for seed in range(20, 30):
            src, tgt, sl, tl, _ = synthetic(structure, seed=seed)
            beads = set(bead_keys(align_embeddings(src, tgt, sl, tl, params=params)))
            total += sum(b in beads for b in lonely)
        return total

    with_penalty = kept_apart(AlignParams())
    assert with_penalty >= len(lonely) * 10 // 2
    assert with_penalty > kept_apart(AlignParams(unrelated_weight=0.0))


def test_one_sided_fragments_beside_a_pair_stay_unaligned():
    """Three target-only sentences after a pair: glued to it, they would break its length ratio.

    The length prior is paid per sentence a bead covers, as the distance is,
    so gluing them on is rarely cheaper than leaving each one unaligned (when
    the prior was paid once per bead, 17 of these 120 fragments were glued).
    """
    glued = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        meanings = rng.normal(size=(5, DIM))
        src = unit(meanings + rng.normal(size=(5, DIM)) * 0.25)
        pairs = unit(meanings + rng.normal(size=(5, DIM)) * 0.25)
        tgt = np.concatenate([pairs[:3], unit(rng.normal(size=(3, DIM))), pairs[3:]])
        beads = align_embeddings(src, tgt, np.full(5, 100), np.array([110, 110, 110, 60, 60, 60, 110, 110]))
        glued += 3 - sum(not b.source for b in beads)
    assert glued <= 40 * 3 // 20


GERMAN_WITH_COLON = [
    "Die Expedition brach im April von Kathmandu auf.",
    "Nach drei Wochen erreichte sie das Basislager am Fuss des Gletschers.",
    "Das Wetter blieb lange unbeständig und verzögerte den Aufstieg.",
    "Es ist doch sehr bedeutsam:",
    "Wann immer ein neuer Gipfel gemeldet wurde, waren zahlreiche Fachleute bereit, die Messung anzuzweifeln.",
    "Die neue Höhe wurde erst zwei Jahre später bestätigt.",
    "Im Herbst kehrte die Mannschaft vollzählig zurück.",
]
FRENCH_IN_ONE = [
    "L'expédition quitta Katmandou en avril.",
    "Trois semaines plus tard, elle atteignit le camp de base au pied du glacier.",
    "Le temps resta longtemps instable et retarda l'ascension.",
    (
        "Ce qui est très significatif, c'est que chaque fois qu'on annonçait un nouveau sommet, "
        "de nombreux spécialistes étaient prêts à en contester la mesure."
    ),
    "La nouvelle altitude ne fut confirmée que deux ans plus tard.",
    "En automne, l'équipe rentra au complet.",
]


def test_weak_boundary_lets_a_split_translation_merge():
    """German splits at a colon what French says in one sentence; the short lead-in alone is close to nothing.

    In Text+Berg dev "Es ist doch sehr bedeutsam :" has cosine .03 with the
    French sentence it is part of, and was left unaligned.  Without the weak
    boundary that happens here in 6 seeds of 20; with it, joining the lead-in
    to the next sentence pays no merge penalty and the 2-1 bead is found.
    """
    src_glue = np.array(weak_boundaries(GERMAN_WITH_COLON))
    tgt_glue = np.array(weak_boundaries(FRENCH_IN_ONE))
    assert src_glue.tolist() == [False, False, False, True, False, False, False] and not tgt_glue.any()
    sl = np.array([len(t) for t in GERMAN_WITH_COLON])
    tl = np.array([len(t) for t in FRENCH_IN_ONE])
    gold = [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3, 4), (3,)), ((5,), (4,)), ((6,), (5,))]
    runs = with_and_without_flags(sl, tl, 3, src_glue=src_glue, tgt_glue=tgt_glue)
    assert all(flagged == gold for flagged, _ in runs)
    assert sum(((3, 4), (3,)) in plain for _, plain in runs) < len(runs)


def with_and_without_flags(sl: np.ndarray, tl: np.ndarray, lone_at: int, **flags: np.ndarray) -> list[tuple[list, list]]:
    """Per seed of 20, the beads with and without boundary ``flags``: six meanings translated with noise,
    and on the source side one more vector at ``lone_at``, alone, as close to the target as chance."""
    runs = []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        meanings = rng.normal(size=(6, DIM))
        lone = rng.normal(size=DIM)
        src = unit(np.insert(meanings + rng.normal(size=(6, DIM)) * 0.25, lone_at, lone, axis=0))
        tgt = unit(meanings + rng.normal(size=(6, DIM)) * 0.25)
        runs.append((bead_keys(align_embeddings(src, tgt, sl, tl, **flags)), bead_keys(align_embeddings(src, tgt, sl, tl))))
    return runs


def test_broken_boundaries_on_text_berg_lines():
    """Text+Berg dev cuts after initials and inside brackets; sentences that end a thought are left alone."""
    lines = [
        "Erstersteigung 1933 durch B.M .",  # an initial
        "Abalakow , seitdem wiederholt besucht .",
        "Le sommet fut atteint le 9 mai par Imanishi et le sherpa Gyalzen ( n° 57 du rôle des sherpas de l' H .",
        "C ) .",
        "Er berichtet nur aus zweiter Hand , dass sich die Spuren als Fährten eines roten ( wir würden sagen :",
        "braunen ) Bären herausgestellt hätten .",
        "Die Einführung einer Lebensversicherung ist in Vorbereitung .",
    ]
    assert broken_boundaries(lines) == [True, False, True, False, True, False, False]


def test_broken_boundary_lets_a_name_cut_off_by_the_segmenter_rejoin():
    """Text+Berg dev: "… P.Leroux-A ." | "Vialatte ." is one sentence of the French; the name alone is close to nothing.

    With the boundary flagged broken, joining the two pieces pays no merge
    penalty and the whole alignment is right in 19 seeds of 20; without it, in 7.
    """
    german = [*GERMAN_WITH_COLON[:3], "Gipfelmannschaften J.Bouvier-S.Coupé-P.Leroux-A .", "Vialatte .", *GERMAN_WITH_COLON[5:]]
    french = [*FRENCH_IN_ONE[:3], "équipes du sommet J.Bouvier-S.Coupé-P.Leroux et A. Vialatte .", *FRENCH_IN_ONE[4:]]
    src_broken, tgt_broken = np.array(broken_boundaries(german)), np.array(broken_boundaries(french))
    assert src_broken.tolist() == [False, False, False, True, False, False, False] and not tgt_broken.any()
    sl, tl = np.array([len(t) for t in german]), np.array([len(t) for t in french])
    gold = [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3, 4), (3,)), ((5,), (4,)), ((6,), (5,))]
    runs = with_and_without_flags(sl, tl, 4, src_broken=src_broken, tgt_broken=tgt_broken)
    assert sum(flagged == gold for flagged, _ in runs) >= 19
    assert sum(plain == gold for _, plain in runs) <= 10


def test_a_sentence_cut_in_two_lets_a_bead_hold_one_sentence_more():
    """Text+Berg dev: gold pairs two German sentences with these five French ones, whose "C ) ." the
    segmenter cut off; seven sentences are one more than a bead may hold (max_total) unless one of
    them is a piece of its neighbour.

    With the French boundary flagged broken the 2-5 bead is found in every seed of 20; unflagged,
    the same meanings never make a bead of more than six sentences.
    """
    french = [
        "Le sommet fut atteint tout d' abord le 9 mai par Imanishi et le sherpa Gyalzen ( n° 57 du rôle des sherpas de l' H .",
        "C ) .",
        "Deux jours plus tard , le 11 mai , Kato et Higeta touchaient à leur tour le point culminant .",
        "Le sommet est formé de quatre clochetons ;",
        "le plus élevé est si aigu qu' un seul homme peut s' y tenir .",
    ]
    assert broken_boundaries(french) == [True, False, False, False, False]
    found = too_big = 0
    for seed in range(20):
        src, tgt, sl, tl, gold = synthetic([(1, 1)] * 3 + [(2, 5)] + [(1, 1)] * 3, seed)
        tgt_broken = np.zeros(len(tgt), dtype=bool)
        tgt_broken[3:8] = broken_boundaries(french)
        found += gold[3] in bead_keys(align_embeddings(src, tgt, sl, tl, tgt_broken=tgt_broken))
        too_big += any(len(s) + len(t) > AlignParams().max_total for s, t in bead_keys(align_embeddings(src, tgt, sl, tl)))
    assert found == 20
    assert too_big == 0
