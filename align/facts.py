"""What one version says and the other does not, at three grains.

1. Sentences: the one-sided beads of the alignment, and sentences the aligner
   glued to a neighbour (see ``_lonely``), but not those the other side translates
   in part: a translation that lost half a sentence is left unaligned too, and its
   loss is a clause (see ``_partly_told``). Consecutive one-sided sentences of the
   same paragraph become one fact, because an analyst reads a missing paragraph
   as one missing story, not as five separate findings.
2. Clauses: inside aligned beads, once the sentences found one-sided are taken
   out of them (see ``_without_one_sided``) and pairs the aligner merged are split
   again (see ``_split_diagonal``), a clause is flagged when (a) removing
   it makes its side *more* similar to the other side (the embedding without the
   clause is estimated from the bead's and the clause's, see ``_without``), (b) the
   other side covers it poorly, in itself and next to how well it covers the
   clause's siblings, and (c) its side is longer than the usual length ratio around it by
   about the clause's share. Clause embeddings alone are noisy;
   the length evidence is what keeps faithful paraphrases quiet. Weights and
   threshold were calibrated on planted truncations in NTREX (ar-fr, fr-en), see
   scripts/bench_omissions.py.
3. Atoms (align.atoms): numbers, dates and names the other side's bead (or, for
   one-sided content, the whole other document) does not state.

De-duplication: an atom inside a flagged sentence or clause is reported only when
the other version states it nowhere, because then it adds a specific the analyst
would otherwise have to dig out of the paragraph; otherwise the enclosing fact
already says it.
"""

from __future__ import annotations

import bisect
import logging
import operator
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Protocol

import numpy as np

from align import atoms
from align.clauses import MIN_WORDS, text_length, word_count, word_spans
from align.symbols import Symbols, read_symbols
from align.types import Bead, Document, Fact

logger = logging.getLogger(__name__)

SIDES = ("source", "target")

# Clause score = DELTA_WEIGHT * (sim without clause - sim with it) - coverage
#                + EXCESS_WEIGHT * min(length excess, clause share)
#                + SIBLING_WEIGHT * (how much closer the other clauses of the bead side are to
#                  the other side than this one is); flagged above CLAUSE_THRESHOLD.
# The sibling term makes coverage relative: a dropped clause is often on the topic of
# its sentence, so the other side covers it fairly well in absolute terms, yet less
# well than the clauses it translates (planted NTREX truncations: clause recall
# .583/.627/.598 -> .614/.669/.629 on ar-fr/en-de/ar-en, clean characters flagged
# +0.3-0.4 points).
DELTA_WEIGHT = 3.0
EXCESS_WEIGHT = 2.0
SIBLING_WEIGHT = 0.3
# A whole sentence of a many-sentence bead flagged this way is reported as a one-sided
# sentence, a stronger claim than a lost clause, so it must score higher. A clause that
# would be flagged gets a second look at the ends of the other side's sentences (see
# clause_scores). Planted NTREX truncations, clause recall on ar-fr/en-de/fr-en/ar-en:
# .629/.728/.655/.674 with 0.1 for both and no second look, .682/.751/.705/.705 with them
# (six pairs not tuned on: +.026 to +.160), for 0.2-1.9 more points of clean characters
# flagged (at most 5.9%, zh-ar); measured before every merged pair was split (see _split_diagonal).
CLAUSE_THRESHOLD = -0.05
SENTENCE_PIECE_THRESHOLD = 0.1
# A clause lost from one side makes the other side longer than the usual ratio by
# about the clause's share. Beads where a side is not at least this much longer are
# not searched for clauses (nor for translated names): shares below a tenth are
# within translation noise. On NTREX about three quarters of faithful beads stay
# below it, which is what makes the clause level affordable on long documents.
SUSPECT_EXCESS = 0.1
CLAUSE_SCORE_SCALE = 0.1
RATIO_WINDOW = 101  # aligned beads the usual length ratio is taken over (about a long article)
# Cosine thresholds are for USE-m3 (the default encoder), measured on NTREX: the
# median cosine of aligned sentence pairs and of unrelated ones.
REFERENCE_ALIGNED_SIM = 0.74
REFERENCE_UNRELATED_SIM = 0.22
# A name missing by spelling still counts as present when a word of the other side
# embeds this close to it (exonyms: "Alger" ~ "الجزائر", "Allemagne" ~ "Germany").
NAME_SIM = 0.6
ATOM_SCORES = {"number": 0.9, "date": 0.85}
# A member of a many-sentence bead this far from every sentence of the other side there
# (1 - cosine, relative to how far it is from the other document on average) has no
# counterpart in it. Somewhat nearer than the aligner's AlignParams.unrelated_from (.8):
# the member must also bring its side closer to the other once taken out, judged on
# joined text (see _removal_gains), which translated members rarely do. Planted NTREX
# omissions, from .8 to .7: sentence recall .782/.798/.742/.734 -> .790/.798/.766/.758
# on ar-fr/en-de/fr-en/ar-en, precision unchanged to +.004, clean pairs unchanged;
# at .65 en-de's clean pairs get flags.
UNRELATED_DISTANCE = 0.7
# Members shorter than this (an attribution, a dangling quote mark; in text_length, so ten
# Han characters) embed close to nothing on their own yet belong to their bead, so distance
# says nothing about them.
UNRELATED_MIN_LENGTH = 30
# A lonely sentence is partly told on the other side (see _partly_told) when a part
# embeds at least PART_SIM and PART_GAIN closer than the whole does. The gain is what
# keeps true orphans: any of their many parts may by chance embed a little closer to a
# neighbour on the same topic (planted NTREX omissions: 4 of 374 orphans lost, 17 of 63
# cut lines kept). PART_SIM is somewhat below midway between an unrelated and a
# translated pair (.48): a part is short and embeds less surely ("Il ne pouvait pas se
# détacher." ~ "لم يستطع إبعاد نفسه،" .46). Planted NTREX omissions, with word windows
# (see _parts): from .48 to .43 sentence precision .875/.829/.890/.877 ->
# .899/.843/.890/.877 on ar-fr/en-de/fr-en/ar-en, recall unchanged; at .38 orphans go.
PART_SIM = 0.43
# A part needs that much less similarity when the two sentences also share a number, date or
# name ("جوني إنجليش" / "Johnny English"): planted NTREX omissions, ar-en sentence precision
# .899 -> .907, nothing else changed on ten pairs.
SHARED_KEY_RELIEF = 0.05
PART_GAIN = 0.15
# Word windows tried as parts (see _parts): only parts at most this share of their
# sentence (a shorter one is not a lost half), slid by a third of their length.
PART_MAX_SHARE = 0.8
WINDOW_STEPS = 3
GAP_REACH = 3  # beads looked through each way for a partial translation (see _gap)
PART_EDGE = " ,;:.،，。"  # trimmed off what is left of a partly told sentence
# Aligned-bead atoms are looked up this many sentences around the bead, so a
# slightly misplaced alignment boundary does not invent a missing number.
ATOM_CONTEXT = 1
# Paragraph breaks are evidence of where a one-sided sentence was glued (see _glued_across)
# only between versions that keep each other's: at three in four of the aligned bead
# boundaries where either breaks (planted NTREX pairs keep nearly all of them, less the
# one a glued sentence moves; the seeds' Arabic puts every sentence in a paragraph of its
# own). The guard costs one true flag on planted fr-en (sentence recall .847 -> .839).
PARAGRAPHS_KEPT = 0.75


class Encoder(Protocol):
    """What facts needs from an encoder: normalised sentence embeddings."""

    def encode(self, texts: list[str]) -> np.ndarray: ...


def find_facts(
    source: Document,
    target: Document,
    beads: list[Bead],
    encoder: Encoder,
    source_emb: np.ndarray,
    target_emb: np.ndarray,
    symbols: tuple[Symbols, Symbols] | None = None,
) -> list[Fact]:
    """All one-sided facts of a pair, merged, de-duplicated and in reading order per side.

    ``symbols``: both documents' :func:`align.symbols.read_symbols`, read here when not given.
    """
    by_side = dict(zip(SIDES, symbols or (read_symbols(source), read_symbols(target))))
    encoder = _SentencesKnown(encoder, [(source, source_emb), (target, target_emb)])
    sentence = sentence_facts(source, target, beads, encoder, source_emb, target_emb, by_side)
    shared, split_from = _split_diagonal(_without_one_sided(beads, source, target, sentence), source_emb, target_emb)
    excess_of = _length_excess(source, target, shared)
    # Gains again on the trimmed and split beads: the texts of beads left as they were come from the cache.
    gains = _removal_gains(shared, source, target, encoder)
    doubtful = {side: {i for i, gain in gains[side].items() if gain > 0} for side in SIDES}
    beyond_doubtful = _length_excess(source, target, shared, doubtful)
    clauses = {side: by_side[side].clauses for side in SIDES}
    clause = clause_facts(source, target, shared, encoder, source_emb, target_emb, beyond_doubtful, clauses, split_from,
                          sentence_excess_of=excess_of)
    whole = _other_side_wholes({side: by_side[side].profiles for side in SIDES})
    atom = atom_facts(source, target, shared, encoder, by_side, whole, beyond_doubtful)
    return merge_facts(sentence + clause, atom, source, target, whole)


# --- sentence level ------------------------------------------------------------


def sentence_facts(
    source: Document,
    target: Document,
    beads: list[Bead],
    encoder: Encoder,
    source_emb: np.ndarray,
    target_emb: np.ndarray,
    symbols: dict[str, Symbols],
) -> list[Fact]:
    """One fact per run of consecutive one-sided sentences within a paragraph.

    One-sided: in a bead with nothing on the other side, or in an aligned bead
    but far from every sentence of the other side there and in the beads around
    it (an aligner may pair two lonely sentences, or glue one to a neighbour),
    unless a sentence nearby on the other side translates part of it: then only the
    rest is reported, as a clause (see ``_partly_told``).
    The score says how sure it is that no sentence of the other version tells the
    same: 1 when the closest one is as far as unrelated text, 0 when it is as close
    as a translation (the aligner may still have had reasons to leave it alone).
    ``symbols`` are each side's :func:`align.symbols.read_symbols`.
    """
    keys = {side: symbols[side].keys for side in SIDES}
    facts = []
    excess_of = _length_excess(source, target, beads)
    gains = _removal_gains(beads, source, target, encoder)
    paragraph = {"source": _paragraph_of(source), "target": _paragraph_of(target)}
    kept = _paragraphs_kept(source, target, beads, paragraph)
    for side, other, doc, other_doc, emb, other_emb in (("source", "target", source, target, source_emb, target_emb),
                                                        ("target", "source", target, source, target_emb, source_emb)):
        paragraphs = (paragraph[side], paragraph[other]) if kept else None
        lonely = _lonely(beads, side, doc, emb, other_emb, keys, excess_of[side], gains[side], paragraphs)
        told = _partly_told(sorted(lonely), beads, side, doc, other_doc, encoder, emb, other_emb, symbols)
        for i, part in told.items():
            sentence = doc.sentences[i]
            score = round(_confidence(float((other_emb @ emb[i]).max())), 3)
            for start, end in _rest(sentence.text, part):
                facts.append(Fact(side, sentence.start + start, sentence.start + end, sentence.text[start:end], "clause", score))
        lonely = sorted(lonely - told.keys())
        for run in _runs(lonely, paragraph[side]):
            closest = float((emb[run] @ other_emb.T).max(axis=1).mean()) if len(other_emb) else 0.0
            first, last = doc.sentences[run[0]], doc.sentences[run[-1]]
            facts.append(Fact(side, first.start, last.end, doc.text[first.start:last.end], "sentence",
                              round(_confidence(closest), 3)))
    return facts


def _lonely(
    beads: list[Bead],
    side: str,
    doc: Document,
    emb: np.ndarray,
    other_emb: np.ndarray,
    keys: dict[str, list[frozenset[str]]],
    excess: list[float],
    gain: dict[int, float],
    paragraphs: tuple[list[int], list[int]] | None,
) -> set[int]:
    """Sentence indices of ``side`` that nothing on the other side says.

    Those of one-sided beads, and extras the aligner glued to a neighbour: in a bead
    with more sentences on this side than on the other, a member whose removal
    brings the side closer to the other side (``gain``, see ``_removal_gains``), that
    shares no number, date or name with the other side nearby (a translation that
    embeds poorly still states the same "26" or "Palin") but for those a sentence
    nearby on its own side states too, whose translation is then what states them
    there (a story repeats its protagonist's name: planted NTREX omissions, sentence
    recall .782/.815/.766/.790 -> .798/.823/.798/.815 on ar-fr/en-de/fr-en/ar-en,
    precision .917/.846/.890/.907 -> .910/.847/.886/.910; six pairs not tuned on:
    recall +.000 to +.049, precision -.007 to +.007), while its side is longer
    than usual by at least half the member's share, unless it has fewer than
    MIN_WORDS words: a stray "تساءلت." (she asked) the segmenter cut off a quote
    belongs to it (planted NTREX omissions: sentence precision .909/.891 ->
    .917/.899 on ar-fr/ar-en, recall unchanged). In any bead of more than two
    sentences (two lonely sentences facing each other keep the sides' lengths
    even) such a member also counts when it
    is as far from every sentence of the other side there as UNRELATED_DISTANCE,
    and its side is not shorter than usual. 1-1 beads are left alone: on
    NTREX planted omissions the orphan pairs the aligner makes there embed no farther
    apart than poorly embedded translations do.
    Closeness judged on summed sentence vectors instead (as the aligner scores beads)
    took a member's removal for a gain about twice as often in translated beads
    (planted NTREX omissions, members of many-sentence beads: 31 translated members
    flagged on modified pairs and 25 on clean ones, against 16 and 6 joined).
    A real sentence at an end of its bead side also counts, whatever its gain, when a
    paragraph break parts it from the rest of that side that the other side's part of
    the bead lacks, and a sibling there embeds closer to the other side than it does,
    at least midway between an unrelated and a translated pair: where the two versions
    keep each other's paragraph breaks (``paragraphs``: each sentence's paragraph, this
    side's and the other's, see ``_paragraphs_kept``), the aligner glued it across one
    (see ``_glued_across``).
    """
    lonely = set()
    other = "target" if side == "source" else "source"
    # How far each sentence is from the other document as a whole: distances are measured
    # relative to it, as the aligner does (a hub sentence is close to everything).
    hub = np.maximum(1 - emb @ other_emb.mean(axis=0), 1e-3)
    for k, bead in enumerate(beads):
        mine, theirs = (bead.source, bead.target) if side == "source" else (bead.target, bead.source)
        if not (mine and theirs):
            lonely.update(mine)
            continue
        if len(mine) + len(theirs) <= 2:
            continue
        nearby = [j for b in beads[max(k - 1, 0):k + 2] for j in (b.target if side == "source" else b.source)]
        nearby_keys = frozenset().union(*(keys[other][j] for j in nearby))
        own_nearby = [j for b in beads[max(k - 1, 0):k + 2] for j in (b.source if side == "source" else b.target)]
        side_length = _side_length(doc, mine)
        for i in mine:
            sentence = doc.sentences[i]
            closer_without = gain.get(i, 0.0) > 0
            told_by_neighbours = frozenset().union(*(keys[side][j] for j in own_nearby if j != i))
            if (keys[side][i] & nearby_keys) - told_by_neighbours:
                continue
            share = text_length(sentence.text) / max(side_length, 1)
            unrelated = float((1 - (other_emb[list(theirs)] @ emb[i]).max()) / hub[i]) > UNRELATED_DISTANCE
            long_enough = text_length(sentence.text) >= UNRELATED_MIN_LENGTH
            a_sentence = word_count(sentence.text) >= MIN_WORDS
            extra = closer_without and ((a_sentence and len(mine) > len(theirs) and excess[k] >= 0.5 * share) or (
                unrelated and long_enough and excess[k] > -SUSPECT_EXCESS))
            if extra or (a_sentence and paragraphs and _glued_across(i, mine, theirs, paragraphs, emb, other_emb)):
                lonely.add(i)
    return lonely


def _glued_across(
    i: int, mine: tuple[int, ...], theirs: tuple[int, ...], paragraphs: tuple[list[int], list[int]],
    emb: np.ndarray, other_emb: np.ndarray,
) -> bool:
    """Whether member i of a bead side was glued to it across a paragraph break the other side does not have.

    i must be at an end of its side with a paragraph break between it and the rest,
    the other side's part of the bead must cross fewer breaks, and a sibling of i must
    embed closer to the other side than i does and at least midway between an unrelated
    and a translated pair (REFERENCE_UNRELATED_SIM, REFERENCE_ALIGNED_SIM): that sibling
    is what the other side translates. Planted NTREX omissions (with PARAGRAPHS_KEPT),
    sentence recall .798/.823/.798/.815 -> .823/.831/.839/.815 on ar-fr/en-de/fr-en/ar-en,
    precision .910/.847/.886/.910 -> .912/.848/.883/.910, clean pairs unchanged; six pairs
    not tuned on: recall +.008 to +.040 (en-fr .710 -> .750), precision -.002 to +.007.
    Without the sibling's floor, siblings that embed poorly too lost precision (ar-fr
    .910 -> .897, ar-en .910 -> .902).
    """
    paragraph, other_paragraph = paragraphs
    if len(mine) < 2 or i not in (mine[0], mine[-1]):
        return False
    first = i == mine[0]
    rest = mine[1:] if first else mine[:-1]
    neighbour = rest[0] if first else rest[-1]
    if paragraph[i] == paragraph[neighbour] or _breaks(theirs, other_paragraph) >= _breaks(mine, paragraph):
        return False
    sibling = float((other_emb[list(theirs)] @ emb[list(rest)].T).max())
    return float((other_emb[list(theirs)] @ emb[i]).max()) < sibling and (
        sibling >= (REFERENCE_ALIGNED_SIM + REFERENCE_UNRELATED_SIM) / 2)


def _paragraphs_kept(source: Document, target: Document, beads: list[Bead], paragraph: dict[str, list[int]]) -> bool:
    """Whether the two versions keep each other's paragraph breaks (``paragraph``: each side's :func:`_paragraph_of`).

    Kept: at PARAGRAPHS_KEPT of the boundaries between consecutive aligned beads where
    either version starts a paragraph, both do. A side whose every sentence is a block
    of its own (sentences given one a line) says nothing of paragraphs.
    """
    if any(len(doc.blocks) >= len(doc.sentences) for doc in (source, target)):
        return False
    src, tgt = paragraph["source"], paragraph["target"]
    both = either = 0
    for a, b in pairwise(bead for bead in beads if bead.source and bead.target):
        breaks = (src[a.source[-1]] != src[b.source[0]], tgt[a.target[-1]] != tgt[b.target[0]])
        both += all(breaks)
        either += any(breaks)
    return either > 0 and both >= PARAGRAPHS_KEPT * either


def _breaks(members: tuple[int, ...], paragraph: list[int]) -> int:
    """How many paragraph breaks lie between consecutive members of a bead side."""
    return sum(paragraph[a] != paragraph[b] for a, b in pairwise(members))


def _removal_gains(beads: list[Bead], source: Document, target: Document, encoder: Encoder) -> dict[str, dict[int, float]]:
    """Per side, for each member of a side of several sentences in an aligned bead: how much
    closer (cosine) that side comes to the other once the member is taken out.

    Both sides are encoded as joined text: summed sentence vectors (the aligner's
    estimate) make a part's removal look like a gain too often (see ``_lonely``).
    The other side may lose one member too: two lonely sentences glued into one bead
    from either side ("A B" facing "X A'", B and X told nowhere) each keep the other's
    side far until both are out (planted NTREX omissions: sentence recall .798/.758 ->
    .815/.790 on en-de/ar-en, precision .843/.898 -> .832/.890 on en-de/fr-en).
    """
    docs = {"source": source, "target": target}
    cases = []  # (side, member, this side's text, the text without the member, the other side's text)
    for bead in beads:
        if not (bead.source and bead.target) or len(bead.source) + len(bead.target) <= 2:
            continue
        members = {"source": bead.source, "target": bead.target}
        for side, other in (("source", "target"), ("target", "source")):
            if len(members[side]) < 2:
                continue
            whole, theirs = _joined(docs[side], members[side]), _joined(docs[other], members[other])
            trimmed = [_joined(docs[other], tuple(m for m in members[other] if m != j)) for j in members[other]
                       if len(members[other]) > 1]
            cases.extend((side, i, whole, _joined(docs[side], tuple(m for m in members[side] if m != i)), theirs, trimmed)
                         for i in members[side])
    emb = _embed(encoder, {text for *_, whole, rest, theirs, trimmed in cases for text in (whole, rest, theirs, *trimmed)})
    gains: dict[str, dict[int, float]] = {side: {} for side in SIDES}
    for side, i, whole, rest, theirs, trimmed in cases:
        gains[side][i] = max(float(emb[rest] @ emb[t]) for t in (theirs, *trimmed)) - float(emb[whole] @ emb[theirs])
    return gains


def _joined(doc: Document, indices: tuple[int, ...]) -> str:
    """Sentences as one text to encode."""
    return " ".join(doc.sentences[i].text for i in indices)


def _partly_told(
    lonely: list[int],
    beads: list[Bead],
    side: str,
    doc: Document,
    other_doc: Document,
    encoder: Encoder,
    emb: np.ndarray,
    other_emb: np.ndarray,
    symbols: dict[str, Symbols],
) -> dict[int, tuple[int, int] | None]:
    """Lonely sentences that a sentence of the other side nearby translates in part.

    A translation that drops half a sentence embeds far from it (the dropped half
    weighs as much as the kept one), so the aligner leaves both unpaired. Yet a
    part of one (see ``_parts``) then embeds closer to the other than either whole
    does, and about as close as a translation. The other side's sentences looked at
    are those of the gap the sentence sits in (see ``_gap``); word windows only for
    those left unpaired there too or in the sentence's own bead, since a window of a
    few words that names the same "Livingston" or "Paddington" as a neighbour aligned
    elsewhere embeds close to it (planted NTREX omissions: windows against every
    nearby sentence lost 3-6 orphans a pair). A number, date or name shared with one of
    those makes a part's similarity count for more (SHARED_KEY_RELIEF).
    Maps each such sentence to the span (within it) of its part the other side
    tells, or None when it is the part.
    """
    other = "target" if side == "source" else "source"
    where = {i: k for k, b in enumerate(beads) for i in (b.source if side == "source" else b.target)}
    ratio = _length_ratio(beads, side, doc, other_doc)
    jobs = []  # (sentence, nearby other-side sentences, [(part span or None, part text, other-side vectors)])
    for i in lonely:
        gap = _gap(beads, where[i])
        nearby = sorted(j for b in gap for j in (b.target if side == "source" else b.source))
        windowed = {j for b in gap if not (b.source and b.target) or i in (b.source if side == "source" else b.target)
                    for j in (b.target if side == "source" else b.source)}
        text = doc.sentences[i].text
        clauses = symbols[side].clauses[i]
        own = [(span, text[slice(*span)], other_emb[[j]]) for j in nearby
               for span in _parts(text, clauses, ratio * text_length(other_doc.sentences[j].text) if j in windowed else 0)]
        theirs = [(None, other_doc.sentences[j].text[slice(*span)], emb[i][None]) for j in nearby
                  for span in _parts(other_doc.sentences[j].text, symbols[other].clauses[j],
                                     text_length(text) / ratio if j in windowed else 0)]
        shares_keys = any(symbols[side].keys[i] & symbols[other].keys[j] for j in windowed)
        if nearby and (own or theirs):
            jobs.append((i, nearby, own + theirs, shares_keys))
    part_emb = _embed(encoder, {text for _, _, parts, _ in jobs for _, text, _ in parts})
    told: dict[int, tuple[int, int] | None] = {}
    for i, nearby, parts, shares_keys in jobs:
        whole = float((other_emb[nearby] @ emb[i]).max())
        best, span = max(((float((vectors @ part_emb[text]).max()), span) for span, text, vectors in parts),
                         key=operator.itemgetter(0))
        if best >= PART_SIM - SHARED_KEY_RELIEF * shares_keys and best - whole >= PART_GAIN:
            told[i] = span
    return told


def _gap(beads: list[Bead], k: int) -> list[Bead]:
    """Bead k and the beads around it up to the nearest aligned one each way (at most GAP_REACH away).

    Where the aligner left both versions of a passage unpaired, the two sit in one gap
    between aligned beads, in either order: a sentence's partial translation may be two
    beads away (the other side's one-sided beads come first).
    """
    first, last = k, k
    while first > max(k - GAP_REACH, 0) and not (first < k and beads[first].source and beads[first].target):
        first -= 1
    while last < min(k + GAP_REACH, len(beads) - 1) and not (last > k and beads[last].source and beads[last].target):
        last += 1
    return beads[first:last + 1]


def _rest(text: str, part: tuple[int, int] | None) -> list[tuple[int, int]]:
    """What of a text lies outside ``part`` (trimmed of spaces and punctuation), or nothing when part is None."""
    if part is None:
        return []
    pieces = [(0, part[0]), (part[1], len(text))]
    trimmed = [(a + len(text[a:b]) - len(text[a:b].lstrip(PART_EDGE)), b - len(text[a:b]) + len(text[a:b].rstrip(PART_EDGE)))
               for a, b in pieces]
    return [(a, b) for a, b in trimmed if b > a]


def _parts(text: str, clauses: list[tuple[int, int]], told_length: float) -> set[tuple[int, int]]:
    """Spans of the parts of a sentence (whose ``clauses`` are given) that may be all a shorter one translates.

    Every run of consecutive clauses but the whole, and runs of words about as long
    as the shorter sentence (``told_length``, see ``text_length``, in this sentence's terms): a
    translation need not cut where this version put a comma ("in a meeting with
    Moon this month" inside one clause of "North Korea pledged in a meeting ...").
    ``told_length`` 0: clause runs only.
    """
    spans = {(clauses[a][0], clauses[b][1]) for a in range(len(clauses)) for b in range(a, len(clauses))
             if (a, b) != (0, len(clauses) - 1)}
    words = word_spans(text)
    count = round(len(words) * told_length / max(text_length(text), 1))
    if MIN_WORDS <= count <= PART_MAX_SHARE * len(words):
        step = max(count // WINDOW_STEPS, 1)
        starts = sorted({*range(0, len(words) - count, step), len(words) - count})
        spans.update((words[a][0], words[a + count - 1][1]) for a in starts)
    return spans


def _length_ratio(beads: list[Bead], side: str, doc: Document, other_doc: Document) -> float:
    """How long (see ``text_length``) ``side`` is to say what the other side says in one (over aligned beads)."""
    mine = theirs = 0
    for bead in beads:
        if bead.source and bead.target:
            here, there = (bead.source, bead.target) if side == "source" else (bead.target, bead.source)
            mine += _side_length(doc, here)
            theirs += _side_length(other_doc, there)
    return mine / theirs if mine and theirs else 1.0


def _without_one_sided(beads: list[Bead], source: Document, target: Document, facts: list[Fact]) -> list[Bead]:
    """The beads with their sentences found one-sided taken out (as beads of their own).

    A one-sided sentence the aligner glued into a bead makes its side look long and
    hides a clause the other side lost (planted NTREX omissions: a 1-2 bead holding
    a truncated line, its translation and an orphan). Clauses and atoms are then
    looked for in what the two sides share.
    """
    docs = {"source": source, "target": target}
    one_sided = {side: {i for f in facts if f.side == side and f.kind == "sentence"
                        for i, s in enumerate(docs[side].sentences) if f.start <= s.start and s.end <= f.end}
                 for side in SIDES}
    trimmed = []
    for bead in beads:
        src = tuple(i for i in bead.source if i not in one_sided["source"])
        tgt = tuple(j for j in bead.target if j not in one_sided["target"])
        if (src, tgt) == (bead.source, bead.target):
            trimmed.append(bead)
            continue
        trimmed.extend([Bead(src, tgt, bead.score)] if src and tgt else [])
        trimmed.extend(Bead((i,), (), 0.0) for i in bead.source if i not in src)
        trimmed.extend(Bead((), (j,), 0.0) for j in bead.target if j not in tgt)
    return trimmed


def _split_diagonal(beads: list[Bead], source_emb: np.ndarray, target_emb: np.ndarray) -> tuple[list[Bead], list[Bead]]:
    """The beads of n sentences a side whose k-th members are each other's closest there, as n 1-1 beads;
    and for each bead returned, the aligned bead it comes from (itself when not split).

    The aligner merges a pair whose length ratio a lost clause has upset with its
    neighbours, where the ratio evens out (two pairs that each lost a clause on
    opposite sides even out exactly); the clause level, which looks for a side
    longer than usual, then sees a bead of about the usual length. Pair by pair it
    does not. What a pair's clause may be said by is still the whole bead's other
    side (see ``clause_scores``): where two versions cut the same text into
    sentences at different places, a pair's extra end is its neighbour's start.
    Planted NTREX omissions, clause recall on ar-fr/en-de/fr-en/ar-en: splitting
    only beads with a side longer than usual by half SUSPECT_EXCESS, each pair
    judged against its own counterpart, .682/.751/.705/.705; every bead, judged
    against the whole bead, .705/.751/.719/.705 (six pairs not tuned on: +.000 to
    +.027), clean pairs unchanged, Text+Berg dev other characters flagged
    5.3%/5.4% -> 5.3%/5.6% (5.7%/5.8% judged against the counterpart alone).
    """
    out, split_from = [], []
    for bead in beads:
        n = len(bead.source)
        if n >= 2 and len(bead.target) == n:
            sims = source_emb[list(bead.source)] @ target_emb[list(bead.target)].T
            if all(sims[d].argmax() == d and sims[:, d].argmax() == d for d in range(n)):
                out.extend(Bead((i,), (j,), float(sims[d, d])) for d, (i, j) in enumerate(zip(bead.source, bead.target)))
                split_from.extend([bead] * n)
                continue
        out.append(bead)
        split_from.append(bead)
    return out, split_from


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-9)


def _confidence(cosine: float) -> float:
    """0 at a translation's similarity, 1 at unrelated text's."""
    span = REFERENCE_ALIGNED_SIM - REFERENCE_UNRELATED_SIM
    return float(np.clip((REFERENCE_ALIGNED_SIM - cosine) / span, 0.0, 1.0))


def _runs(indices: list[int], paragraph: list[int]) -> list[list[int]]:
    """Split sorted sentence indices into runs of consecutive sentences of one paragraph (``paragraph`` by sentence)."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and runs[-1][-1] == i - 1 and paragraph[i] == paragraph[i - 1]:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _paragraph_of(doc: Document) -> list[int]:
    """The block (paragraph) index of each sentence."""
    starts = [b.start for b in doc.blocks]
    return [bisect.bisect_right(starts, s.start) - 1 for s in doc.sentences]


# --- clause level ----------------------------------------------------------------


@dataclass(frozen=True)
class _Piece:
    """One clause of an aligned bead, with what is needed to score it."""

    side: str
    start: int
    end: int
    text: str
    share: float  # the clause's share of its side's length (see text_length)
    kind: str  # "clause", or "sentence" for a whole sentence of a many-sentence bead


def _bead_span(doc: Document, indices: tuple[int, ...]) -> tuple[int, int]:
    return doc.sentences[indices[0]].start, doc.sentences[indices[-1]].end


def _side_length(doc: Document, indices: tuple[int, ...]) -> int:
    """The ``text_length`` of a bead side, with what lies between its sentences."""
    return text_length(doc.text[slice(*_bead_span(doc, indices))])


def clause_facts(
    source: Document,
    target: Document,
    beads: list[Bead],
    encoder: Encoder,
    source_emb: np.ndarray,
    target_emb: np.ndarray,
    excess_of: dict[str, list[float]],
    clauses: dict[str, list[list[tuple[int, int]]]],
    split_from: list[Bead] | None = None,
    sentence_excess_of: dict[str, list[float]] | None = None,
) -> list[Fact]:
    """Clauses of aligned beads that the other side does not carry (see module docstring)."""
    facts = []
    for piece, raw in clause_scores(source, target, beads, encoder, source_emb, target_emb, excess_of, clauses,
                                    split_from=split_from, sentence_excess_of=sentence_excess_of):
        threshold = _threshold(piece.kind)
        if raw > threshold:
            score = 1 / (1 + np.exp(-(raw - threshold) / CLAUSE_SCORE_SCALE))
            facts.append(Fact(piece.side, piece.start, piece.end, piece.text, piece.kind, round(float(score), 3)))
    return facts


def _threshold(kind: str) -> float:
    """The raw score a piece must pass to be flagged: a whole sentence's is higher (see SENTENCE_PIECE_THRESHOLD)."""
    return SENTENCE_PIECE_THRESHOLD if kind == "sentence" else CLAUSE_THRESHOLD


def clause_scores(
    source: Document,
    target: Document,
    beads: list[Bead],
    encoder: Encoder,
    source_emb: np.ndarray,
    target_emb: np.ndarray,
    excess_of: dict[str, list[float]],
    clauses: dict[str, list[list[tuple[int, int]]]],
    prune: bool = True,
    split_from: list[Bead] | None = None,
    sentence_excess_of: dict[str, list[float]] | None = None,
) -> list[tuple[Fact, float]]:
    """Clauses of the suspect aligned beads with their raw score (flagged above :func:`_threshold`).

    Suspect: see SUSPECT_EXCESS. In a bead of several sentences each whole sentence
    is tested too: the aligner may glue a one-sided sentence to its neighbour rather
    than leave it alone. The other side's whole bead is one of the texts that may
    cover a clause, so its cosine bounds the coverage from below: a clause whose
    score cannot pass its threshold even then is dropped before the other side's clauses
    are embedded (unless ``prune`` is off). On long documents that halves what the
    clause level encodes. A clause that would still be flagged is given a second look
    (see the comment there). A one-sentence side is that sentence's embedding
    (``source_emb``, ``target_emb``); a longer one is encoded joined (see ``_side_text``).
    ``excess_of`` is :func:`_length_excess` of these beads, ``clauses`` each side's
    sentences' :func:`align.clauses.split_clauses`. ``split_from``: for each bead, the
    aligned bead it was split from (see ``_split_diagonal``), whose other side is what
    may say its clauses; by default each bead itself. ``sentence_excess_of``: the
    excess a whole sentence of a bead is scored with, by default ``excess_of``. Only
    a clause may count on a side being long against the other side's surely
    translated members (see ``_surely_said``): a whole sentence flagged that way
    would call a sentence one-sided because the other side has one that the
    sentence level judged to belong (planted NTREX omissions: sentence precision
    .910 -> .819 on ar-fr).
    """
    docs = {"source": source, "target": target}
    sentence_emb = {"source": source_emb, "target": target_emb}
    suspect = _suspects(beads, excess_of)
    # (this side's vector key, the other side's, pieces, length excess by piece kind, the other document,
    # the other side's sentences in the bead split from, their clauses)
    jobs = []
    for k, (bead, whole) in enumerate(zip(beads, split_from or beads)):
        if not (bead.source and bead.target):
            continue
        own = {"source": bead.source, "target": bead.target}
        wide = {"source": whole.source, "target": whole.target}
        for side, other in (("source", "target"), ("target", "source")):
            if not suspect[side][k]:
                continue
            pieces = _pieces(docs[side], clauses[side], own[side], side, excess_of[side][k])
            if len(pieces) >= 2:
                mine, theirs = (_side_text(docs[s], indices) or sentence_emb[s][indices[0]]
                                for s, indices in ((side, own[side]), (other, wide[other])))
                covers = _clauses_of(docs[other], clauses[other], wide[other])
                excess = {"clause": excess_of[side][k], "sentence": (sentence_excess_of or excess_of)[side][k]}
                jobs.append((mine, theirs, pieces, excess, docs[other], wide[other], covers))
    emb = _embed(encoder, {t for mine, theirs, pieces, *_ in jobs
                           for t in (mine, theirs, *(p.text for p in pieces)) if isinstance(t, str)})
    candidates = []  # (piece, its score before coverage, the other side's bead vector, document, sentences, clauses)
    for mine_key, other_key, pieces, excess, other_doc, other_members, covers in jobs:
        mine, other = (emb[key] if isinstance(key, str) else key for key in (mine_key, other_key))
        closeness = np.stack([emb[p.text] for p in pieces]) @ other
        for piece, near, siblings in zip(pieces, closeness, _others_median(closeness)):
            without = _without(mine, emb[piece.text], piece.share)
            delta = float(without @ other) - float(mine @ other)
            uncovered = (DELTA_WEIGHT * delta + EXCESS_WEIGHT * min(excess[piece.kind], piece.share)
                         + SIBLING_WEIGHT * (siblings - float(near)))
            if not prune or uncovered - float(other @ emb[piece.text]) > _threshold(piece.kind):
                candidates.append((piece, uncovered, other, other_doc, other_members, covers))
    emb |= _embed(encoder, {c for *_, covers in candidates for c in covers} - emb.keys())
    raws = [uncovered - _coverage(emb, piece, other, covers) for piece, uncovered, other, *_, covers in candidates]
    # A second look at the clauses that would be flagged: the other side may say one at an end of
    # a longer clause of its own ("et vice-versa" / "... والعكس صحيح"), so its sentences' first and
    # last words, as many as the clause would take there, may cover it too.
    ratio = {side: _length_ratio(beads, side, docs[side], docs[other]) for side, other in zip(SIDES, SIDES[::-1])}
    ends = {n: _sentence_ends(other_doc, members, text_length(piece.text) / ratio[piece.side])
            for n, (piece, _, _, other_doc, members, _) in enumerate(candidates)
            if piece.kind == "clause" and raws[n] > CLAUSE_THRESHOLD}
    emb |= _embed(encoder, {t for texts in ends.values() for t in texts} - emb.keys())
    for n, texts in ends.items():
        piece, uncovered, other, *_ = candidates[n]
        raws[n] = min(raws[n], uncovered - _coverage(emb, piece, other, texts))
    scored = []
    for (piece, *_), raw in zip(candidates, raws):
        logger.debug("clause %r raw=%.3f", piece.text[:40], raw)
        scored.append((Fact(piece.side, piece.start, piece.end, piece.text, piece.kind, 0.0), raw))
    return scored


def _coverage(emb: dict[str, np.ndarray], piece: _Piece, other: np.ndarray, texts: list[str]) -> float:
    """How well the other side's bead (``other``) or any of ``texts`` says the piece: the best cosine."""
    return float((np.stack([other, *(emb[t] for t in texts)]) @ emb[piece.text]).max())


def _sentence_ends(doc: Document, indices: tuple[int, ...], length: float) -> list[str]:
    """The first and the last words of each of these sentences, about ``length`` long each (two words at least)."""
    return [text[a:b] for text in (doc.sentences[i].text for i in indices)
            for a, b in _edges(text, length / max(text_length(text), 1), shortest=2)]


def _suspects(beads: list[Bead], excess_of: dict[str, list[float]]) -> dict[str, list[bool]]:
    """Per side and aligned bead, whether the side may carry something the other lacks (see SUSPECT_EXCESS)."""
    return {side: [bool(b.source and b.target) and e >= SUSPECT_EXCESS for b, e in zip(beads, excess_of[side])]
            for side in SIDES}


def _without(whole: np.ndarray, part: np.ndarray, share: float) -> np.ndarray:
    """The direction of a text's embedding once a part (``share`` of its length) is cut out.

    Encoding every bead again once per clause cost more than the rest of the
    pipeline together. Pooled encoders sum or average token features, so a text's
    vector is close to the length-weighted sum of its parts' vectors; on NTREX
    planted truncations this estimate finds the same clauses as re-encoding.
    """
    return _unit(whole - share * part)


def _length_excess(
    source: Document, target: Document, beads: list[Bead], doubtful: dict[str, set[int]] | None = None
) -> dict[str, list[float]]:
    """Per side and bead, how much longer the side is than the usual ratio around it says (0 for one-sided beads).

    ``doubtful``: per side, members that may translate nothing of the other side (see
    ``_surely_said``); a side is then measured against the other side without them.
    """
    lengths = [(_side_length(source, b.source), _side_length(target, b.target))
               if b.source and b.target else None for b in beads]
    doubtful = doubtful or {side: set() for side in SIDES}
    excess: dict[str, list[float]] = {side: [] for side in SIDES}
    for bead, pair, ratio in zip(beads, lengths, _local_length_ratios(lengths)):
        if pair is None:
            excess["source"].append(0.0)
            excess["target"].append(0.0)
            continue
        s_len, t_len = pair
        s_said = _surely_said(source, bead.source, doubtful["source"], s_len)
        t_said = _surely_said(target, bead.target, doubtful["target"], t_len)
        excess["source"].append(1 - t_said / max(s_len, 1) / ratio)
        excess["target"].append(1 - s_said / max(t_len, 1) * ratio)
    return excess


def _surely_said(doc: Document, members: tuple[int, ...], doubtful: set[int], length: int) -> int:
    """The length of a bead side (``length`` in all, see ``text_length``) without its doubtful members, if any other is left.

    Doubtful: a member whose removal brings its side closer to the other one (see
    ``_removal_gains``) but that the sentence level did not find one-sided. The aligner
    glues a one-sided sentence next to a translation that lost a clause because that
    evens their lengths out, which hides the loss from the bead's length as a whole.
    """
    kept = [i for i in members if i not in doubtful]
    if not kept or len(kept) == len(members):
        return length
    return sum(text_length(doc.sentences[i].text) for i in kept)


def _local_length_ratios(lengths: list[tuple[int, int] | None]) -> list[float]:
    """The usual target/source length ratio around each bead: the median over RATIO_WINDOW aligned beads.

    Languages differ in length, and so do the parts of one report (a quoted passage
    in a third language, a table, a section translated by someone else), so the
    ratio is taken locally; a short pair gets its global median.
    """
    aligned = [k for k, pair in enumerate(lengths) if pair is not None]
    ratios = np.array([lengths[k][1] / max(lengths[k][0], 1) for k in aligned])
    if not len(ratios):
        return [1.0] * len(lengths)
    width = min(RATIO_WINDOW, len(ratios))
    medians = np.median(np.lib.stride_tricks.sliding_window_view(ratios, width), axis=1)
    position = np.searchsorted(aligned, np.arange(len(lengths)))
    return medians[np.clip(position - width // 2, 0, len(medians) - 1)].tolist()


def _pieces(
    doc: Document, clauses: list[list[tuple[int, int]]], indices: tuple[int, ...], side: str, excess: float,
) -> list[_Piece]:
    """The clauses of a bead's side (and its whole sentences, in a bead of several); ``clauses`` by sentence.

    A sentence with no clause boundary still gets its head and its tail, each about
    ``excess`` of it, as candidates: a translation that drops part of a sentence
    mostly drops an end (an attribution, a trailing clause), and the other version
    need not have put a comma where this one cut.
    """
    side_length = _side_length(doc, indices)
    pieces = []
    for i in indices:
        sentence = doc.sentences[i]
        parts = clauses[i] if len(clauses[i]) > 1 else _edges(sentence.text, excess)
        spans = [(sentence.start + a, sentence.start + b, "clause") for a, b in parts]
        if len(indices) > 1:
            spans.append((sentence.start, sentence.end, "sentence"))
        for abs_start, abs_end, kind in spans:
            text = doc.text[abs_start:abs_end]
            pieces.append(_Piece(side, abs_start, abs_end, text, text_length(text) / max(side_length, 1), kind))
    return pieces


def _edges(text: str, share: float, shortest: int = MIN_WORDS) -> list[tuple[int, int]]:
    """The head and the tail of a text, each ``share`` of its words (at least ``shortest``, at most
    half), as spans; the whole text when it is too short for that."""
    words = word_spans(text)
    count = min(max(round(share * len(words)), shortest), len(words) // 2)
    if count < shortest:
        return [(0, len(text))]
    return [(words[0][0], words[count - 1][1]), (words[-count][0], words[-1][1])]


def _others_median(values: np.ndarray) -> np.ndarray:
    """For each value, the median of all the others (one sort, not one median per value)."""
    order = np.argsort(values, kind="stable")
    rank = np.empty(len(values), dtype=int)
    rank[order] = np.arange(len(values))
    ordered = values[order]
    others = len(values) - 1
    # The middle one or two of the others, as positions among them, moved past the value left out.
    middle = np.array([(others - 1) // 2, others // 2])[None, :]
    positions = middle + (middle >= rank[:, None])
    return ordered[positions].mean(axis=1)


def _clauses_of(doc: Document, clauses: list[list[tuple[int, int]]], indices: tuple[int, ...]) -> list[str]:
    """The clauses of a bead side (``clauses`` by sentence): with the whole side, what could cover a clause of the other."""
    return [doc.sentences[i].text[a:b] for i in indices for a, b in clauses[i]]


def _side_text(doc: Document, indices: tuple[int, ...]) -> str | None:
    """A bead side of several sentences as one text to encode; None for one sentence, whose vector is known.

    Summing the sentences' vectors instead made a whole sentence's removal look
    exact, and many-sentence beads flagged translated sentences (planted NTREX
    omissions: sentence precision .81 -> .76).
    """
    return _joined(doc, indices) if len(indices) > 1 else None


class _SentencesKnown:
    """An encoder that answers for the documents' sentences with the vectors the aligner already has.

    A clause that is its whole sentence, or a bead side left with one member, is
    such a text: on long documents about a tenth of what the fact finder embeds.
    The on-disk cache finds most of them too, but not without a cache (``cache_dir=False``)
    nor where the sentence was encoded with its line breaks collapsed.
    """

    def __init__(self, encoder: Encoder, embedded: list[tuple[Document, np.ndarray]]) -> None:
        self._encoder = encoder
        self._known = {text: vector for doc, emb in embedded
                       for sentence, vector in zip(doc.sentences, emb) for text in (sentence.text, " ".join(sentence.text.split()))}

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = [text for text in dict.fromkeys(texts) if text not in self._known]
        fresh = dict(zip(missing, self._encoder.encode(missing))) if missing else {}
        return np.stack([self._known[text] if text in self._known else fresh[text] for text in texts])


def _embed(encoder: Encoder, texts: set[str]) -> dict[str, np.ndarray]:
    """Embed each distinct text once, in one batch."""
    ordered = sorted(texts)
    vectors = encoder.encode(ordered) if ordered else np.zeros((0, 1), dtype=np.float32)
    return dict(zip(ordered, vectors))


# --- atoms ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    side: str
    atom: atoms.Atom
    context: str  # the other side's text around it, where a translated name would be
    context_lang: str


def atom_facts(
    source: Document,
    target: Document,
    beads: list[Bead],
    encoder: Encoder,
    symbols: dict[str, Symbols],
    whole: dict[str, atoms.Profile],
    excess_of: dict[str, list[float]],
) -> list[Fact]:
    """Numbers, dates and names stated on one side only (bead-local for aligned text).

    A name spelled nowhere near on the other side may still be there translated
    ("Allemagne" ~ "Germany"); that is checked with word embeddings, but only in
    one-sided or suspect beads. In a bead whose lengths match the usual ratio, an
    unmatched name is taken as translated: a missing name would lengthen its side.
    ``symbols`` are each side's :func:`align.symbols.read_symbols`, ``whole`` what the
    other version states (:func:`_other_side_wholes`), ``excess_of`` the beads'
    :func:`_length_excess`.
    """
    docs = {"source": source, "target": target}
    suspect = _suspects(beads, excess_of)
    candidates: list[_Candidate] = []
    for k, bead in enumerate(beads):
        for side, other in (("source", "target"), ("target", "source")):
            mine = bead.source if side == "source" else bead.target
            theirs = bead.target if side == "source" else bead.source
            if not mine:
                continue
            other_profile = _context_profile(symbols[other].profiles, theirs) if theirs else whole[side]
            for atom in _atoms_of(docs[side], mine, symbols[side]):
                if atom.kind == "name" and (not atoms.is_telling_name(atom, docs[side].lang) or theirs and not suspect[side][k]):
                    continue
                if atoms.is_covered(atom, other_profile):
                    continue
                candidates.append(_Candidate(side, atom, _nearby(docs[other], beads, k, other), docs[other].lang))
    name_sims = _name_similarities([c for c in candidates if c.atom.kind == "name"], encoder)
    facts = []
    for c in candidates:
        if c.atom.kind == "name":
            sim = name_sims[(c.atom.text, c.context)]
            if sim >= NAME_SIM:
                continue
            score = float(np.clip(1 - sim, 0.3, 0.9))
        else:
            score = ATOM_SCORES[c.atom.kind]
        facts.append(Fact(c.side, c.atom.start, c.atom.end, c.atom.text, c.atom.kind, round(score, 3)))
    return facts


def _atoms_of(doc: Document, indices: tuple[int, ...], symbols: Symbols) -> list[atoms.Atom]:
    """The atoms of these sentences, with offsets into the document."""
    return [replace(atom, start=atom.start + doc.sentences[i].start, end=atom.end + doc.sentences[i].start)
            for i in indices for atom in symbols.atoms[i]]


def _nearby(doc: Document, beads: list[Bead], k: int, side: str) -> str:
    """Where a translated name would be: ``side``'s text in bead k, or around it when k is one-sided.

    Aligned beads look only at themselves: their neighbours add many words to
    embed (the costliest part of the atom check) and, on NTREX, no translated name.
    """
    radius = 0 if beads[k].source and beads[k].target else ATOM_CONTEXT
    indices = [i for b in beads[max(k - radius, 0):k + radius + 1]
               for i in (b.source if side == "source" else b.target)]
    return " ".join(doc.sentences[i].text for i in sorted(indices))


def _context_profile(profiles: list[atoms.Profile], indices: tuple[int, ...]) -> atoms.Profile:
    """What the sentences ``indices`` and ATOM_CONTEXT sentences either side state."""
    return atoms.combine(profiles[max(indices[0] - ATOM_CONTEXT, 0):indices[-1] + ATOM_CONTEXT + 1])


def _name_similarities(names: list[_Candidate], encoder: Encoder) -> dict[tuple[str, str], float]:
    """Best cosine between a capitalised word of each name and any word of its context.

    Word by word, as spelled names are matched (:func:`atoms.name_found`): "Corée
    du Nord" is there when "كوريا" is. Embedding the context's word pairs as well
    doubled the cost of the check, for names that one of their words finds.
    """
    if not names:
        return {}
    words_of = {c.atom.text: sorted({w for w in atoms.WORD.findall(c.atom.text) if w[0].isupper()}) for c in names}
    words_of |= {c.context: sorted(set(atoms.words(c.context, c.context_lang))) for c in names}
    emb = _embed(encoder, {w for words in words_of.values() for w in words})
    sims = {}
    for c in names:
        mine, theirs = words_of[c.atom.text], words_of[c.context]
        best = 0.0
        if mine and theirs:
            best = float((np.stack([emb[w] for w in theirs]) @ np.stack([emb[w] for w in mine]).T).max())
        sims[(c.atom.text, c.context)] = best
    return sims


# --- merging ------------------------------------------------------------------------


def _other_side_wholes(profiles: dict[str, list[atoms.Profile]]) -> dict[str, atoms.Profile]:
    """Per side, what the whole other version states."""
    return {"source": atoms.combine(profiles["target"]), "target": atoms.combine(profiles["source"])}


def merge_facts(
    spans: list[Fact], atom_list: list[Fact], source: Document, target: Document, whole: dict[str, atoms.Profile]
) -> list[Fact]:
    """Join overlapping sentence/clause facts; keep an atom inside them only if ``whole`` other side lacks it."""
    docs = {"source": source, "target": target}
    merged: list[Fact] = []
    for fact in sorted(spans, key=lambda f: (f.side, f.start, f.end)):
        prev = merged[-1] if merged else None
        if prev and prev.side == fact.side and fact.start <= prev.end:
            kind = "sentence" if "sentence" in (prev.kind, fact.kind) else "clause"
            end = max(prev.end, fact.end)
            merged[-1] = Fact(prev.side, prev.start, end, docs[prev.side].text[prev.start:end], kind,
                              max(prev.score, fact.score))
        else:
            merged.append(fact)
    # The merged spans are disjoint and sorted: only the last one starting at or before an atom can enclose it.
    span_starts = {side: [m.start for m in merged if m.side == side] for side in SIDES}
    span_ends = {side: [m.end for m in merged if m.side == side] for side in SIDES}
    kept_atoms: list[Fact] = []
    reach = dict.fromkeys(SIDES, -1)  # the furthest end of an atom kept so far; every one of them starts earlier
    for fact in sorted(atom_list, key=lambda f: (f.side, f.start, -f.end)):
        if fact.end <= reach[fact.side]:
            continue
        at = bisect.bisect_right(span_starts[fact.side], fact.start) - 1
        enclosing = at >= 0 and fact.end <= span_ends[fact.side][at]
        if enclosing and _stated_anywhere(fact, whole[fact.side], docs[fact.side].lang):
            continue
        kept_atoms.append(fact)
        reach[fact.side] = max(reach[fact.side], fact.end)
    return sorted(merged + kept_atoms, key=lambda f: (SIDES.index(f.side), f.start, -f.end))


def _stated_anywhere(fact: Fact, other: atoms.Profile, lang: str) -> bool:
    atom = next((a for a in atoms.find_atoms(fact.text, lang) if a.kind == fact.kind), None)
    return atom is None or atoms.is_covered(atom, other)
