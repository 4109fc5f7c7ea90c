"""Character alignment of a quotation against clean text, with exact offsets back.

Both sides are *folded* for comparison: NFKC width folding, traditional ->
simplified, lower case (`retrieval.tokenize.normalize`, applied per character so
that every folded character remembers the clean-text offset it came from), and
punctuation and whitespace dropped. A match found in folded text therefore maps
back to an exact slice of the stored clean text.
"""
from __future__ import annotations

from dataclasses import dataclass
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from retrieval.tokenize import converter, normalize


@dataclass(frozen=True)
class Folded:
    """Folded text plus, for each folded character, its offset in the raw text."""

    text: str
    offsets: tuple[int, ...]
    raw_length: int

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw slice covering folded characters `[start, end)` (end > start)."""
        return self.offsets[start], self.offsets[end - 1] + 1

    def raw_cut(self, i: int) -> int:
        """Raw offset where folded position `i` begins (the raw length at the end)."""
        return self.offsets[i] if i < len(self.offsets) else self.raw_length


@dataclass(frozen=True)
class Alignment:
    """The best slice `[start, end)` of a folded haystack for a folded needle."""

    start: int
    end: int
    distance: int
    similarity: float


def fold(text: str, base: int = 0) -> Folded:
    """Fold `text`; offsets are `base +` the raw index (to fold a slice of a document).

    Width folding is per character (it may change lengths); traditional -> simplified
    runs over the whole string, so that phrases convert in context (闡明瞭 -> 阐明了),
    falling back to per-character conversion if it changed the length.
    """
    chars, offsets = [], []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch):
            chars.append(c)
            offsets.append(base + i)
    wide = "".join(chars)
    narrow = converter().convert(wide).lower()
    if len(narrow) != len(wide):
        narrow = "".join(per_char(c) for c in wide)
    keep = [i for i, c in enumerate(narrow) if c.isalnum()]
    return Folded("".join(narrow[i] for i in keep), tuple(offsets[i] for i in keep), base + len(text))


@lru_cache(maxsize=65536)
def per_char(ch: str) -> str:
    out = normalize(ch)
    return out if len(out) == 1 else ch


def similarity(a: str, b: str) -> float:
    """1 - Levenshtein distance / length of the longer string."""
    return Levenshtein.normalized_similarity(a, b)


def refine(needle: str, hay: str, start: int, end: int, reach: int) -> tuple[int, int]:
    """Move both ends of `hay[start:end]` within `reach` to minimise the edit distance."""
    for _ in range(2):
        lo = range(max(0, start - reach), min(end, start + reach + 1))
        start = min(lo, key=lambda s: (Levenshtein.distance(needle, hay[s:end]), abs(s - start)))
        hi = range(max(start + 1, end - reach), min(len(hay), end + reach) + 1)
        end = min(hi, key=lambda e: (Levenshtein.distance(needle, hay[start:e]), abs(e - end)))
    return start, end


def align(needle: str, hay: str) -> Alignment | None:
    """Semi-global alignment: the slice of `hay` closest to the whole of `needle`."""
    if not needle or not hay:
        return None
    coarse = fuzz.partial_ratio_alignment(needle, hay)
    start, end = coarse.dest_start, coarse.dest_end
    if len(needle) > len(hay):
        start, end = 0, len(hay)
    start, end = refine(needle, hay, start, end, reach=min(40, max(3, len(needle) // 3)))
    distance = Levenshtein.distance(needle, hay[start:end])
    return Alignment(start, end, distance, similarity(needle, hay[start:end]))


def diff(quote: str, fq: Folded, source: str, fs: Folded) -> list[dict]:
    """Character differences between a quote and a source slice, as raw text pieces.

    `fq` folds `quote` and `fs` folds `source` (both with base 0). Each op is
    `{"op": equal|replace|delete|insert, "quote": ..., "source": ...}`; the pieces of
    each side concatenate to the whole raw string, punctuation riding with the
    characters before it (punctuation never makes a difference).
    """
    ops = []
    for tag, a1, a2, b1, b2 in Levenshtein.opcodes(fq.text, fs.text).as_list():
        q = quote[cut(fq, a1, quote):cut(fq, a2, quote)]
        s = source[cut(fs, b1, source):cut(fs, b2, source)]
        ops.append({"op": OPS[tag], "quote": q, "source": s})
    return ops


OPS = {"equal": "equal", "replace": "replace", "delete": "extra", "insert": "missing"}


def cut(folded: Folded, i: int, raw: str) -> int:
    """Raw cut point for folded position `i`; leading punctuation goes to the first piece."""
    return 0 if i == 0 else folded.raw_cut(i) if i < len(folded.text) else len(raw)
