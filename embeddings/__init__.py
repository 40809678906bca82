"""Multilingual sentence encoders, an embedding cache and a FAISS index."""
