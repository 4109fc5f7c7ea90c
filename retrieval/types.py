"""Plain data types shared by every stage of the pipeline.

A `Document` holds the *clean* text that citations slice; every offset in the
project (`Paragraph`, `Chunk`, `Passage`, highlights) points into that text.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a clean document: `text[start:end]`."""

    start: int
    end: int
    section: str = ""          # heading path of Chinese outline numbering, e.g. "二、（三）"
    number: int = 1            # 1-based paragraph number within its section ("第2段")
    page: int | None = None    # 1-based PDF page, None for other formats
    heading: bool = False      # the paragraph is itself a heading line


@dataclass(frozen=True)
class Document:
    """A cleaned, structured corpus document."""

    doc_id: str                # stable, derived from the path relative to the corpus
    path: str                  # path relative to the corpus folder (POSIX separators)
    title: str
    text: str                  # the clean text: what we store and cite
    source: str = ""           # publisher or outlet, e.g. "郑州日报"
    date: str = ""             # ISO 8601 (YYYY-MM-DD, or YYYY-MM / YYYY when that is all we know)
    author: str = ""           # author unit when stated ("作者单位：...")
    paragraphs: tuple[Paragraph, ...] = ()
    warnings: tuple[str, ...] = ()
    sha256: str = ""           # of the raw file bytes (plus sidecar), for incremental builds
    url: str = ""              # the page a web capture came from, when stated (sidecar, 原文链接：)
    title_from: str = ""       # sidecar, front matter, page title, headline or inferred (`retrieval.ingest.title`)
    credits: str = ""          # editorial credits the page states, `编辑：孙丽 签发：钟鸣` (`ingest.metadata`)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Document":
        data = dict(data)
        data["paragraphs"] = tuple(Paragraph(**p) for p in data.get("paragraphs", ()))
        data["warnings"] = tuple(data.get("warnings", ()))
        return cls(**data)

    def paragraph_at(self, offset: int) -> int:
        """Index of the paragraph that contains `offset` (or the nearest one before it); paragraphs
        are in text order, so a binary search finds it."""
        return max(0, bisect_right(self.paragraphs, offset, key=lambda p: p.start) - 1)


@dataclass(frozen=True)
class Chunk:
    """A slice of a document's clean text: `document.text[start:end] == text`."""

    doc_id: str
    start: int
    end: int
    text: str
    paragraph: int = 0         # index into Document.paragraphs of the paragraph holding `start`

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Failure:
    """A corpus file that could not be read, with the reason."""

    path: str
    reason: str
    sha256: str = ""           # of the file, so an unchanged broken file does not trigger rebuilds


@dataclass(frozen=True)
class Corpus:
    """What reading a corpus folder produced: documents plus the files it skipped."""

    root: str
    documents: tuple[Document, ...] = ()
    failures: tuple[Failure, ...] = field(default_factory=tuple)
