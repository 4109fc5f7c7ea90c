"""The index's chunks held as arrays: document, start, end, paragraph per row.

A chunk's text is `document.text[start:end]`, so the engine does not keep a second
copy of it: a Python object per chunk with its own string costs about a kilobyte,
a gigabyte at a million chunks for text the documents already hold. Row r's `Chunk`
is made when it is asked for. Loading checks every row against its document, so an
index whose chunks no longer match their text is refused, never used.
"""
from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence

import numpy as np

from retrieval.errors import IndexCorruptError
from retrieval.types import Chunk, Document

REBUILD = "run `python -m retrieval build --rebuild`"


class ChunkTable(Sequence):
    def __init__(self, documents: dict[str, Document], doc: np.ndarray, start: np.ndarray,
                 end: np.ndarray, paragraph: np.ndarray):
        self.documents, self.names = documents, list(documents)
        self.doc, self.start, self.end, self.paragraph = doc, start, end, paragraph

    @classmethod
    def read(cls, rows: Iterable[dict], documents: dict[str, Document]) -> "ChunkTable":
        """From the rows of `chunks.jsonl` (doc_id, start, end, text, paragraph), each checked."""
        number = {name: i for i, name in enumerate(documents)}
        doc, start, end, paragraph = array("i"), array("q"), array("q"), array("i")
        for i, row in enumerate(rows):
            try:
                d, s, e = number[row["doc_id"]], int(row["start"]), int(row["end"])
                ok = documents[row["doc_id"]].text[s:e] == row["text"]
                p = int(row.get("paragraph", 0))
            except (KeyError, TypeError, ValueError):
                ok = False
            if not ok:
                raise IndexCorruptError(f"chunk {i} no longer matches its document's text: {REBUILD}")
            doc.append(d)
            start.append(s)
            end.append(e)
            paragraph.append(p)
        return cls(documents, *(np.frombuffer(a, dtype=a.typecode).copy() if len(a) else
                                np.zeros(0, dtype=a.typecode) for a in (doc, start, end, paragraph)))

    def __len__(self) -> int:
        return len(self.doc)

    def __getitem__(self, row: int) -> Chunk:
        if not -len(self) <= row < len(self):
            raise IndexError(row)
        name = self.names[self.doc[row]]
        s, e = int(self.start[row]), int(self.end[row])
        return Chunk(name, s, e, self.documents[name].text[s:e], int(self.paragraph[row]))

    def doc_id(self, row: int) -> str:
        return self.names[self.doc[row]]

    def rows_of(self) -> dict[str, range]:
        """{doc_id: its rows}; a document's chunks are consecutive rows (the build writes them so)."""
        out: dict[str, range] = {}
        if not len(self):
            return out
        bounds = np.flatnonzero(np.diff(self.doc)) + 1
        for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(self)]):
            name = self.names[self.doc[lo]]
            if name in out:
                raise IndexCorruptError(f"the chunks of {name} are not consecutive rows: {REBUILD}")
            out[name] = range(int(lo), int(hi))
        return out
