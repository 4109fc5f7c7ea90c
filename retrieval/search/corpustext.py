"""Questions looked up in the corpus's own text: which documents a question names, whether a phrase occurs.

Both used to scan every document at every question (at 100,000 chunks, 5,700 documents and 65 million
characters: 4-5 ms a phrase, several phrases a question). Here the scan is narrowed first, with answers
unchanged: the documents' publishers are grouped (many documents share one), and a phrase is looked
for only in the documents that may hold every pair of adjacent characters of it: a bit set of documents
per bucket of character pairs (BUCKETS buckets, B/8 bytes a document: 22 MiB at 5,700 documents), built
at the first phrase looked up. At 100,000 chunks a phrase of a question is then looked for in about 90
documents instead of 5,700 (a bit set per single character left about 1,700).
"""
from __future__ import annotations

import re
import threading
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np

from retrieval.search.rank import PUBLISHED
from retrieval.tokenize import fold, fold_once

NAMED = re.compile(r"《([^》]{2,60})》")
TITLE_RUN = 6      # characters of a title in a row that name its document in a question about a document
SHORT_RUN = 4      # ... or that many right before `那篇`, when only one title holds them
THAT_PIECE = re.compile(r"([\u4e00-\u9fff]{%d,})[那这该此本]篇" % SHORT_RUN)
NAMED_MAX = 3      # a name that fits more documents than this names none in particular
BUCKETS = 1 << 15  # buckets of character pairs (hashed): each document's bit set marks those it holds
PHRASES = 4096     # phrases whose answer (held or not) is remembered: questions on one formulation look it up again


class CorpusText:
    """The documents' titles, sources and folded text, for `named` and `holds`."""

    def __init__(self, documents: dict):
        self.documents = documents
        self.names = {d.doc_id: (fold(d.title or ""), {fold(n) for n in NAMED.findall(d.source or "")})
                      for d in documents.values()}
        self.publishers: dict[str, list[str]] = {}     # a source written plainly (no 《》), folded, 4+ characters
        for d in documents.values():
            publisher = "" if NAMED.search(d.source or "") else fold(d.source or "")
            if len(publisher) >= 4:
                self.publishers.setdefault(publisher, []).append(d.doc_id)
        self.lock = threading.Lock()
        self.folded: list[str] | None = None     # each document's title and text, folded
        self.where: np.ndarray | None = None     # (BUCKETS, documents) packed bits: the document may hold a pair
        self.held = lru_cache(maxsize=PHRASES)(self.holds_folded)

    def named(self, text: str) -> set[str]:
        """Documents the question names in 《》: by title (whole, or its first 4+ characters) or by the
        periodical of their source (`《旗帜》` for source `《旗帜》2024年第11期`); or by their publisher
        written plainly (`郑州日报那篇文章…`, a source of 4+ characters); punctuation, quote styles and
        traditional characters do not matter. A name that fits more than NAMED_MAX names none."""
        found = set()
        for name in {fold(n) for n in NAMED.findall(text)} - {""}:
            fits = {doc_id for doc_id, (title, sources) in self.names.items()
                    if name == title or (len(name) >= 4 and title.startswith(name)) or name in sources}
            found |= fits if len(fits) <= NAMED_MAX else set()
        folded = fold(text)
        fits = {doc_id for publisher, ids in self.publishers.items() if publisher in folded for doc_id in ids}
        if PUBLISHED.search(text):       # `落实机关党建主体责任那篇…`: a run of its title, or its periodical, written plainly
            fits |= titled(self.names, folded)
        return found | (fits if len(fits) <= NAMED_MAX else set())

    def holds(self, text: str) -> bool:
        """Some document holds `text` in its title or body (folded: marks, width and script do not matter);
        the last PHRASES phrases' answers are remembered."""
        return self.held(fold(text))

    def holds_folded(self, needle: str) -> bool:
        """Some document holds the folded text `needle` (not remembered)."""
        if not needle:
            return True
        folded = self.prepared()
        if len(needle) < 2 or not folded:
            return any(needle in f for f in folded)
        held = np.bitwise_and.reduce(self.where[pair_buckets(needle)], axis=0)
        candidates = np.flatnonzero(np.unpackbits(held, count=len(folded)))
        return any(needle in folded[i] for i in candidates.tolist())

    def prepared(self) -> list[str]:
        """The folded documents and their bit sets, made at the first phrase looked up."""
        with self.lock:
            if self.folded is None:
                folded = [fold_once(f"{d.title or ''}\n{d.text}") for d in self.documents.values()]
                self.where = pair_sets(folded)
                self.folded = folded
        return self.folded


def pair_buckets(text: str) -> np.ndarray:
    """The bucket of each pair of adjacent characters of `text` (a hash of their code points)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    return ((codes[:-1] * np.uint64(1_000_003) + codes[1:]) % np.uint64(BUCKETS)).astype(np.int64)


def pair_sets(texts: list[str]) -> np.ndarray:
    """A (BUCKETS, texts) matrix of packed bits: text j holds a pair of characters of bucket i."""
    where = np.zeros((BUCKETS, (len(texts) + 7) // 8), dtype=np.uint8)
    for j, text in enumerate(texts):
        where[pair_buckets(text), j >> 3] |= np.uint8(1 << (7 - (j & 7)))   # unpackbits' order; a pair seen
                                                                           # twice sets its bit twice
    return where


def titled(names: dict, folded: str) -> set[str]:
    """Documents a question about a document names plainly (`names`: doc_id -> (folded title, folded
    periodicals of its source)): TITLE_RUN or more characters of the question in a row are in its
    title (of several such documents, those whose title holds the longest run: `落实机关党建主体责任那篇`
    names the article of that title, not the one whose title shares only `落实机关党建`), or the words
    right before `那篇` are a run of SHORT_RUN or more characters of exactly one title (`责任制研究那篇`),
    or the question holds a periodical of its source (`旗帜上那篇`). When the title and the periodical
    both name documents, those named both ways are meant, if any are."""
    runs = {folded[i:i + TITLE_RUN] for i in range(len(folded) - TITLE_RUN + 1)}
    by_title = {doc_id: longest_run(folded, title) for doc_id, (title, *_) in names.items()
                if any(r in title for r in runs)}
    longest = max(by_title.values(), default=0)
    found = {doc_id for doc_id, n in by_title.items() if n == longest} or short_titled(names, folded)
    by_source = {doc_id for doc_id, (_, sources, *_) in names.items()
                 if any(len(s) >= 2 and s in folded for s in sources)}
    return (found & by_source) or found | by_source


def short_titled(names: dict, folded: str) -> set[str]:
    """The one document whose title holds the longest tail (SHORT_RUN+ characters) of the words in front
    of a `那篇` (`责任制研究那篇文章`, `牵住牛鼻子这篇`); none when that tail is in several titles."""
    for m in THAT_PIECE.finditer(folded):
        words = m.group(1)
        for size in range(len(words), SHORT_RUN - 1, -1):
            fits = {doc_id for doc_id, (title, *_) in names.items() if words[-size:] in title}
            if fits:
                if len(fits) == 1:
                    return fits
                break
    return set()


def longest_run(text: str, title: str) -> int:
    """Length of the longest run of characters of `text` that `title` holds."""
    return SequenceMatcher(None, text, title, autojunk=False).find_longest_match(0, len(text), 0, len(title)).size
