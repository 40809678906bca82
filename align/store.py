"""The batch corpus on disk: one SQLite file plus FAISS indices beside it.

SQLite holds everything that must survive (documents keyed by content hash, sentences,
sentence vectors per encoder, pair scores with their alignments, matches, facts); every
write is its own short transaction, so a run killed at any point loses at most the
document or pair it was working on, and the next run picks up from there. The FAISS
indices (one per encoder and language, in ``<db>.indices/``) are a derived cache:
whenever one disagrees with SQLite it is rebuilt from the stored document vectors.

A lock file next to the database keeps two batch runs from interleaving: the second
waits for the first, then fails with a clear message if it waits too long. The path is
checked before the lock is taken, so a ``--db`` that is not a database is refused
without leaving a lock file beside it.

Documents from HTML or Markdown keep their map back into the input file
(``source_offsets``/``source_ends``, int32 arrays); databases made before those
columns existed gain them on open, their documents reading back as plain text.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Self

import numpy as np

from align.errors import AlignError, InputError
from align.match import Match, PairScore
from align.types import Bead, Block, Document, Fact, Sentence, Span
from embeddings import VectorIndex

log = logging.getLogger(__name__)

LOCK_TIMEOUT_S = 600.0
_BUSY_TIMEOUT_MS = 60_000
_LOCK_POLL_S = 0.5

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    key INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL UNIQUE,
    path TEXT,
    lang TEXT NOT NULL,
    text TEXT NOT NULL,
    blocks TEXT NOT NULL,
    furniture TEXT NOT NULL,
    metadata TEXT NOT NULL,
    source_offsets BLOB,  -- NULL: text is the input file itself
    source_ends BLOB
);
CREATE TABLE IF NOT EXISTS sentences (
    doc INTEGER NOT NULL REFERENCES documents(key),
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    PRIMARY KEY (doc, idx)
);
CREATE TABLE IF NOT EXISTS embeddings (
    doc INTEGER NOT NULL REFERENCES documents(key),
    encoder TEXT NOT NULL,
    dim INTEGER NOT NULL,
    sentence_vectors BLOB NOT NULL,
    document_vector BLOB NOT NULL,
    scored INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (doc, encoder)
);
CREATE TABLE IF NOT EXISTS pair_scores (
    source INTEGER NOT NULL REFERENCES documents(key),
    target INTEGER NOT NULL REFERENCES documents(key),
    encoder TEXT NOT NULL,
    score REAL NOT NULL,
    source_coverage REAL NOT NULL,
    target_coverage REAL NOT NULL,
    beads TEXT NOT NULL,
    facts INTEGER,  -- number of one-sided facts; NULL until they are looked for
    PRIMARY KEY (source, target, encoder)
);
CREATE TABLE IF NOT EXISTS matches (
    source INTEGER NOT NULL REFERENCES documents(key),
    target INTEGER NOT NULL REFERENCES documents(key),
    encoder TEXT NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (source, target, encoder)
);
CREATE TABLE IF NOT EXISTS facts (
    source INTEGER NOT NULL REFERENCES documents(key),
    target INTEGER NOT NULL REFERENCES documents(key),
    encoder TEXT NOT NULL,
    side TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,
    score REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS facts_pair ON facts (source, target, encoder);
CREATE INDEX IF NOT EXISTS documents_lang ON documents (lang);
"""
# Columns added after the first release: (table, column, type), added to older databases on open.
_ADDED_COLUMNS = (("documents", "source_offsets", "BLOB"), ("documents", "source_ends", "BLOB"))
_SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class StoredDocument:
    """A document's identity in the corpus (its text stays in the database)."""

    key: int
    doc_id: str
    path: str | None
    lang: str


def content_hash(text: str) -> str:
    """SHA-256 of the decoded text: the same report read twice is the same document."""
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


class CorpusLockedError(AlignError):
    """Another batch run holds the corpus."""


class Store:
    """Read and write one corpus; use as a context manager (it holds the run lock)."""

    def __init__(self, db_path: str | os.PathLike[str], *, lock_timeout: float = LOCK_TIMEOUT_S) -> None:
        self.path = Path(db_path)
        _check_database_path(self.path)
        self.index_dir = self.path.with_name(self.path.name + ".indices")
        self._lock_file = _acquire_lock(self.path.with_name(self.path.name + ".lock"), lock_timeout)
        self._db = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(_SCHEMA)
        self._add_missing_columns()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database and release the run lock."""
        self._db.close()
        self._lock_file.close()

    def _add_missing_columns(self) -> None:
        """Bring a database made by an older version up to the current schema."""
        for table, column, kind in _ADDED_COLUMNS:
            present = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            if column not in present:
                self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")

    # -- documents ---------------------------------------------------------------------

    def find_document(self, digest: str) -> int | None:
        """The key of the document with this content hash, if stored."""
        row = self._db.execute("SELECT key FROM documents WHERE content_hash = ?", (digest,)).fetchone()
        return None if row is None else int(row[0])

    def id_taken(self, doc_id: str) -> bool:
        """Whether a document already uses this id."""
        return self._db.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone() is not None

    def add_document(self, doc: Document, doc_id: str, digest: str) -> int:
        """Insert a document and its sentences in one transaction; returns its key."""
        with self._transaction():
            cursor = self._db.execute(
                "INSERT INTO documents (doc_id, content_hash, path, lang, text, blocks, furniture, metadata,"
                " source_offsets, source_ends) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc_id,
                    digest,
                    doc.path,
                    doc.lang,
                    doc.text,
                    json.dumps([[b.start, b.end] for b in doc.blocks]),
                    json.dumps([[s.start, s.end] for s in doc.furniture]),
                    json.dumps(doc.metadata),
                    _offsets_blob(doc.source_offsets),
                    _offsets_blob(doc.source_ends),
                ),
            )
            key = int(cursor.lastrowid)
            self._db.executemany(
                "INSERT INTO sentences (doc, idx, start, end) VALUES (?, ?, ?, ?)",
                [(key, i, s.start, s.end) for i, s in enumerate(doc.sentences)],
            )
        return key

    def documents(self) -> list[StoredDocument]:
        """Every stored document, in arrival order."""
        rows = self._db.execute("SELECT key, doc_id, path, lang FROM documents ORDER BY key")
        return [StoredDocument(int(k), d, p, lang) for k, d, p, lang in rows]

    def languages(self) -> dict[int, str]:
        """Document key -> language code."""
        return {int(k): lang for k, lang in self._db.execute("SELECT key, lang FROM documents")}

    def sentence_lengths(self, key: int) -> np.ndarray:
        """Character length of each sentence of a document, in order."""
        rows = self._db.execute("SELECT end - start FROM sentences WHERE doc = ? ORDER BY idx", (key,))
        return np.array([r[0] for r in rows], dtype=np.float64)

    def load_document(self, key: int) -> Document:
        """Rebuild the Document as it was ingested (text, blocks, furniture, sentences, and
        for markup inputs the map back into the input file)."""
        path, lang, text, blocks, furniture, metadata, offsets, ends = self._db.execute(
            "SELECT path, lang, text, blocks, furniture, metadata, source_offsets, source_ends"
            " FROM documents WHERE key = ?",
            (key,),
        ).fetchone()
        spans = self._db.execute("SELECT start, end FROM sentences WHERE doc = ? ORDER BY idx", (key,))
        return Document(
            text=text,
            lang=lang,
            path=path,
            blocks=[Block(s, e) for s, e in json.loads(blocks)],
            furniture=[Span(s, e) for s, e in json.loads(furniture)],
            metadata=json.loads(metadata),
            sentences=[Sentence(text[s:e], s, e) for s, e in spans],
            source_offsets=_offsets_list(offsets),
            source_ends=_offsets_list(ends),
        )

    # -- embeddings --------------------------------------------------------------------

    def has_embeddings(self, key: int, encoder: str) -> bool:
        """Whether the document was embedded with this encoder."""
        query = "SELECT 1 FROM embeddings WHERE doc = ? AND encoder = ?"
        return self._db.execute(query, (key, encoder)).fetchone() is not None

    def save_embeddings(self, key: int, encoder: str, sentence_vectors: np.ndarray, document_vector: np.ndarray) -> None:
        """Store a document's vectors (not yet scored against the corpus)."""
        with self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO embeddings (doc, encoder, dim, sentence_vectors, document_vector, scored)"
                " VALUES (?, ?, ?, ?, ?, 0)",
                (
                    key,
                    encoder,
                    int(document_vector.shape[0]),
                    np.ascontiguousarray(sentence_vectors, dtype=np.float32).tobytes(),
                    np.ascontiguousarray(document_vector, dtype=np.float32).tobytes(),
                ),
            )

    def sentence_vectors(self, keys: Iterable[int], encoder: str) -> dict[int, np.ndarray]:
        """Sentence vectors of the given documents, (n_sentences, dim) each."""
        out: dict[int, np.ndarray] = {}
        for key in keys:
            dim, blob = self._db.execute(
                "SELECT dim, sentence_vectors FROM embeddings WHERE doc = ? AND encoder = ?", (key, encoder)
            ).fetchone()
            out[key] = np.frombuffer(blob, dtype=np.float32).reshape(-1, dim)
        return out

    def document_vectors(self, encoder: str, lang: str) -> tuple[np.ndarray, np.ndarray]:
        """(keys, vectors) of every embedded document in one language."""
        rows = self._db.execute(
            "SELECT e.doc, e.dim, e.document_vector FROM embeddings e JOIN documents d ON d.key = e.doc"
            " WHERE e.encoder = ? AND d.lang = ? ORDER BY e.doc",
            (encoder, lang),
        ).fetchall()
        keys = np.array([r[0] for r in rows], dtype=np.int64)
        vectors = np.stack([np.frombuffer(r[2], dtype=np.float32) for r in rows]) if rows else np.empty((0, 0), np.float32)
        return keys, vectors

    def embedded_languages(self, encoder: str) -> list[str]:
        """Languages with at least one document embedded by this encoder."""
        rows = self._db.execute(
            "SELECT DISTINCT d.lang FROM embeddings e JOIN documents d ON d.key = e.doc WHERE e.encoder = ? ORDER BY 1",
            (encoder,),
        )
        return [r[0] for r in rows]

    def unscored(self, encoder: str) -> list[int]:
        """Documents embedded but not yet scored against the corpus (new or interrupted)."""
        rows = self._db.execute("SELECT doc FROM embeddings WHERE encoder = ? AND scored = 0 ORDER BY doc", (encoder,))
        return [int(r[0]) for r in rows]

    # -- pairs -------------------------------------------------------------------------

    def save_scores(self, key: int, encoder: str, scores: Sequence[tuple[int, int, PairScore]]) -> None:
        """Store a document's pair scores and mark it scored, atomically."""
        with self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO pair_scores (source, target, encoder, score, source_coverage, target_coverage, beads)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (s, t, encoder, p.score, p.source_coverage, p.target_coverage, _beads_json(p.beads))
                    for s, t, p in scores
                ],
            )
            self._db.execute("UPDATE embeddings SET scored = 1 WHERE doc = ? AND encoder = ?", (key, encoder))

    def scored_pairs(self, encoder: str) -> list[Match]:
        """Every scored pair, as matches awaiting the one-to-one decision."""
        rows = self._db.execute("SELECT source, target, score FROM pair_scores WHERE encoder = ?", (encoder,))
        return [Match(int(s), int(t), float(x)) for s, t, x in rows]

    def beads(self, source: int, target: int, encoder: str) -> list[Bead]:
        """The stored sentence alignment of a scored pair."""
        row = self._db.execute(
            "SELECT beads FROM pair_scores WHERE source = ? AND target = ? AND encoder = ?", (source, target, encoder)
        ).fetchone()
        return [Bead(tuple(s), tuple(t), float(x)) for s, t, x in json.loads(row[0])]

    def replace_matches(self, encoder: str, matches: Sequence[Match]) -> None:
        """Swap in the new one-to-one decision, all at once."""
        with self._transaction():
            self._db.execute("DELETE FROM matches WHERE encoder = ?", (encoder,))
            self._db.executemany(
                "INSERT INTO matches (source, target, encoder, score) VALUES (?, ?, ?, ?)",
                [(m.source, m.target, encoder, m.score) for m in matches],
            )

    def matches(self, encoder: str) -> list[Match]:
        """The current one-to-one matches, best first."""
        rows = self._db.execute(
            "SELECT source, target, score FROM matches WHERE encoder = ? ORDER BY score DESC, source, target", (encoder,)
        )
        return [Match(int(s), int(t), float(x)) for s, t, x in rows]

    # -- facts -------------------------------------------------------------------------

    def coverage(self, source: int, target: int, encoder: str) -> tuple[float, float]:
        """(source, target) share of characters in translated beads of a scored pair."""
        query = "SELECT source_coverage, target_coverage FROM pair_scores WHERE source = ? AND target = ? AND encoder = ?"
        row = self._db.execute(query, (source, target, encoder)).fetchone()
        return float(row[0]), float(row[1])

    def fact_count(self, source: int, target: int, encoder: str) -> int | None:
        """Number of one-sided facts of a pair, None if they were never looked for."""
        query = "SELECT facts FROM pair_scores WHERE source = ? AND target = ? AND encoder = ?"
        row = self._db.execute(query, (source, target, encoder)).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def save_facts(self, source: int, target: int, encoder: str, facts: Sequence[Fact]) -> None:
        """Store a pair's one-sided facts (replacing earlier ones) and their count."""
        with self._transaction():
            self._db.execute("DELETE FROM facts WHERE source = ? AND target = ? AND encoder = ?", (source, target, encoder))
            self._db.executemany(
                "INSERT INTO facts (source, target, encoder, side, start, end, text, kind, score)"
                " VALUES (:source, :target, :encoder, :side, :start, :end, :text, :kind, :score)",
                [dict(asdict(f), source=source, target=target, encoder=encoder) for f in facts],
            )
            self._db.execute(
                "UPDATE pair_scores SET facts = ? WHERE source = ? AND target = ? AND encoder = ?",
                (len(facts), source, target, encoder),
            )

    # -- FAISS indices -----------------------------------------------------------------

    def load_index(self, encoder: str, lang: str) -> VectorIndex | None:
        """The document-vector index of one language, rebuilt if it disagrees with SQLite."""
        keys, vectors = self.document_vectors(encoder, lang)
        if len(keys) == 0:
            return None
        path = self._index_path(encoder, lang)
        if path.exists():
            index = VectorIndex.load(path)
            if len(index) == len(keys) and np.array_equal(np.sort(index.vectors()[1]), keys):
                return index
            log.info("index %s is stale (%d vs %d documents): rebuilding", path.name, len(index), len(keys))
        index = VectorIndex.build(vectors, keys)
        self.save_index(encoder, lang, index)
        return index

    def save_index(self, encoder: str, lang: str, index: VectorIndex) -> None:
        """Write an index atomically (a crash leaves the old file or the new one)."""
        path = self._index_path(encoder, lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        index.save(partial)
        os.replace(partial, path)

    def _index_path(self, encoder: str, lang: str) -> Path:
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", encoder)
        return self.index_dir / f"{slug}.{lang}.faiss"

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on error: one unit of work."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def _offsets_blob(offsets: Sequence[int] | None) -> bytes | None:
    # int32: inputs are at most align.ingest.MAX_INPUT_BYTES, far below 2**31 characters.
    return None if offsets is None else np.asarray(offsets, dtype="<i4").tobytes()


def _offsets_list(blob: bytes | None) -> list[int] | None:
    return None if blob is None else np.frombuffer(blob, dtype="<i4").tolist()


def _check_database_path(path: Path) -> None:
    """Refuse a path that cannot hold the corpus before anything is created beside it."""
    if path.is_dir():
        raise InputError(f"{path}: is a directory; cannot use it as the batch database")
    if path.exists():
        try:
            with path.open("rb") as handle:
                header = handle.read(len(_SQLITE_HEADER))
        except OSError as error:
            raise InputError(f"{path}: cannot read it as the batch database ({error.strerror})") from error
        if header and header != _SQLITE_HEADER:  # an empty file is a new database to SQLite
            raise InputError(f"{path}: not an SQLite database; cannot use it as the batch database")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"{path}: cannot create the batch database there ({error.strerror})") from error


def _beads_json(beads: Iterable[Bead]) -> str:
    return json.dumps([[list(b.source), list(b.target), b.score] for b in beads])


def _acquire_lock(path: Path, timeout: float):  # type: ignore[no-untyped-def]
    """Hold an exclusive lock on ``path``; the OS releases it if the process dies."""
    handle = open(path, "a+")  # noqa: SIM115 - held for the Store's lifetime
    deadline = time.monotonic() + timeout
    announced = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except BlockingIOError:
            if time.monotonic() >= deadline:
                handle.close()
                raise CorpusLockedError(f"{path.with_suffix('')} is in use by another align batch run") from None
            if not announced:
                log.warning("waiting for another align batch run on %s", path.with_suffix(""))
                announced = True
            time.sleep(_LOCK_POLL_S)
