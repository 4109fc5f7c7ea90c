"""The frame lexicon: the words with which people ask (`什么叫`, `如何理解`, `是啥意思`), as opposed to what they ask about.

Read from `data/frames.txt` (everyday frames, by section: a meaning, the parts, a fact, asides) with the forms
they take in speech and on a phone (`spoken`: `怎么回事` said `咋回事`, `问一下` said `问下`), from the question
words derived from 6,743 questions written by other people (`data/question_words.txt`) and from the
tokenizer's stop words.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from retrieval.tokenize import STOPWORDS

DATA = Path(__file__).resolve().parents[1] / "data"
SECTION_KINDS = {"meaning": "definition", "parts": "enumeration"}   # sections of data/frames.txt
PARTS = re.compile(r"哪[两二三四五六七八九十][^\s]|分别|[具都]体?是哪[些几]")     # asks for the parts one by one
# ... unless 分别 goes over the aspects named before it, one of them a meaning (`X的内涵和要求分别是什么`)
ASPECTS = re.compile(r"([\u4e00-\u9fff]{2})(和|与|及|以及|、)([\u4e00-\u9fff]{2})分别")
SPOKEN = (("怎么", "咋"), ("怎样", "咋"), ("如何", "咋"), ("什么", "啥"), ("一下", "下"))    # written, said


def read_words(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [w for line in lines if line.strip() and not line.startswith("#") for w in line.split("\t")[0].split()]


@lru_cache(maxsize=1)
def framed_kinds() -> dict[str, str]:
    """Frame word -> the kind its section of `data/frames.txt` asks (`# asking for a meaning`: definition,
    `# asking for the parts`: enumeration)."""
    kinds, kind = {}, ""
    for line in (DATA / "frames.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            kind = next((k for marker, k in SECTION_KINDS.items() if marker in line), "")
        elif kind:
            kinds.update((w, kind) for w in spoken(line.split()))
    return kinds


@lru_cache(maxsize=1)
def meaning_frames() -> frozenset[str]:
    """The frame words that ask a meaning (`# asking for a meaning` of `data/frames.txt`, as said too)."""
    return frozenset(w for w, kind in framed_kinds().items() if kind == "definition")


@lru_cache(maxsize=1)
def frame_words() -> frozenset[str]:
    """The frame lexicon: `data/frames.txt` with its colloquial variants (`spoken`), the derived question
    words and the tokenizer's stop words."""
    return frozenset(spoken(read_words("frames.txt"))) | frozenset(read_words("question_words.txt")) | STOPWORDS


def spoken(frames: list[str]) -> set[str]:
    """`frames` and the forms they take in speech and on a phone, each written word of SPOKEN replaced by
    its spoken one (`怎么回事` -> `咋回事`, `问一下` -> `问下`, `是什么意思` -> `是啥意思`)."""
    out = set(frames)
    for written, said in SPOKEN:
        out |= {f.replace(written, said) for f in out if written in f}
    return out


def asks_parts(text: str) -> bool:
    """`text` asks for the parts one by one (`哪四个`, `分别是什么`, `具体是哪些`); not when its 分别 goes over two
    aspects named before it, one of which is a meaning (`X的内涵和要求分别是什么`, `X的含义、意义分别指什么`):
    that asks what X means, and what else of it, not for its parts."""
    text = ASPECTS.sub(lambda m: "".join(m.groups()) if meaning_frames() & {m[1], m[3]} else m[0], text)
    return PARTS.search(text) is not None
