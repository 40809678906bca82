"""The one interface every sentence encoder offers, and the helpers the backends share."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import Protocol, runtime_checkable

import numpy as np

log = logging.getLogger(__name__)


@runtime_checkable
class Encoder(Protocol):
    """A sentence encoder: texts in, unit-length float32 rows out.

    ``name`` is a stable id (it keys the embedding cache), ``languages`` the ISO 639-1
    codes the model was trained on (None when unknown), so callers can refuse a
    language the model never saw instead of aligning noise.
    """

    name: str
    dim: int
    languages: frozenset[str] | None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an ``(len(texts), dim)`` float32 array of L2-normalised rows."""
        ...


class WrappedEncoder:
    """Base of the encoders that wrap another (a cache, a calibration): its name, width and languages by default."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder

    @property
    def name(self) -> str:
        return self.encoder.name

    @property
    def dim(self) -> int:
        return self.encoder.dim

    @property
    def languages(self) -> frozenset[str] | None:
        return self.encoder.languages

    def load(self) -> None:
        """Load the wrapped model now, if it loads on first use."""
        load = getattr(self.encoder, "load", None)
        if load is not None:
            load()


@contextmanager
def loading_beside(encoder: Encoder) -> Iterator[None]:
    """Load the encoder's model in a thread while the ``with`` block runs; the thread is done when it exits.

    Loading the model and the language identifier both spend their time in
    decompression that releases Python's lock, so on two cores one hides the
    other (``align pair`` on two files: about 0.5 s). The thread is joined on
    exit, before any child process is forked. A failed load is left for the
    first :meth:`Encoder.encode` to raise where the caller handles it.
    """
    load = getattr(encoder, "load", None)
    if load is None or available_cores() < 2:
        yield
        return

    def run() -> None:
        try:
            load()
        except Exception:  # noqa: BLE001 (raised again, in the caller's thread, by the first encode)
            log.debug("loading the model beside failed", exc_info=True)

    thread = threading.Thread(target=run, name="model-load", daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join()


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, not the machine total)."""
    return len(os.sched_getaffinity(0))


_lent_cores: list[Callable[[], bool]] = []
_lent_cores_lock = threading.Lock()


@contextmanager
def lending_core(busy: Callable[[], bool]) -> Iterator[None]:
    """While ``busy()`` is true, encoders leave a core to other work (a child process, say).

    An encoder then runs one thread fewer (USE: one chunk fewer at a time). Where a
    model spreads one batch over several BLAS threads (e5, sentence-transformers),
    those wait on each other when a third busy thread shares two cores; USE's chunks,
    one BLAS thread each, only share them (about as fast lent or not, measured at
    2,000 sentences a side). The core is taken back, chunk by chunk, once ``busy()``
    turns false.
    """
    with _lent_cores_lock:
        _lent_cores.append(busy)
    try:
        yield
    finally:
        with _lent_cores_lock:
            _lent_cores.remove(busy)


def encoding_threads() -> int:
    """Threads an encoder should run now: the available cores less those lent (at least one)."""
    with _lent_cores_lock:
        lent = sum(1 for busy in _lent_cores if busy())
    return max(1, available_cores() - lent)


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """Unit-length float32 rows, so that inner product is cosine; zero rows stay zero."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, np.finfo(np.float32).tiny)


def encode_in_chunks(
    encode_chunk: Callable[[list[str]], np.ndarray],
    texts: Sequence[str],
    dim: int,
    *,
    chunk_size: int,
    progress: bool = False,
    label: str = "Embedding",
    concurrent: bool = False,
) -> np.ndarray:
    """Encode ``texts`` chunk by chunk (bounded memory), optionally with a progress bar.

    Each chunk is still one batch for the model, which is what makes encoders fast.
    ``concurrent``: chunks run in threads, as many at once as :func:`encoding_threads`
    allows when each starts (so a lent core is left alone, and taken back chunk by
    chunk); for a model whose forward pass releases Python's lock, on one BLAS thread each.
    """
    texts = list(texts)
    out = np.empty((len(texts), dim), dtype=np.float32)
    chunks = [(start, texts[start : start + chunk_size]) for start in range(0, len(texts), chunk_size)]

    def run(start: int, chunk: list[str]) -> int:
        out[start : start + len(chunk)] = encode_chunk(chunk)
        return len(chunk)

    with _progress_bar(label, len(texts), enabled=progress and len(texts) > chunk_size) as advance:
        if concurrent and len(chunks) > 1 and available_cores() > 1:
            _run_concurrently(run, chunks, advance)
        else:
            for start, chunk in chunks:
                advance(run(start, chunk))
    log.debug("%s: encoded %d texts", label, len(texts))
    return normalise_rows(out)


def _run_concurrently(
    run: Callable[[int, list[str]], int], chunks: list[tuple[int, list[str]]], advance: Callable[[int], None]
) -> None:
    """Run ``run(start, chunk)`` for every chunk on a thread pool, never more at once than :func:`encoding_threads`."""
    pending: set[Future[int]] = set()

    def settle(done: set[Future[int]]) -> None:
        for future in done:
            advance(future.result())  # re-raises a chunk's error in the caller's thread

    with ThreadPoolExecutor(max_workers=available_cores(), thread_name_prefix="encode") as pool:
        try:
            for start, chunk in chunks:
                while len(pending) >= encoding_threads():
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    settle(done)
                pending.add(pool.submit(run, start, chunk))
            settle(wait(pending).done)
        finally:
            for future in pending:
                future.cancel()


@contextmanager
def _progress_bar(label: str, total: int, *, enabled: bool) -> Iterator[Callable[[int], None]]:
    """Yield an ``advance(n)`` callback: a rich bar when enabled, a no-op otherwise."""
    if not enabled:
        yield lambda _n: None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)
