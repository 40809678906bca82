"""The Python API: read two reports, align them, find what only one says.

The CLI is a thin layer over these functions; notebooks and other programs
call them directly and get typed records back (``align.types``).
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Sequence

import numpy as np

from align.anchors import document_keys, shared_anchors
from align.clauses import text_length
from align.errors import UnsupportedLanguageError
from align.facts import find_facts
from align.ingest import ingest_text, load_document
from align.moved import moved_beads, release_moved, with_moved
from align.segment import (
    broken_boundaries,
    segment,
    sentence_texts,
    split_lines,
    weak_boundaries,
)
from align.sentalign import align_embeddings
from align.symbols import Symbols, read_beside
from align.types import Bead, Block, Document, Fact, PairResult
from embeddings import Encoder, load_encoder, loading_beside

log = logging.getLogger(__name__)


def _segmented(doc: Document, presegmented: bool) -> Document:
    """Fill ``doc.sentences``: one a line when the user already split them."""
    if presegmented:
        doc.sentences = split_lines(doc.text)
        doc.blocks = [Block(s.start, s.end) for s in doc.sentences]
    else:
        doc.sentences = segment(doc.text, doc.blocks, doc.lang)
    return doc


def prepare(
    text: str,
    *,
    path: str | None = None,
    lang: str | None = None,
    presegmented: bool = False,
    fmt: str = "text",
) -> Document:
    """Ingest and segment a text already in memory (presegmented: no furniture, every line is kept)."""
    doc = ingest_text(text, path=path, fmt="text" if presegmented else fmt, lang=lang, furniture=not presegmented)
    return _segmented(doc, presegmented)


def load(path: str | os.PathLike, *, lang: str | None = None, presegmented: bool = False, fmt: str | None = None) -> Document:
    """Read, ingest and segment a file (presegmented: no furniture, every line is kept)."""
    doc = load_document(path, fmt="text" if presegmented else fmt, lang=lang, furniture=not presegmented)
    return _segmented(doc, presegmented)


def check_language(doc: Document, encoder: Encoder) -> None:
    """Refuse a document whose language the encoder was not trained on."""
    if encoder.languages is not None and doc.lang not in encoder.languages:
        where = doc.path or "the input"
        raise UnsupportedLanguageError(
            f"{where}: language '{doc.lang}' is not supported by model {encoder.name}; "
            f"choose one that covers it with --model (e.g. e5, or a sentence-transformers model such as LaBSE)"
        )


def embed(doc: Document, encoder: Encoder) -> np.ndarray:
    """Sentence embeddings of a document, one L2-normalised row per sentence."""
    return embed_many([doc], encoder)[0]


def align_embedded(
    source: Document,
    target: Document,
    source_emb: np.ndarray,
    target_emb: np.ndarray,
    keys: tuple[Sequence[frozenset[str]], Sequence[frozenset[str]]] | None = None,
) -> list[Bead]:
    """Sentence alignment of two embedded documents (the pure DP plus its anchors).

    Sentences told at another place in the other version are left alone
    (:func:`align.moved.release_moved`), for :func:`one_sided` to pair them.
    ``keys``: both documents' anchor keys (:func:`align.anchors.document_keys`, or
    :attr:`align.symbols.Symbols.keys`), read here when not given.
    """
    src_texts, tgt_texts = sentence_texts(source), sentence_texts(target)
    src_keys, tgt_keys = keys or (document_keys(source), document_keys(target))
    src_lens, tgt_lens = _lengths(source), _lengths(target)
    shared = shared_anchors(src_keys, tgt_keys)
    beads = align_embeddings(
        source_emb,
        target_emb,
        src_lens,
        tgt_lens,
        shared=shared,
        src_glue=np.array(weak_boundaries(src_texts), dtype=bool),
        tgt_glue=np.array(weak_boundaries(tgt_texts), dtype=bool),
        src_broken=np.array(broken_boundaries(src_texts), dtype=bool),
        tgt_broken=np.array(broken_boundaries(tgt_texts), dtype=bool),
    )
    return release_moved(beads, source_emb, target_emb, src_lens, tgt_lens, shared)


def one_sided(
    source: Document,
    target: Document,
    beads: list[Bead],
    encoder: Encoder,
    source_emb: np.ndarray,
    target_emb: np.ndarray,
    symbols: tuple[Symbols, Symbols],
) -> tuple[list[Fact], list[Bead]]:
    """What only one version tells (:func:`align.facts.find_facts`) and what both tell at different places.

    Sentences the alignment left alone on both sides that say the same (:func:`align.moved.moved_beads`)
    are not one-sided: the fact finder compares them as pairs, like the aligned beads.
    """
    src_symbols, tgt_symbols = symbols
    moved = moved_beads(beads, source_emb, target_emb, _lengths(source), _lengths(target),
                        shared_anchors(src_symbols.keys, tgt_symbols.keys))
    return find_facts(source, target, with_moved(beads, moved), encoder, source_emb, target_emb, symbols), moved


def _lengths(doc: Document) -> np.ndarray:
    """Sentence lengths as the aligner compares them across languages."""
    return np.array([text_length(t) for t in sentence_texts(doc)])


def pair(
    source: str | Document,
    target: str | Document,
    *,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    model: str | Encoder | None = None,
    presegmented: bool = False,
    facts: bool = True,
) -> PairResult:
    """Align two reports given as texts or prepared documents.

    ``model`` is an encoder, or a name for :func:`embeddings.load_encoder`
    (default USE multilingual v3).
    """
    encoder = model if isinstance(model, Encoder) else load_encoder(model)
    with loading_beside(encoder):
        src_doc = source if isinstance(source, Document) else prepare(source, lang=src_lang, presegmented=presegmented)
        tgt_doc = target if isinstance(target, Document) else prepare(target, lang=tgt_lang, presegmented=presegmented)
    return pair_documents(src_doc, tgt_doc, encoder, facts=facts)


def pair_documents(source: Document, target: Document, encoder: Encoder, *, facts: bool = True) -> PairResult:
    """Align two prepared documents with a loaded encoder."""
    if source.lang == target.lang:
        log.warning("both documents are in '%s': aligning them as two versions in one language", source.lang)
    # What the sentences state is read beside the encoder (see align.symbols).
    with read_beside([source, target]) as read:
        source_emb, target_emb = embed_many([source, target], encoder)
    source_symbols, target_symbols = read()
    symbols = (source_symbols, target_symbols)
    beads = align_embedded(source, target, source_emb, target_emb, (source_symbols.keys, target_symbols.keys))
    found, moved = one_sided(source, target, beads, encoder, source_emb, target_emb, symbols) if facts else ([], [])
    return PairResult(source=source, target=target, beads=beads, facts=found, moved=moved)


def embed_many(docs: Sequence[Document], encoder: Encoder) -> list[np.ndarray]:
    """Embed several documents in one encoder call (one batch amortises the model's overhead)."""
    for doc in docs:
        check_language(doc, encoder)
    texts = [sentence_texts(doc) for doc in docs]
    flat = encoder.encode([t for group in texts for t in group])
    bounds = np.cumsum([0] + [len(group) for group in texts])
    return [flat[a:b] for a, b in itertools.pairwise(bounds)]
