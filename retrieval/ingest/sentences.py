"""Sentence boundaries in clean text, as offsets (the unit of answers and highlights)."""
from __future__ import annotations

import re

SENTENCE_MIN_HAN = 6    # a sentence embedded on its own has this many Han characters ("同志们：" has 3)
HAN = re.compile(r"[\u3400-\u9fff]")

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


def han_count(text: str) -> int:
    return len(HAN.findall(text))
