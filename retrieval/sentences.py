"""Sentence boundaries in clean text, as offsets (the unit of answers and highlights)."""
from __future__ import annotations

import re

# A sentence runs to a terminal mark (with any closing quotes/brackets after it) or a line end.
SENTENCE = re.compile(r"[^。！？!?；;\n]+(?:[。！？!?；;]+[”’」』）)]*)?|[。！？!?；;]+")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Offsets of the sentences of `text[start:end]`, whitespace trimmed, in order."""
    end = len(text) if end is None else end
    spans = []
    for m in SENTENCE.finditer(text, start, end):
        s, e = m.span()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans
