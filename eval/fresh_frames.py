"""Dev probe: the formulations of the phrasing set asked in the frames of `eval/fresh_frames.txt`.

Written on 2026-12-03 to find what the question analysis missed; the rules of `retrieval/search/question.py`
were then written against it, so its figures are dev figures (the held-out ones are the phrasing set's
test frames). Prints the rates and every frame, worst first.

    .venv/bin/python eval/fresh_frames.py [--index index] [--frames eval/fresh_frames.txt]

`eval/fresh_frames_b_dev.txt` and `eval/fresh_frames_b_test.txt` are 55 more frames written in a later
session and split at random before any run: develop on the first, report the second.
`eval/fresh_frames_c_dev.txt` and `eval/fresh_frames_c_test.txt` are 30 more, written blind by a helper in the
sixteenth session and split at random (seed 2037) before any was looked at one by one: the same use.
`eval/fresh_frames_d_dev.txt` and `eval/fresh_frames_d_test.txt` are 40 more, written blind by a third helper later in
that session and split at random (seed 2038) before any was read.
`eval/fresh_frames_e_dev.txt` and `eval/fresh_frames_e_test.txt` are 40 more, written blind by a fourth helper in the
seventeenth session and split at random (seed 2039) before any was run (its reply listed them).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "eval"))

from check_gold import fold  # noqa: E402
from make_phrasing import ABSENT, PRESENT, containing, parse_terms, question  # noqa: E402
from retrieval.search.engine import Engine  # noqa: E402
from retrieval.evaluate.phrasing import outcome, rates  # noqa: E402


def items(frames: list[str], corpus: Path) -> list[dict]:
    docs = {p.stem: fold(p.read_text(encoding="utf-8")) for p in sorted(corpus.glob("*.txt"))}
    out = []
    for answerable, entries in ((True, PRESENT), (False, ABSENT)):
        for term, forms in parse_terms(entries):
            out += [{"question": question(f, term), "term": term, "frame": f, "answerable": answerable,
                     "docs": containing(forms, docs) if answerable else [], "forms": forms} for f in frames]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", default=str(ROOT / "index"))
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("--frames", type=Path, default=ROOT / "eval" / "fresh_frames.txt",
                    help="one frame a line, {t} the formulation (default: eval/fresh_frames.txt)")
    args = ap.parse_args()
    lines = args.frames.read_text(encoding="utf-8").splitlines()
    frames = [f for f in lines if f.strip() and not f.startswith("#")]
    asked = items(frames, args.corpus)
    engine = Engine.open(args.index, args.corpus)
    outcomes = [outcome(i, engine.ask(i["question"], 5)) for i in asked]
    print(json.dumps(rates(asked, outcomes), ensure_ascii=False))
    by_frame = defaultdict(list)
    for i, o in zip(asked, outcomes):
        by_frame[i["frame"]].append(o)
    for frame, found in sorted(by_frame.items(), key=lambda kv: sum(o in ("answered", "refused") for o in kv[1])):
        print(frame, dict(Counter(found)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
