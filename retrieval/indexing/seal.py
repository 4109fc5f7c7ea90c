"""Every file of an index generation, sealed: its size and sha256 in the manifest, and the manifest's
own checksum over everything it says (`checksum`), added last, when every other file is written.

`check_generation` is what loading, `build` and `python -m retrieval check` trust: a missing,
truncated, emptied or altered file, or an edited manifest, is an `IndexCorruptError` naming the file,
whose advice (`build`) repairs it (`manifest.needs_build` rebuilds a generation that fails it).
Checksums of a file already verified in this process (same size, time and inode) are not recomputed.
"""
from __future__ import annotations

import hashlib
import json
import mmap
from pathlib import Path

from retrieval.indexing import store
from retrieval.errors import IndexCorruptError, IndexStaleError

MANIFEST = "manifest.json"
HASH_SLICE = 256 * 2**20          # bytes of a file hashed at a time: a 5 GB FAISS file is not all resident at once
_verified: dict[tuple, str] = {}     # (path, size, mtime_ns, inode) -> sha256 of a file read before


def file_sha256(path: Path) -> str:
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    if key not in _verified:
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            if stat.st_size:        # large updates over the mapped file: the GIL is let go once a slice
                with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                    view = memoryview(mapped)
                    for lo in range(0, stat.st_size, HASH_SLICE):
                        digest.update(view[lo:lo + HASH_SLICE])
                        if stat.st_size > HASH_SLICE:   # its pages leave the process (they stay cached)
                            mapped.madvise(mmap.MADV_DONTNEED, lo, min(HASH_SLICE, stat.st_size - lo))
                    view.release()
        _verified[key] = digest.hexdigest()
    return _verified[key]


def index_files(folder: Path) -> dict[str, dict]:
    """{relative path: {"bytes", "sha256"}} of every file of the generation but the manifest."""
    return {p.relative_to(folder).as_posix(): {"bytes": p.stat().st_size, "sha256": file_sha256(p)}
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MANIFEST}


def manifest_checksum(manifest: dict) -> str:
    """sha256 of the manifest's content without its `checksum` (key order and spacing do not matter)."""
    body = {k: v for k, v in manifest.items() if k != "checksum"}
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seal_folder(folder: Path) -> None:
    """Record every file's size and sha256 in the manifest and seal it (the build's last write)."""
    manifest = store.read_json(folder / MANIFEST)
    manifest["index_files"] = index_files(folder)
    manifest["checksum"] = manifest_checksum(manifest)
    store.write_json(folder / MANIFEST, manifest)


def damaged(folder: Path, detail: str, rebuild: bool = False) -> IndexCorruptError:
    """The error for a damaged generation; `rebuild` for damage its checksums do not show (a file that
    was written wrong), which only `build --rebuild` is sure to repair (`build` sees nothing to do)."""
    command = f"python -m retrieval build --index {folder.parent}" + (" --rebuild" if rebuild else "")
    error = IndexCorruptError(f"index {folder} is damaged ({detail}): run `{command}` to rebuild it")
    error.detail = detail
    return error


def read_manifest(folder: Path) -> dict:
    """The generation's manifest as written by the build; `IndexCorruptError` when missing,
    unreadable, not a JSON object, or edited since (its checksum)."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise damaged(folder, f"{MANIFEST} is missing") from None
    except (OSError, ValueError, RecursionError) as exc:
        raise damaged(folder, f"{MANIFEST} is unreadable: {type(exc).__name__}") from None
    if not isinstance(manifest, dict):
        raise damaged(folder, f"{MANIFEST} is not a JSON object")
    if manifest.get("schema_version") != store.SCHEMA_VERSION:
        raise IndexStaleError(f"index {folder} has schema version {str(manifest.get('schema_version'))[:20]}, "
                              f"this version reads {store.SCHEMA_VERSION}: "
                              f"run `python -m retrieval build --index {folder.parent}`")
    try:
        sealed = manifest.get("checksum") == manifest_checksum(manifest)
    except (TypeError, ValueError):
        sealed = False
    if not sealed or not isinstance(manifest.get("index_files"), dict):
        raise damaged(folder, f"{MANIFEST} was changed after the build: its checksum does not match")
    return manifest


def check_file(folder: Path, name: str, record, full: bool) -> None:
    path = folder / name
    if not isinstance(record, dict) or ".." in Path(name).parts or Path(name).is_absolute():
        raise damaged(folder, f"{MANIFEST} has a bad record for {name[:80]}")
    try:
        size = path.stat().st_size if path.is_file() else None
    except OSError:
        size = None
    if size is None:
        raise damaged(folder, f"{name} is missing")
    if size != record.get("bytes"):
        raise damaged(folder, f"{name} is {size} bytes, the manifest says {record.get('bytes')}")
    try:
        if full and file_sha256(path) != record.get("sha256"):
            raise damaged(folder, f"{name} does not match its checksum")
    except OSError as exc:
        raise damaged(folder, f"{name} cannot be read: {exc.strerror or exc}") from None


def check_generation(folder: Path, full: bool = True) -> dict:
    """The verified manifest of the generation in `folder`: every file the manifest lists present with
    its size (and, when `full`, its sha256), every required file listed. Raises `IndexCorruptError`."""
    manifest = read_manifest(folder)
    files = manifest["index_files"]
    listed = {name.split("/")[0] for name in files}
    missing = [name for name in store.REQUIRED if name != MANIFEST and name not in listed]
    if missing:
        raise damaged(folder, f"the manifest lists no {', '.join(missing)}")
    for name, record in sorted(files.items(), key=lambda item: str(item[0])):
        check_file(folder, str(name), record, full)
    return manifest


def verified_file(folder: Path, manifest: dict, name: str) -> bool:
    """True when `name` is listed in the (verified) manifest and its bytes match the checksum."""
    record = manifest.get("index_files", {}).get(name)
    try:
        return isinstance(record, dict) and (folder / name).stat().st_size == record.get("bytes") and \
            file_sha256(folder / name) == record.get("sha256")
    except OSError:
        return False
