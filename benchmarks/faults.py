#!/usr/bin/env python
"""Fault injection: every file of a live index generation × every kind of damage, plus edits of the
manifest and of CURRENT, each run through the real command line; prints a table of outcomes.

`.venv/bin/python benchmarks/faults.py [--corpus corpus/] [--question Q] [--json]`

For each case a fresh copy of one index (two intact generations: the live one and a previous one)
is damaged, then four things are run in-process through `retrieval.cli.main`:
  ask            `ask --json` with the corpus (the index may be rebuilt)
  no build       `ask --json` while no build is possible (the corpus folder is missing)
  check          `check`
  build, check   `build` then `check` (does build repair what ask refuses?)
and, with the previous generation removed (no build possible):
  alone          `ask --json` on the damaged generation alone (when CURRENT is what was damaged, the
                 generation it named is then "the previous generation", and answers)
  resealed       the same, after the damaged files were sealed into the manifest (checksums bypassed,
                 as a bug that wrote bad files would): the checks that parse each file must catch it
                 (a different answer can go unnoticed here; a traceback must not)
Each outcome is classified (see `classify`). Good outcomes: a one-line `error:` message, the
previous generation answering with a warning, a rebuild with a warning, or (for edits that change
nothing that matters) no effect; never a traceback, never a different answer. Figures: README,
"Reliability". `tests/test_faults.py` runs a representative subset on every `make test`.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

QUESTION = "什么是一岗双责？"
KINDS = ("truncate", "empty", "header flip", "middle flip", "delete")
MANIFEST_EDITS = ("dimension changed", "chunk count changed", "a file's size changed", "not JSON",
                  "not UTF-8", "key order and spacing changed")
POINTER_EDITS = ("not UTF-8", "empty", "names a missing generation", "names a folder outside",
                 "names the previous generation")
BENIGN = {("manifest.json", "key order and spacing changed"), ("CURRENT", "names the previous generation")}
GOOD = {"message", "previous generation", "rebuilt", "no effect"}
MODES = ("ask", "no build", "check", "build, check", "alone", "resealed")


# --- damage ----------------------------------------------------------------------------
def flip(path: Path, start: int, length: int) -> None:
    data = bytearray(path.read_bytes())
    end = min(len(data), start + max(1, length))
    data[start:end] = bytes(b ^ 0xFF for b in data[start:end])
    path.write_bytes(bytes(data))


def damage(path: Path, kind: str) -> None:
    """Damage one file the way a disk, a crash or a careless hand does."""
    size = path.stat().st_size
    if kind == "truncate":
        with open(path, "r+b") as fh:
            fh.truncate(size // 2)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "header flip":
        flip(path, 0, 16)
    elif kind == "middle flip":
        flip(path, size // 2 - size // 100, max(1, size // 50))     # 2 % of the bytes around the middle
    elif kind == "delete":
        path.unlink()
    else:
        raise ValueError(kind)


def edit_manifest(path: Path, edit: str) -> None:
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    if edit == "dimension changed":
        data["model"]["dimension"] = 384
    elif edit == "chunk count changed":
        data["counts"]["chunks"] += 1
    elif edit == "a file's size changed":
        data["index_files"]["dense.faiss"]["bytes"] += 1
    elif edit == "not JSON":
        path.write_text(text[: len(text) // 2], encoding="utf-8")
        return
    elif edit == "not UTF-8":
        path.write_bytes(b"\xff\xfe" + text.encode("utf-8"))
        return
    elif edit == "key order and spacing changed":
        path.write_text(json.dumps(dict(reversed(list(data.items()))), ensure_ascii=False), encoding="utf-8")
        return
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def edit_pointer(index: Path, edit: str) -> None:
    from retrieval.indexing import store

    pointer, live = index / store.POINTER, store.live_folder(index)
    previous = next((g for g in store.generations(index) if g != live), live)    # alone: the live one
    pointer.write_bytes({"not UTF-8": b"\xff\xfe\xfagen\n", "empty": b"",
                         "names a missing generation": b"gen-20000101-000000-000000\n",
                         "names a folder outside": b"../../etc\n",
                         "names the previous generation": previous.name.encode() + b"\n"}[edit])


def cases(index: Path) -> list[tuple[str, str]]:
    """(file, damage) for every file of the live generation and every kind, then the edits."""
    from retrieval.indexing import store

    live = store.live_folder(index)
    files = sorted(p.relative_to(live).as_posix() for p in live.rglob("*") if p.is_file())
    out = [(name, kind) for name in files for kind in KINDS]
    out += [("manifest.json", edit) for edit in MANIFEST_EDITS]
    out += [("CURRENT", edit) for edit in POINTER_EDITS] + [("CURRENT", "delete")]
    return out


def apply(index: Path, name: str, kind: str) -> None:
    from retrieval.indexing import store

    if name == "CURRENT":
        (index / store.POINTER).unlink() if kind == "delete" else edit_pointer(index, kind)
    elif name == "manifest.json" and kind in MANIFEST_EDITS:
        edit_manifest(store.live_folder(index) / name, kind)
    else:
        damage(store.live_folder(index) / name, kind)


# --- running and classifying -------------------------------------------------------------
def run_cli(argv: list[str]) -> tuple[int | None, str, str]:
    """(exit status or None for an escaped exception, stdout, stderr) of one in-process command."""
    from retrieval.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException as exc:  # noqa: BLE001  (a traceback is what this looks for)
            err.write(f"Traceback (escaped): {type(exc).__name__}: {exc}\n")
            code = None
    return code, out.getvalue(), err.getvalue()


def answer_of(stdout: str):
    """What must not change: found, and each passage's place and text."""
    try:
        result = json.loads(stdout)
    except ValueError:
        return None
    return result.get("found"), [(p["doc_id"], p["start"], p["end"], p["text"]) for p in result.get("passages", [])]


def classify(code, stdout: str, stderr: str, baseline) -> str:
    """traceback / different answer / unclear message / message / previous generation / rebuilt / no effect."""
    if code is None or "Traceback" in stderr:
        return "traceback"
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    if code != 0:
        return "message" if len(errors) == 1 and len(stderr.strip().splitlines()) == 1 else "unclear message"
    if answer_of(stdout) != baseline:
        return "different answer"
    if "previous generation" in stderr:
        return "previous generation"
    if "rebuilt it" in stderr:
        return "rebuilt"
    return "no effect"


def ask_argv(index: Path, corpus: Path, question: str) -> list[str]:
    return ["ask", "--index", str(index), "--corpus", str(corpus), "--json", question]


def check_outcome(index: Path) -> str:
    code, _, err = run_cli(["check", "--index", str(index)])
    if code is None or "Traceback" in err:
        return "traceback"
    return "intact" if code == 0 else ("damaged" if len(err.strip().splitlines()) == 1 else "unclear message")


def run_case(base: Path, corpus: Path, work: Path, name: str, kind: str, question: str, baselines: dict) -> dict:
    """The four outcomes of one damage, each on its own fresh copy of the index."""
    row = {"file": name, "damage": kind}
    for mode in MODES:
        index = work / "index"
        shutil.rmtree(index, ignore_errors=True)
        shutil.copytree(base, index)
        if mode in ("alone", "resealed"):
            drop_previous(index)
        apply(index, name, kind)
        if mode == "resealed" and not reseal(index):
            row[mode] = "n/a"
        elif mode == "check":
            row[mode] = check_outcome(index)
        elif mode == "build, check":
            code, _, err = run_cli(["build", "--corpus", str(corpus), "--index", str(index)])
            row[mode] = check_outcome(index) if code == 0 else classify(code, "", err, None)
        else:
            source = corpus if mode == "ask" else work / "no-corpus"
            row[mode] = classify(*run_cli(ask_argv(index, source, question)), baselines[mode])
    return row


def drop_previous(index: Path) -> None:
    from retrieval.indexing import store

    live = store.live_folder(index)
    for g in store.generations(index):
        if g != live:
            shutil.rmtree(g)


def reseal(index: Path) -> bool:
    """Seal the live generation's files as they now are (False when its manifest cannot be)."""
    from retrieval.indexing import store
    from retrieval.indexing.seal import seal_folder

    try:
        seal_folder(store.current(index))
    except Exception:  # noqa: BLE001  (CURRENT or the manifest itself is what was damaged)
        return False
    return True


def make_index(corpus: Path, index: Path) -> Path:
    """An index of `corpus` with two intact generations (the second a copy of the first, older)."""
    from retrieval.indexing import store
    from retrieval.indexing.build import build_index

    build_index(corpus, index)
    live = store.current(index)
    shutil.copytree(live, index / live.name.replace("gen-", "gen-0-", 1))   # sorts before: the previous one
    return index


def baselines_for(base: Path, corpus: Path, work: Path, question: str) -> dict:
    out = {}
    for mode, source in (("ask", corpus), ("no build", work / "no-corpus")):
        index = work / "index"
        shutil.rmtree(index, ignore_errors=True)
        shutil.copytree(base, index)
        code, stdout, err = run_cli(ask_argv(index, source, question))
        if code != 0:
            raise SystemExit(f"the intact index does not answer ({mode}): {err.strip()}")
        out[mode] = answer_of(stdout)
    out["alone"] = out["resealed"] = out["no build"]       # the previous generation is a copy of the live one
    return out


def acceptable(row: dict) -> bool:
    """Every outcome of the row is a good one (and `check` flags every damage that matters)."""
    benign = (row["file"], row["damage"]) in BENIGN
    return row["ask"] in GOOD and row["no build"] in GOOD and row["build, check"] == "intact" and \
        (row["check"] == "intact" if benign else row["check"] == "damaged") and \
        row["alone"] in ({"no effect"} if benign else {"message", "previous generation"}) and row["resealed"] not in ("traceback", "unclear message")


# --- the table -----------------------------------------------------------------------------
def table(rows: list[dict]) -> str:
    lines = ["| file | damage | ask | no build possible | check | build, then check | alone | resealed |",
             "|---|---|---|---|---|---|---|---|"]
    lines += ["| " + " | ".join([r["file"], r["damage"]] + [r[m] for m in MODES]) + " |" for r in rows]
    return "\n".join(lines)


def summary(rows: list[dict]) -> str:
    lines = [f"{len(rows)} cases; all outcomes acceptable: {sum(map(acceptable, rows))}"]
    for mode in MODES:
        counts = Counter(r[mode] for r in rows)
        lines.append(f"{mode}: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=None, help="corpus folder (default: a two-document corpus)")
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--json", action="store_true", help="print the rows as JSON lines")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="faults-") as tmp:
        work = Path(tmp)
        corpus = Path(args.corpus) if args.corpus else tiny_corpus(work / "corpus")
        base = make_index(corpus, work / "base")
        baselines = baselines_for(base, corpus, work, args.question)
        rows = []
        for n, (name, kind) in enumerate(cases(base), start=1):
            rows.append(run_case(base, corpus, work, name, kind, args.question, baselines))
            print(f"[{n}] {name} / {kind}: {rows[-1]}", file=sys.stderr, flush=True)
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
    else:
        print(table(rows))
        print()
    print(summary(rows) + f"\n({time.perf_counter() - started:.0f} s)")
    return 0 if all(map(acceptable, rows)) else 1


def tiny_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "a.txt").write_text("一、总体要求\n机关党建工作责任制是落实全面从严治党的关键举措。"
                                  "必须牵住责任制这个“牛鼻子”。\n", encoding="utf-8")
    (folder / "b.txt").write_text("领导班子成员要履行“一岗双责”，做到明责、履责、尽责。\n", encoding="utf-8")
    return folder


if __name__ == "__main__":
    sys.exit(main())
