"""An on-disk embedding cache, so re-aligning a document re-uses its sentence vectors.

One SQLite file per cache directory, rows keyed by (model name, SHA-256 of the text),
float32 blobs as values. WAL mode and a busy timeout let two align processes share it.
The 2 KB vectors live in an ordinary rowid table of 8 KB pages: a WITHOUT ROWID
table, whose rows should be small, spent ~3x as long writing them, which on a long
pair (tens of thousands of sentences, clauses and words) was a tenth of the run.
New vectors are written behind, by a thread with its own connection, while the
caller goes on (SQLite leaves Python's lock while it writes): at 2,000 sentences a
side the writes took 0.3 s of ``align pair``. :meth:`CachedEncoder.close`, or the
interpreter's exit, waits for them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from .encoder import Encoder, WrappedEncoder

log = logging.getLogger(__name__)

CACHE_FILE = "vectors.sqlite3"
# The file of earlier versions (a WITHOUT ROWID table): removed when the new one is made.
LEGACY_CACHE_FILE = "embeddings.sqlite3"
_BUSY_TIMEOUT_S = 60.0
# SQLite's default limit on bound parameters is 999 on old builds; stay under it.
_KEYS_PER_QUERY = 900


def default_cache_dir() -> Path:
    """$ALIGN_CACHE_DIR, else $XDG_CACHE_HOME/align, else ~/.cache/align."""
    if explicit := os.environ.get("ALIGN_CACHE_DIR"):
        return Path(explicit).expanduser()
    if xdg := os.environ.get("XDG_CACHE_HOME"):
        return Path(xdg).expanduser() / "align"
    return Path.home() / ".cache" / "align"


def text_key(text: str) -> bytes:
    """The cache key of a text: exact bytes matter, so no normalisation before hashing."""
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).digest()


class CachedEncoder(WrappedEncoder):
    """Wraps an Encoder: vectors already on disk are read, only the missing texts are encoded.

    Same ``name``, ``dim`` and ``languages`` as the wrapped encoder, so it is a drop-in.
    """

    def __init__(self, encoder: Encoder, cache_dir: str | os.PathLike[str]) -> None:
        super().__init__(encoder)
        self.path = Path(cache_dir) / CACHE_FILE
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._pending: dict[bytes, np.ndarray] = {}  # encoded, not yet written
        self._writer: ThreadPoolExecutor | None = None
        self._writer_connection: sqlite3.Connection | None = None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        unique = list(dict.fromkeys(texts))
        keys = {text: text_key(text) for text in unique}
        with self._lock:
            found = {key: self._pending[key] for key in keys.values() if key in self._pending}
            found.update(_lookup(self._connect(), self.name, [key for key in keys.values() if key not in found]))
            missing = [text for text in unique if keys[text] not in found]
            if missing:
                new = dict(zip((keys[text] for text in missing), self.encoder.encode(missing)))
                found.update(new)
                self._pending.update(new)
                if self._writer is None:
                    self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedding-cache")
                self._writer.submit(self._write, new)
        log.debug("%s cache: %d texts, %d unique, %d encoded", self.name, len(texts), len(unique), len(missing))
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        return np.stack([found[keys[text]] for text in texts]).astype(np.float32, copy=False)

    def close(self) -> None:
        """Wait for the vectors still being written, then close the database (it reopens on the next encode)."""
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None
        with self._lock:
            for connection in (self._connection, self._writer_connection):
                if connection is not None:
                    connection.close()
            self._connection = self._writer_connection = None

    def _write(self, vectors: dict[bytes, np.ndarray]) -> None:
        """On the writer thread: store the vectors, then stop serving them from memory."""
        if self._writer_connection is None:
            self._writer_connection = _open(self.path)
        _store(self._writer_connection, self.name, list(vectors), np.stack(list(vectors.values())))
        with self._lock:
            for key in vectors:
                self._pending.pop(key, None)

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.path.exists():
                for suffix in ("", "-wal", "-shm"):
                    (self.path.parent / (LEGACY_CACHE_FILE + suffix)).unlink(missing_ok=True)
            self._connection = _open(self.path)
        return self._connection


def _open(path: Path) -> sqlite3.Connection:
    """A connection to the cache file, which it creates when missing."""
    connection = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_S, check_same_thread=False)
    connection.execute("PRAGMA page_size=8192")  # only takes effect on a new file, before WAL
    _use_wal(connection)
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(
        "CREATE TABLE IF NOT EXISTS embedding ("
        " model TEXT NOT NULL, key BLOB NOT NULL, vector BLOB NOT NULL, UNIQUE (model, key))"
    )
    connection.commit()
    return connection


def _use_wal(connection: sqlite3.Connection) -> None:
    """Switch the file to WAL once. Switching fails at once, without waiting out the busy
    timeout, while another connection (another process, or this one's writer) holds the
    file: so the mode is only set when it is not WAL yet, and retried until the timeout."""
    deadline = time.monotonic() + _BUSY_TIMEOUT_S
    while connection.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        try:
            connection.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _chunks(items: list[bytes], size: int) -> Iterator[list[bytes]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _lookup(connection: sqlite3.Connection, model: str, keys: list[bytes]) -> dict[bytes, np.ndarray]:
    found: dict[bytes, np.ndarray] = {}
    for chunk in _chunks(keys, _KEYS_PER_QUERY):
        marks = ",".join("?" * len(chunk))
        rows = connection.execute(
            f"SELECT key, vector FROM embedding WHERE model = ? AND key IN ({marks})", [model, *chunk]
        )
        found.update((key, np.frombuffer(vector, dtype=np.float32)) for key, vector in rows)
    return found


def _store(connection: sqlite3.Connection, model: str, keys: list[bytes], vectors: np.ndarray) -> None:
    rows = [
        (model, key, np.ascontiguousarray(vector, dtype=np.float32).tobytes()) for key, vector in zip(keys, vectors)
    ]
    with connection:
        connection.executemany("INSERT OR IGNORE INTO embedding (model, key, vector) VALUES (?, ?, ?)", rows)
