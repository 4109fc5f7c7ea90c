"""`python -m retrieval check [--index DIR | --store STORE] [--json]`: verify every file of the kept
index generations (in a Milvus store: every kept generation's collections read and checked as a load does)."""
from __future__ import annotations

import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from retrieval.indexing import store, stores
from retrieval.cli import add_store_arg, print_json
from retrieval.errors import IndexCorruptError, IndexMissingError, IndexStaleError, RetrievalError
from retrieval.indexing.integrity import read_generation
from retrieval.indexing.manifest import built_backend


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "check", help="verify the index: every file's size and checksum, and that each file parses",
        description="Verify every kept generation of the index: each file's size and sha256 against the "
                    "manifest, the manifest's own checksum, and that every file loads and agrees with the "
                    "others. Exit status 0 when the live generation is intact, 3 when it is damaged.")
    p.add_argument("--index", default="index", help="index folder (default: index/)")
    add_store_arg(p)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


@dataclass(frozen=True)
class Built:
    """The model an index was built with, as its manifest records it (`check` loads no model)."""

    name: str
    dim: int
    label: str = "torch-fp32"     # the embedding backend (`Embedder.label`)


@dataclass(frozen=True)
class Verdict:
    folder: str
    live: bool
    intact: bool
    problem: str        # empty when intact
    stale: bool         # not damaged: written by another version (`build` replaces it)
    files: int
    bytes: int
    seconds: float


def check_folder(folder: Path, live: bool) -> Verdict:
    started = time.perf_counter()
    try:
        manifest = store.read_json(folder / "manifest.json")
        model = manifest.get("model", {}) if isinstance(manifest, dict) else {}
        read_generation(folder, Built(str(model.get("name")), model.get("dimension"), built_backend(manifest)))
        files = manifest.get("index_files", {})
        problem, stale, count, size = "", False, len(files), sum(f.get("bytes", 0) for f in files.values())
    except RetrievalError as exc:
        problem, stale, count, size = str(exc), isinstance(exc, IndexStaleError), 0, 0
    return Verdict(str(folder), live, not problem, problem, stale, count, size, round(time.perf_counter() - started, 3))


def verdicts(root: Path) -> list[Verdict]:
    """The live generation first (when CURRENT names one), then the other kept ones, newest first."""
    try:
        live = store.current(root)
    except IndexMissingError:
        raise
    except IndexCorruptError as exc:
        live, pointer = None, Verdict(str(root / store.POINTER), True, False, str(exc), False, 0, 0, 0.0)
    out = [check_folder(live, True)] if live is not None else [pointer]
    return out + [check_folder(g, False) for g in store.generations(root) if g != live]


def store_verdicts(where: str) -> list[Verdict]:
    """Every kept generation of a Milvus store, the live one first, loaded and checked as `ask` loads it."""
    from retrieval.indexing.stores import milvus
    from retrieval.indexing.stores.milvus_build import generations

    live = milvus.live_generation(where).rsplit("#", 1)[1]        # StoreError when there is none
    kept = [live] + [g for g in reversed(generations(milvus.client(where))) if g != live]
    return [check_generation(where, g, g == live) for g in kept]


def check_generation(where: str, generation: str, live: bool) -> Verdict:
    from retrieval.indexing.stores import milvus

    started, mc, name = time.perf_counter(), milvus.client(where), milvus.names(generation)
    try:
        manifest = milvus.read_manifest(where, generation)
        model = manifest.get("model", {})
        milvus.read_generation(where, mc, generation, name,
                               Built(str(model.get("name")), model.get("dimension"), built_backend(manifest)))
        problem, stale = "", False
    except RetrievalError as exc:
        problem, stale = str(exc), isinstance(exc, IndexStaleError)
    except Exception as exc:  # noqa: BLE001  (a dropped collection, another schema)
        problem, stale = f"cannot read {generation} ({milvus.one_line(exc)})", False
    return Verdict(f"{where}#{generation}", live, not problem, problem, stale, len(name), 0,
                   round(time.perf_counter() - started, 3))


def run(args) -> int:
    where = stores.location(args.index, args.store)
    found = store_verdicts(where) if stores.is_milvus(where) else verdicts(Path(where))
    if args.json:
        print_json([asdict(v) for v in found])
    else:
        for v in found:
            role = "live" if v.live else "previous"
            what = f"{v.files} files, {v.bytes / 2**20:.2f} MiB" if v.bytes else f"{v.files} collections"
            state = (f"intact ({what} verified in {v.seconds:.2f} s)"
                     if v.intact else f"{'STALE' if v.stale else 'DAMAGED'}: {v.problem}")
            print(f"{role:8} {v.folder}: {state}")
    live = found[0]
    if not live.intact:
        print(f"error: {live.problem}", file=sys.stderr)
        return 3
    return 0
