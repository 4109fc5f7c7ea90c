"""The index on disk: a folder of plain files plus a human-readable manifest.

    index/
      CURRENT                 name of the live generation (replaced atomically)
      gen-<time>-<id>/
        manifest.json         schema, model, tokenizer, chunk settings, per-file sha256, counts, versions;
                              written last: the size and sha256 of every file below, and its own checksum
        documents.jsonl       one clean Document a line (the text citations slice)
        chunks.jsonl          row i = chunk i: doc_id, start, end, paragraph, text, key
        dense.faiss           FAISS index of the normalised chunk vectors, row i = chunk i: their only copy
                              (float32, or float16 codes above `dense.EXACT_LIMIT`), memory-mapped on load
        sentences.jsonl       sentence j of the chunks: row (its chunk), start, end, key
        sentences.faiss       the same for the sentences
        lexical/              bm25s files (params, vocab, csc arrays)
        tokens/               every chunk's BM25 tokens, reused by the next build (`retrieval.indexing.token_store`)
        terms.txt             the tokenizer's domain dictionary

A build writes a new generation folder, then replaces CURRENT with one rename:
a crash leaves the previous index in place. A build that only adds or removes documents writes it
from the live generation's files (`retrieval.indexing.append`), the same way. All but the two newest generations are removed after;
the previous one answers when the live one is damaged (`retrieval.indexing.seal`, `Engine.open`).
"""
from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from retrieval.errors import IndexCorruptError, IndexMissingError

SCHEMA_VERSION = 3     # 3: every file's size and sha256 in the manifest, which is sealed
POINTER = "CURRENT"
REQUIRED = ("manifest.json", "documents.jsonl", "chunks.jsonl", "dense.faiss", "sentences.jsonl",
            "sentences.faiss", "lexical", "terms.txt")
KEEP_GENERATIONS = 2


def new_generation(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    name = f".tmp-gen-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    folder = root / name
    folder.mkdir()
    return folder


def fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())


def publish(root: Path, tmp: Path) -> Path:
    """Make `tmp` the live generation: rename it, then swap CURRENT atomically."""
    fsync_tree(tmp)
    final = root / tmp.name.removeprefix(".tmp-")
    tmp.rename(final)
    pointer_tmp = root / f".{POINTER}.{uuid.uuid4().hex[:6]}"
    pointer_tmp.write_text(final.name + "\n", encoding="utf-8")
    os.replace(pointer_tmp, root / POINTER)
    prune(root, keep=final.name)
    return final


def prune(root: Path, keep: str) -> None:
    """Remove abandoned temporary folders and all but the newest generations."""
    for tmp in root.glob(".tmp-gen-*"):
        shutil.rmtree(tmp, ignore_errors=True)
    gens = sorted((p for p in root.glob("gen-*") if p.is_dir()), key=lambda p: p.name)
    for old in [g for g in gens if g.name != keep][:-(KEEP_GENERATIONS - 1) or None]:
        shutil.rmtree(old, ignore_errors=True)


def generations(root: Path) -> list[Path]:
    """Published generation folders, newest first."""
    return sorted((p for p in root.glob("gen-*") if p.is_dir()), key=lambda p: p.name, reverse=True)


def pointer_name(root: Path) -> str | None:
    """The generation name CURRENT holds, None when it is missing, unreadable or names no folder of root."""
    try:
        name = (root / POINTER).read_bytes().decode("utf-8").strip()
    except (OSError, ValueError):
        return None
    return name if name.startswith("gen-") and "/" not in name and "\\" not in name else None


def live_folder(root: Path) -> Path:
    """The folder CURRENT names, complete or not (`current` checks it)."""
    name = pointer_name(root)
    return root / name if name else root / POINTER     # no index: a path that holds nothing


def current(root: Path) -> Path:
    """Folder of the live generation, or a typed error saying what to run."""
    pointer = root / POINTER
    if not pointer.is_file():
        if generations(root):
            raise IndexCorruptError(f"index {root}/ has no {POINTER} file naming its live generation: "
                                    f"run `python -m retrieval build --index {root}`")
        raise IndexMissingError(
            f"no index at {root}/: run `python -m retrieval build --index {root}`")
    if pointer_name(root) is None:
        raise IndexCorruptError(f"{root}/{POINTER} does not name an index generation: "
                                f"run `python -m retrieval build --index {root}`")
    folder = live_folder(root)
    missing = [name for name in REQUIRED if not (folder / name).exists()]
    if missing:
        raise IndexCorruptError(
            f"index {folder} is incomplete (missing {', '.join(missing)}): "
            f"run `python -m retrieval build --index {root} --rebuild`")
    return folder


def write_jsonl(path: Path, rows) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        append_jsonl(fh, rows)


def append_jsonl(fh, rows) -> None:
    """Write each record as one line to the open text file `fh`."""
    for row in rows:
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict]:
    return list(iter_jsonl(path))


def iter_jsonl(path: Path) -> Iterator[dict]:
    """The records of a JSON-lines file one at a time (a large index is never all in memory at once)."""
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)
    except (OSError, ValueError) as exc:
        raise unreadable(path, exc) from exc


def unreadable(path: Path, exc: Exception) -> IndexCorruptError:
    """A file of a generation (`index/gen-…/name`) that cannot be read, with the command that rebuilds it."""
    return IndexCorruptError(f"cannot read {path}: {exc}: "
                             f"run `python -m retrieval build --index {path.parent.parent} --rebuild`")


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise unreadable(path, exc) from exc


def load_array(path: Path):
    """A saved numpy array, memory-mapped (read on demand, not loaded whole)."""
    try:
        return np.load(path, mmap_mode="r")
    except (OSError, ValueError) as exc:
        raise unreadable(path, exc) from exc
