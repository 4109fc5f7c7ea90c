"""Load a corpus folder: read -> clean -> metadata -> structure, one `Document` per file.

`doc_id` is the file's path relative to the corpus folder, POSIX separators,
without its last extension: `corpus/policy/2024/foo.txt` -> `policy/2024/foo`.
It is stable as long as the file is not moved or renamed. Two files that would
share a doc_id (`foo.txt` and `foo.md`) are both reported as failures: rename one.

`load_corpus` walks the folder recursively in sorted path order, reads the
supported extensions (`.txt .md .html .htm .docx .pdf`), skips hidden files and
folders and `*.meta.json` sidecars; a file that cannot be read becomes a
`Failure` with the reason and the rest still loads: any error while reading,
cleaning or structuring one file, expected or not, is that file's failure, never
the corpus's. A symbolic link to a file outside the corpus folder is not followed
(a failure); one to a file inside it is read under the link's own name. `sha256`
covers the raw bytes of the file followed by the bytes of its sidecar, if any
(for a link that is not followed: the link's target name).
"""
from __future__ import annotations

import hashlib
import os
from collections import Counter
from pathlib import Path, PurePosixPath

from retrieval.ingest.clean import HEAD_WINDOW, clean_text
from retrieval.errors import CorpusError, DocumentError
from retrieval.ingest.metadata import SIDECAR_SUFFIX, read_sidecar, resolve_metadata, sidecar_bytes
from retrieval.search.query import SURROGATE, encodable
from retrieval.ingest.read import SUPPORTED, read_file
from retrieval.ingest.structure import build_structure
from retrieval.ingest.title import opening_paragraph
from retrieval.types import Corpus, Document, Failure

INFER_HEADINGS = {"txt", "pdf"}   # formats without heading markup


def relative_path(path: str | Path, root: str | Path) -> str:
    """`path` relative to `root`, POSIX separators; a symbolic link keeps its own name."""
    for resolve in (os.path.abspath, os.path.realpath):
        try:
            return Path(resolve(path)).relative_to(resolve(root)).as_posix()
        except ValueError:
            continue
    raise DocumentError(f"{path} is not inside the corpus folder {root}")


def outside_link(path: Path, root: Path) -> bool:
    """`path` is a symbolic link (or lies under one) whose target is outside `root`."""
    try:
        path.resolve().relative_to(root.resolve())
        return False
    except (ValueError, OSError, RuntimeError):   # outside, or a link loop
        return True


def doc_id_for(path: str | Path, root: str | Path) -> str:
    """Relative path without the last extension, POSIX separators (see module docstring)."""
    return PurePosixPath(relative_path(path, root)).with_suffix("").as_posix()


def file_sha256(path: Path, sidecar_bytes: bytes) -> str:
    digest = hashlib.sha256(path.read_bytes())
    digest.update(sidecar_bytes)
    return digest.hexdigest()


def file_digest(path: Path, root: Path) -> str:
    """`file_sha256` as the manifest records it, for any file the corpus lists: a link out of the
    corpus is hashed by its target's name (never read), an unreadable file is ""."""
    try:
        if outside_link(path, root):
            return hashlib.sha256(os.fsencode(os.readlink(path)) if path.is_symlink() else b"").hexdigest()
        return file_sha256(path, sidecar_bytes(path))
    except OSError:
        return ""


def load_document(path: str | Path, root: str | Path) -> Document:
    """One clean, structured document; `DocumentError` when it cannot be read."""
    path = Path(path)
    raw = read_file(path)
    sidecar, sidecar_bytes = read_sidecar(path)
    cleaned = clean_text(raw)
    if not cleaned.blocks:
        raise DocumentError(f"{path.name}: no body text left after cleaning")
    overrides = [("front matter", raw.meta), ("sidecar", sidecar)]
    opening = opening_paragraph([b.text for b in cleaned.blocks[:HEAD_WINDOW]])
    meta, warnings = resolve_metadata(cleaned.stated, opening, overrides)
    text, paragraphs = build_structure(cleaned.blocks, infer_headings=raw.format in INFER_HEADINGS)
    return Document(
        doc_id=doc_id_for(path, root), path=relative_path(path, root), title=meta.title,
        text=text, source=meta.source, date=meta.date, author=meta.author, url=meta.url,
        title_from=meta.title_from, credits=meta.credits,
        paragraphs=paragraphs, warnings=tuple(warnings), sha256=file_sha256(path, sidecar_bytes))


def is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def corpus_files(root: Path) -> list[Path]:
    """Supported, non-hidden files under `root`, sorted by relative path."""
    files = (p for p in root.rglob("*") if p.is_file() and not is_hidden(p, root))
    return sorted((p for p in files if p.suffix.lower() in SUPPORTED and not p.name.endswith(SIDECAR_SUFFIX)),
                  key=lambda p: p.relative_to(root).as_posix())


def colliding_ids(files: list[Path], root: Path) -> set[str]:
    counts = Counter(doc_id_for(p, root) for p in files)
    return {doc_id for doc_id, n in counts.items() if n > 1}


def load_corpus(root: str | Path) -> Corpus:
    """Every document under `root` plus a `Failure` for each file that could not be read."""
    root = Path(root)
    if not root.is_dir():
        raise CorpusError(f"corpus folder not found: {root}")
    files = corpus_files(root)
    if not files:
        raise CorpusError(f"no supported files ({' '.join(SUPPORTED)}) in {root}")
    clashes = colliding_ids(files, root)
    documents, failures = [], []
    for path in files:
        loaded = load_one(path, root, clashes)
        (documents if isinstance(loaded, Document) else failures).append(loaded)
    return Corpus(str(root), tuple(documents), tuple(failures))


def load_one(path: Path, root: Path, clashes: set[str]) -> Document | Failure:
    """The document of one corpus file, or its `Failure`: nothing raised here stops the corpus."""
    rel = relative_path(path, root)
    if SURROGATE.search(rel):      # undecodable bytes in the name: no doc_id or path JSON can hold
        return failure(path, root, encodable(rel), "the file name is not valid UTF-8; rename the file")
    if outside_link(path, root):
        return failure(path, root, rel, "a symbolic link to a file outside the corpus folder; not followed")
    if doc_id_for(path, root) in clashes:
        return failure(path, root, rel, f"doc_id {doc_id_for(path, root)!r} is shared with another file; rename one")
    try:
        return load_document(path, root)
    except DocumentError as exc:
        return failure(path, root, rel, str(exc))
    except Exception as exc:  # noqa: BLE001  (a reader's or parser's own bug: this file only)
        return failure(path, root, rel, f"{path.name}: cannot be read ({type(exc).__name__}: {exc})"[:500])


def failure(path: Path, root: Path, rel: str, reason: str) -> Failure:
    """A skipped file, with the sha256 the manifest keeps so that it does not count as changed."""
    return Failure(rel, reason, file_digest(path, root))
