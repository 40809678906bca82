"""Multilingual sentence encoders, an embedding cache and a FAISS index."""

from .cache import CachedEncoder, default_cache_dir
from .encoder import Encoder, lending_core, loading_beside
from .index import VectorIndex
from .loader import load_encoder
from .margin import knn_mean, margin_matrix, ratio_margin

__all__ = [
    "CachedEncoder",
    "Encoder",
    "VectorIndex",
    "default_cache_dir",
    "knn_mean",
    "lending_core",
    "loading_beside",
    "load_encoder",
    "margin_matrix",
    "ratio_margin",
]
