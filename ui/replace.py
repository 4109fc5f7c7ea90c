"""Replacing a corpus document with an upload (an administrator's choice, `替换已有文献`).

An upload replaces the document whose clean text it repeats, else the one whose file has its
name (same stem, case-folded: `报告.docx` for `报告.pdf`; one under `uploads/` first, else the only
one in the corpus). The new file takes the old one's folder and stem, so the doc_id stays and so
does a sidecar (`报告.pdf.meta.json` is renamed `报告.docx.meta.json` when the extension changes).
The old file (and sidecar) is first moved aside into a hidden folder of the corpus (the corpus
skips hidden folders); `restore` puts it back if the rebuild fails, `discard` deletes it once the
index is rebuilt.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from retrieval.ingest.corpus import corpus_files, relative_path
from retrieval.ingest.metadata import sidecar_path

UPLOAD_FOLDER = "uploads"


@dataclass
class Replacement:
    """One corpus file swapped for an upload; `moved` pairs (aside, original) for `restore`."""

    old: str                                   # corpus-relative path of the replaced file
    new: Path                                  # where the upload now is
    aside: Path                                # hidden folder holding the old file until `discard`
    moved: list[tuple[Path, Path]] = field(default_factory=list)
    created: list[Path] = field(default_factory=list)

    @property
    def now(self) -> str:
        """Corpus-relative path of the upload that took the old file's place."""
        return (PurePosixPath(self.old).parent / self.new.name).as_posix()

    def restore(self) -> None:
        """Remove the upload (and the sidecar copied for it) and put the old file and sidecar back."""
        for path in self.created:
            path.unlink(missing_ok=True)
        for aside, original in self.moved:
            shutil.move(aside, original)
        shutil.rmtree(self.aside, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.aside, ignore_errors=True)


def target_of(name: str, text: str, known: dict[str, str], corpus_dir: Path) -> str | None:
    """Corpus-relative path of the file the upload `name` (clean text `text`) would replace, or None."""
    if text in known and (corpus_dir / known[text]).is_file():
        return known[text]
    stem = PurePosixPath(name).stem.casefold()
    same = [relative_path(p, corpus_dir) for p in corpus_files(corpus_dir) if p.stem.casefold() == stem]
    in_uploads = [p for p in same if PurePosixPath(p).parent.as_posix() == UPLOAD_FOLDER]
    chosen = in_uploads or same
    return chosen[0] if len(chosen) == 1 else None


def replace_file(upload: str | Path, name: str, old: str, corpus_dir: Path) -> Replacement:
    """Move `old` (and its sidecar) aside and copy `upload` to its stem with `name`'s extension."""
    old_path = corpus_dir / old
    new_path = old_path.with_name(old_path.stem + PurePosixPath(name).suffix.lower())
    if new_path != old_path and new_path.exists():
        raise FileExistsError(f"{new_path.name} already exists")
    aside = Path(tempfile.mkdtemp(prefix=".replaced-", dir=corpus_dir))
    done = Replacement(old, new_path, aside)
    for original in (old_path, sidecar_path(old_path)):
        if original.exists():
            done.moved.append((aside / original.name, original))
            shutil.move(original, aside / original.name)
    try:
        done.created.append(new_path)
        shutil.copyfile(upload, new_path)
        old_sidecar = aside / sidecar_path(old_path).name
        if old_sidecar.exists():
            done.created.append(sidecar_path(new_path))
            shutil.copyfile(old_sidecar, sidecar_path(new_path))
    except OSError:
        done.restore()
        raise
    return done
