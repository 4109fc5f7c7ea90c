"""Adding uploaded files to the corpus safely, then rebuilding the index (an administrator action).

Each file is checked before it touches the corpus: type (extension), size, and a
safe name (no folders, no hidden or control characters; `../../etc/passwd.txt`
becomes `etc-passwd.txt`). It is then read in a temporary folder with the same
loader the index uses, so an unreadable file is reported and never enters the
corpus. Good files are stored under `<corpus>/uploads/` with a name that clashes
with no existing file or doc_id (`-2`, `-3`, ... appended), created exclusively.
If the rebuild fails, or the build itself rejects a new file, that file is
removed again, so corpus and index stay as they were.

A file whose clean text is already in the corpus is refused with the existing file's name,
unless the administrator chose to replace (`replace=True`): then an upload repeating a
document's text, or having its file's name, replaces that file (`ui.replace`: same folder and
stem, so the same doc_id), and the index is rebuilt incrementally (unchanged chunks are not
embedded again); a failed rebuild puts the old file back.
"""
from __future__ import annotations

import logging
import re
import shutil
import tempfile
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from retrieval.indexing import stores
from retrieval.ingest.corpus import load_document
from retrieval.errors import DocumentError
from ui.replace import Replacement, replace_file, target_of

log = logging.getLogger(__name__)

ALLOWED = (".txt", ".md", ".html", ".docx", ".pdf")
UPLOAD_FOLDER = "uploads"
MAX_STEM = 80
UNSAFE = re.compile(r"[^\w\u3400-\u9fff\uf900-\ufaff.（）()《》-]+")
BUILD_LOCK = threading.Lock()


class UploadError(Exception):
    """A file was refused; the message says why (shown to the administrator)."""


@dataclass
class AddReport:
    added: list[str] = field(default_factory=list)        # corpus-relative paths now indexed
    rejected: list[str] = field(default_factory=list)     # "name: reason"
    replaced: list[Replacement] = field(default_factory=list)   # corpus files an upload replaced
    build: object = None                                   # retrieval.indexing.build.BuildReport
    error: str = ""                                        # the rebuild failed: nothing changed


def safe_name(original: str) -> str:
    """A plain file name for `original`: last path part only, unsafe characters folded to '-'."""
    name = PurePosixPath(str(original).replace("\\", "/")).name
    name = unicodedata.normalize("NFC", name)
    ext = PurePosixPath(name).suffix.lower()
    if ext not in ALLOWED:
        raise UploadError(f"{name or '(无名文件)'}：不支持的文件类型，只接受 {' '.join(ALLOWED)}")
    stem = UNSAFE.sub("-", name[: -len(ext)]).strip(".-_ ")
    stem = re.sub(r"-{2,}", "-", stem)[:MAX_STEM] or "upload"
    return stem + ext


def check_size(path: Path, max_bytes: int) -> None:
    size = path.stat().st_size
    if size == 0:
        raise UploadError(f"{path.name}：文件为空")
    if size > max_bytes:
        raise UploadError(f"{path.name}：文件过大（{size / 2**20:.1f} MB，上限 {max_bytes / 2**20:.0f} MB）")


def validate(upload: str | Path, max_bytes: int, original: str | None = None) -> str:
    """The safe name of a readable upload; `UploadError` (with the reason) otherwise."""
    return checked(upload, max_bytes, original)[0]


def checked(upload: str | Path, max_bytes: int, original: str | None = None) -> tuple[str, str]:
    """(safe name, clean text) of a readable upload; `UploadError` (with the reason) otherwise."""
    path = Path(upload)
    if not path.is_file():
        raise UploadError(f"{path.name}：上传的文件不存在")
    name = safe_name(original or path.name)
    check_size(path, max_bytes)
    with tempfile.TemporaryDirectory(prefix="upload-check-") as tmp:
        trial = Path(tmp) / name
        shutil.copyfile(path, trial)
        try:
            text = load_document(trial, tmp).text
        except DocumentError as exc:
            raise UploadError(f"{name}：无法读取（{exc}）") from exc
    return name, text


def taken_stems(folder: Path) -> set[str]:
    """Stems in `folder` (any extension, case-folded): a new file must not share one (doc_id clash)."""
    return {p.stem.casefold() for p in folder.iterdir()} if folder.is_dir() else set()


def store(upload: str | Path, name: str, corpus_dir: Path) -> Path:
    """Copy `upload` into `<corpus>/uploads/` under a fresh name; never overwrites anything."""
    folder = corpus_dir / UPLOAD_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    stem, ext = name[: -len(PurePosixPath(name).suffix)], PurePosixPath(name).suffix
    for n in range(1, 1000):
        candidate = f"{stem}{'' if n == 1 else f'-{n}'}{ext}"
        if candidate.rsplit(".", 1)[0].casefold() in taken_stems(folder):
            continue
        target = folder / candidate
        try:
            with open(target, "xb") as out, open(upload, "rb") as src:
                shutil.copyfileobj(src, out)
        except FileExistsError:
            continue
        return target
    raise UploadError(f"{name}：同名文件过多，请改名后再上传")


def accept(uploads, max_bytes: int, corpus_dir: Path, report: AddReport, known=None,
           replace: bool = False) -> list[Path]:
    """Validate and store each upload; refused ones go to `report.rejected`. `known` maps the clean
    text of each corpus document to its path: a file whose text is already there (uploaded twice,
    or twice in one batch) is refused with the existing file's name, so no answer shows it twice;
    with `replace`, it (or a file of the same name) is replaced instead (`report.replaced`)."""
    stored, known = [], dict(known or {})
    for upload in uploads:
        try:
            name, text = checked(upload, max_bytes)
            old = target_of(name, text, known, corpus_dir) if replace else None
            if old:
                report.replaced.append(swap(upload, name, old, corpus_dir))
                stored.append(report.replaced[-1].new)
            elif text in known:
                raise UploadError(f"{name}：内容与语料库中已有的 {known[text]} 相同，未重复加入"
                                  "（如要替换，请勾选“替换已有文献”）")
            else:
                stored.append(store(upload, name, corpus_dir))
            known[text] = relative(stored[-1:], corpus_dir)[0]
        except UploadError as exc:
            report.rejected.append(str(exc))
    return stored


def swap(upload, name: str, old: str, corpus_dir: Path) -> Replacement:
    try:
        return replace_file(upload, name, old, corpus_dir)
    except OSError as exc:
        raise UploadError(f"{name}：无法替换 {old}（{exc}）") from exc


def undo(paths: list[Path], report: AddReport) -> None:
    """Remove new files among `paths`; a replacement puts the old file back instead."""
    swapped = {r.new: r for r in report.replaced}
    remove([p for p in paths if p not in swapped])
    for path in paths:
        if path in swapped:
            swapped[path].restore()
            report.replaced.remove(swapped[path])


def relative(paths: list[Path], corpus_dir: Path) -> list[str]:
    return [p.resolve().relative_to(corpus_dir.resolve()).as_posix() for p in paths]


def remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def rebuild(corpus_dir: Path, index_dir, model, stored: list[Path], progress, report: AddReport):
    """Build the index (a folder or a Milvus store); drop new files the build rejects (and rebuild without them)."""
    build = stores.build(corpus_dir, index_dir, model=model, progress=progress)
    failed = {f.path: f.reason for f in build.failures}
    bad = [p for p, rel in zip(stored, relative(stored, corpus_dir)) if rel in failed]
    if bad:
        report.rejected += [f"{p.name}：{failed[r]}" for p, r in zip(bad, relative(bad, corpus_dir))]
        undo(bad, report)
        build = stores.build(corpus_dir, index_dir, model=model, progress=progress)
    swapped = {r.new for r in report.replaced}
    report.added = relative([p for p in stored if p not in bad and p not in swapped], corpus_dir)
    return build


def add_documents(engine, uploads, corpus_dir, index_dir, max_bytes: int, progress=None,
                  replace: bool = False) -> AddReport:
    """Check, store and index `uploads` (`replace`: see module docstring); then reload `engine`.
    Never leaves half a change."""
    corpus_dir, index_dir = Path(corpus_dir), stores.as_location(index_dir)
    report = AddReport()
    if not BUILD_LOCK.acquire(blocking=False):
        report.error = "另一个重建任务正在进行，请稍后再试。"
        return report
    try:
        known = {doc.text: doc.path for doc in getattr(engine, "documents", {}).values()}
        stored = accept(uploads or [], max_bytes, corpus_dir, report, known, replace)
        if not stored:
            return report
        try:
            report.build = rebuild(corpus_dir, index_dir, engine.embedder.name, stored, progress, report)
        except Exception as exc:  # whatever failed, the corpus must go back to how it was
            log.exception("rebuild after upload failed")
            undo(stored, report)
            report.added, report.error = [], f"重建索引失败，语料库和索引保持原样：{exc}"
            return report
        for replacement in report.replaced:
            replacement.discard()
        engine.reload()
        engine.behind = None          # the index has caught up with the corpus
        return report
    finally:
        BUILD_LOCK.release()
