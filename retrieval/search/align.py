"""Character alignment of a quotation against clean text, with exact offsets back.

Both sides are *folded* for comparison: NFKC width folding, traditional ->
simplified, lower case (`retrieval.tokenize.normalize`, applied per character so
that every folded character remembers the clean-text offset it came from), and
punctuation and whitespace dropped. A match found in folded text therefore maps
back to an exact slice of the stored clean text.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
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

    def is_break(self, i: int) -> bool:
        """True when folded position `i` starts the text, ends it, or follows dropped characters
        (punctuation, white space, a line end) in the raw text."""
        return i <= 0 or i >= len(self.offsets) or self.offsets[i] - self.offsets[i - 1] > 1

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


def fold_text(text: str) -> str:
    """`fold(text).text` without the offsets, at C speed where `fold` loops in Python: the same
    per-character NFKC (a translation table filled as characters come), the same conversion and
    the same characters kept (`[\\W_]` is what `str.isalnum` rejects). The glossary folds every
    document and sentence of the corpus with it."""
    wide = text.translate(WIDTH)
    narrow = converter().convert(wide).lower()
    if len(narrow) != len(wide):
        narrow = "".join(per_char(c) for c in wide)
    return NOT_ALNUM.sub("", narrow)


class _Width(dict):
    """ord(character) -> its NFKC form, each worked out once (`str.translate` asks for every character)."""

    def __missing__(self, code: int) -> str:
        self[code] = out = unicodedata.normalize("NFKC", chr(code))
        return out


WIDTH = _Width()
NOT_ALNUM = re.compile(r"[\W_]+")


@lru_cache(maxsize=65536)
def per_char(ch: str) -> str:
    out = normalize(ch)
    return out if len(out) == 1 else ch


def similarity(a: str, b: str) -> float:
    """1 - Levenshtein distance / length of the longer string."""
    return Levenshtein.normalized_similarity(a, b)


def refine(needle: str, hay: str, start: int, end: int, reach: int,
           breaks: Callable[[int], bool] = lambda i: False) -> tuple[int, int]:
    """Move both ends of `hay[start:end]` within `reach` to minimise the edit distance.

    Among slices as close as each other, an end that falls on a break of the source text
    (`breaks(i)`: punctuation or a line between hay[i - 1] and hay[i]) wins, then the slice whose
    length is nearest the needle's: so a changed last character is a replacement (规定 -> 规矩),
    not a quotation cut one character short with the change reported as extra.
    """
    n = len(needle)
    for _ in range(3):
        before = start, end
        lo = range(max(0, start - reach), min(end, start + reach + 1))
        start = min(lo, key=lambda s: (Levenshtein.distance(needle, hay[s:end]), not breaks(s),
                                       abs(end - s - n), abs(s - start)))
        hi = range(max(start + 1, end - reach), min(len(hay), end + reach) + 1)
        end = min(hi, key=lambda e: (Levenshtein.distance(needle, hay[start:e]), not breaks(e),
                                     abs(e - start - n), abs(e - end)))
        if (start, end) == before:
            break
    return start, end


def align(needle: str, hay: str, breaks: Callable[[int], bool] = lambda i: False) -> Alignment | None:
    """Semi-global alignment: the slice of `hay` closest to the whole of `needle` (see `refine`)."""
    if not needle or not hay:
        return None
    coarse = fuzz.partial_ratio_alignment(needle, hay)
    start, end = coarse.dest_start, coarse.dest_end
    if len(needle) > len(hay):
        start, end = 0, len(hay)
    start, end = refine(needle, hay, start, end, min(40, max(3, len(needle) // 3)), breaks)
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
        ops.extend(split_marks({"op": OPS[tag], "quote": q, "source": s}))
    return ops


def split_marks(op: dict) -> list[dict]:
    """A change whose two sides end with the same punctuation, as the change then an equal piece
    (`[定。→矩。]` is `[定→矩]。`)."""
    q, s = op["quote"], op["source"]
    n = 0
    while n < min(len(q), len(s)) and q[-1 - n] == s[-1 - n] and not fold(q[-1 - n]).text:
        n += 1
    if op["op"] == "equal" or n == 0 or n == len(q) or n == len(s):
        return [op]
    return [{**op, "quote": q[:-n], "source": s[:-n]}, {"op": "equal", "quote": q[-n:], "source": s[-n:]}]


OPS = {"equal": "equal", "replace": "replace", "delete": "extra", "insert": "missing"}


def cut(folded: Folded, i: int, raw: str) -> int:
    """Raw cut point for folded position `i`; leading punctuation goes to the first piece."""
    return 0 if i == 0 else folded.raw_cut(i) if i < len(folded.text) else len(raw)


# Punctuation at a slice's ends: a quote's mark matches a source mark of the same kind.
MARK_KINDS = ("“‘「『（(《〈【[{", "”’」』）)》〉】]}", "。.！!？?；;…", "，,、：:")
QUOTE_MARKS = "\"'"                  # ASCII quotes open or close
OPENERS, CLOSERS = "“‘「『（(《〈【", "”’」』）)》〉】"
BALANCE_REACH = 3                    # closing marks taken in after a slice, at most


def same_mark(a: str, b: str) -> bool:
    """Two punctuation characters that stand for each other at a quotation's end (`。` and `.`)."""
    if normalize(a) == normalize(b):
        return True
    if a in QUOTE_MARKS or b in QUOTE_MARKS:
        return (a in QUOTE_MARKS or a in MARK_KINDS[0] + MARK_KINDS[1]) and \
               (b in QUOTE_MARKS or b in MARK_KINDS[0] + MARK_KINDS[1])
    return any(a in kind and b in kind for kind in MARK_KINDS)


def end_marks(text: str) -> tuple[str, str]:
    """(leading, trailing) runs of `text`'s characters that folding drops, white space left out."""
    kept = [i for i, c in enumerate(text) if fold(c).text]
    if not kept:
        return "", ""
    lead, trail = text[:kept[0]], text[kept[-1] + 1:]
    return "".join(lead.split()), "".join(trail.split())


def take_marks(quote: str, raw: str, start: int, end: int) -> tuple[int, int]:
    """`raw[start:end]` widened over the punctuation the quote also has at each end, matched mark by
    mark outwards (`<img …>` keeps its `<` and `>`; a final `.` takes the source's `。`), then over
    closing marks that close an opening mark inside the slice (`牢固树立“四个意识` -> `…意识”`)."""
    lead, trail = end_marks(quote)
    for mark in reversed(lead):
        if start == 0 or raw[start - 1].isspace() or fold(raw[start - 1]).text or \
                not same_mark(mark, raw[start - 1]):
            break
        start -= 1
    for mark in trail:
        if end >= len(raw) or raw[end].isspace() or fold(raw[end]).text or not same_mark(mark, raw[end]):
            break
        end += 1
    return start, balance(raw, start, end)


def balance(raw: str, start: int, end: int) -> int:
    """`end` moved over the closing marks right after it that close marks opened in the slice."""
    for _ in range(BALANCE_REACH):
        if end >= len(raw) or raw[end] not in CLOSERS:
            break
        opener = OPENERS[CLOSERS.index(raw[end])]
        piece = raw[start:end]
        if piece.count(opener) <= piece.count(raw[end]):
            break
        end += 1
    return end
