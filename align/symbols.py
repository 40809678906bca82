"""What each sentence states in comparable form, read once for the aligner and the fact finder.

The aligner's anchors (:func:`align.anchors.shared_anchors`) and the one-sided facts
(:mod:`align.facts`) both need every sentence's numbers, dates and names. Reading
them is pure Python and needs no embedding, so :func:`read_beside` reads them in a
child process while this one encodes, on a core the encoder lends
(:func:`embeddings.lending_core`). At 2,000 sentences a side that takes about a
second off ``align pair`` (scripts/bench_speed.py).
"""

from __future__ import annotations

import logging
import multiprocessing
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass

from align import atoms
from align.anchors import document_keys
from align.clauses import split_clauses
from align.types import Document
from embeddings import lending_core
from embeddings.encoder import available_cores

log = logging.getLogger(__name__)

# Under this many sentences in all, reading them takes less time than starting a process.
BESIDE_MIN_SENTENCES = 200


@dataclass(frozen=True)
class Symbols:
    """Per sentence of a document: its anchor keys, what it states, its atoms and its clauses.

    ``keys`` are :func:`align.anchors.document_keys`; ``profiles`` are
    :func:`align.atoms.profile`, with the names the document glosses elsewhere
    (:func:`align.atoms.with_glosses`); ``atoms`` are :func:`align.atoms.find_atoms`
    and ``clauses`` :func:`align.clauses.split_clauses`, with offsets into the sentence.
    """

    keys: list[frozenset[str]]
    profiles: list[atoms.Profile]
    atoms: list[list[atoms.Atom]]
    clauses: list[list[tuple[int, int]]]


def read_symbols(doc: Document) -> Symbols:
    """Read every sentence of a segmented document."""
    glosses = atoms.glossed_names(doc.text, doc.lang)
    return Symbols(
        keys=document_keys(doc),
        profiles=[atoms.with_glosses(atoms.profile(s.text, doc.lang), s.text, glosses) for s in doc.sentences],
        atoms=[atoms.find_atoms(s.text, doc.lang) for s in doc.sentences],
        clauses=[split_clauses(s.text) for s in doc.sentences],
    )


def _read_all(docs: list[Document]) -> list[Symbols]:
    return [read_symbols(doc) for doc in docs]


@contextmanager
def read_beside(docs: Sequence[Document]) -> Iterator[Callable[[], list[Symbols]]]:
    """Read the documents' symbols while the ``with`` block runs; yields the function that returns them.

    A forked child does the reading (it inherits every module already imported,
    so it starts in milliseconds) and, until it is done, encoders leave it a
    core. The reading stays in this process with a single core, where fork is
    not the safe default (only Linux), for short documents, and where no
    process can be started (no semaphores in a sandbox, no memory to fork).
    """
    docs = list(docs)
    child = _start_child(docs)
    if child is None:
        yield lambda: _read_all(docs)
        return
    pool, future = child
    with pool:

        def result() -> list[Symbols]:
            try:
                return future.result()
            except BrokenProcessPool:  # the child died (killed, out of memory): read here instead
                log.warning("reading the documents beside the encoder failed; reading them now")
                return _read_all(docs)

        with lending_core(lambda: not future.done()):
            yield result


def _start_child(docs: list[Document]) -> tuple[ProcessPoolExecutor, Future[list[Symbols]]] | None:
    """A child process reading the documents, or None where reading them here is better or the only way."""
    if (
        sum(len(doc.sentences) for doc in docs) < BESIDE_MIN_SENTENCES
        or available_cores() < 2
        or not sys.platform.startswith("linux")
    ):
        return None
    pool = None
    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        return pool, pool.submit(_read_all, docs)
    except OSError as error:
        log.debug("no child process to read the documents (%s): reading them here", error)
        if pool is not None:
            pool.shutdown(wait=False)
        return None
