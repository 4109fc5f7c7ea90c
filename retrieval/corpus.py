"""Load a corpus folder: read -> clean -> metadata -> structure, one `Document` per file.

`doc_id` is the file's path relative to the corpus folder, POSIX separators,
without its last extension: `corpus/policy/2024/foo.txt` -> `policy/2024/foo`.
It is stable as long as the file is not moved or renamed. Two files that would
share a doc_id (`foo.txt` and `foo.md`) are both reported as failures: rename one.

`load_corpus` walks the folder recursively in sorted path order, reads the
supported extensions (`.txt .md .html .htm .docx .pdf`), skips hidden files and
folders and `*.meta.json` sidecars; a file that cannot be read becomes a
`Failure` with the reason and the rest still loads. `sha256` covers the raw bytes
of the file followed by the bytes of its sidecar, if any.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path, PurePosixPath

from retrieval.clean import clean_text
from retrieval.errors import CorpusError, DocumentError
from retrieval.metadata import SIDECAR_SUFFIX, read_sidecar, resolve_metadata, sidecar_bytes
from retrieval.query import SURROGATE, encodable
from retrieval.read import SUPPORTED, read_file
from retrieval.structure import build_structure
from retrieval.types import Corpus, Document, Failure

INFER_HEADINGS = {"txt", "pdf"}   # formats without heading markup


def relative_path(path: str | Path, root: str | Path) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except ValueError as exc:
        raise DocumentError(f"{path} is not inside the corpus folder {root}") from exc


def doc_id_for(path: str | Path, root: str | Path) -> str:
    """Relative path without the last extension, POSIX separators (see module docstring)."""
    return PurePosixPath(relative_path(path, root)).with_suffix("").as_posix()


def file_sha256(path: Path, sidecar_bytes: bytes) -> str:
    digest = hashlib.sha256(path.read_bytes())
    digest.update(sidecar_bytes)
    return digest.hexdigest()


def load_document(path: str | Path, root: str | Path) -> Document:
    """One clean, structured document; `DocumentError` when it cannot be read."""
    path = Path(path)
    raw = read_file(path)
    sidecar, sidecar_bytes = read_sidecar(path)
    cleaned = clean_text(raw)
    if not cleaned.blocks:
        raise DocumentError(f"{path.name}: no body text left after cleaning")
    overrides = [("front matter", raw.meta), ("sidecar", sidecar)]
    meta, warnings = resolve_metadata(cleaned.stated, cleaned.blocks[0].text, overrides)
    text, paragraphs = build_structure(cleaned.blocks, infer_headings=raw.format in INFER_HEADINGS)
    return Document(
        doc_id=doc_id_for(path, root), path=relative_path(path, root), title=meta.title,
        text=text, source=meta.source, date=meta.date, author=meta.author,
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
        rel = relative_path(path, root)
        if SURROGATE.search(rel):      # undecodable bytes in the name: no doc_id or path JSON can hold
            failures.append(failure(path, encodable(rel), "the file name is not valid UTF-8; rename the file"))
            continue
        if doc_id_for(path, root) in clashes:
            failures.append(failure(path, rel, f"doc_id {doc_id_for(path, root)!r} is shared with another file; "
                                               "rename one"))
            continue
        try:
            documents.append(load_document(path, root))
        except DocumentError as exc:
            failures.append(failure(path, rel, str(exc)))
    return Corpus(str(root), tuple(documents), tuple(failures))


def failure(path: Path, rel: str, reason: str) -> Failure:
    """A skipped file, with the sha256 the manifest keeps so that it does not count as changed."""
    try:
        digest = file_sha256(path, sidecar_bytes(path))
    except OSError:
        digest = ""
    return Failure(rel, reason, digest)
