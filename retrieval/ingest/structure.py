"""Paragraphs with offsets into the clean text, and their outline section.

The clean text is the clean lines joined by `\\n`; paragraph i is line i, so
`text[p.start:p.end]` is exactly that line (no newline).

Sections follow Chinese outline numbering, outermost first:
`第X章` > `第X节` > `一、` > `第X条` > `（一）` > `1.`/`1．`/`1、` > `（1）`.
A numbered line opens that level and closes every deeper one; `Paragraph.section`
is the path of tokens, e.g. `二、（三）`. A numbered line with no sentence inside
(`一、统一思想，充分认清...意义重大`) is a heading (`heading=True`); a numbered line
that carries sentences (`（一）全面提高...。正文...`) opens its section and is body.
Unnumbered heading lines (format markup, or for .txt/.pdf a line of at most 60
characters without `。！？；：` nor a final `.!?;:`) sit at the `一、` level and use their text as
the section; the last line of a text heads nothing, so it is never inferred a heading (a
document of one short line is one body paragraph). `number` counts body paragraphs within a
section from 1; heading paragraphs have number 0 (a citation names a heading by its section alone).
`section_headings` gives each paragraph the text of the headings above it, outermost first: the
context the lexical index adds to its chunks.
"""
from __future__ import annotations

import re

from retrieval.ingest.read.base import Block
from retrieval.types import Paragraph

CN_NUM = "一二三四五六七八九十百零〇"
OUTLINE = (
    (0, re.compile(rf"^第[{CN_NUM}\d]+章")),
    (1, re.compile(rf"^第[{CN_NUM}\d]+节")),
    (2, re.compile(rf"^[{CN_NUM}]+、")),
    (3, re.compile(rf"^第[{CN_NUM}\d]+条")),
    (4, re.compile(rf"^[（(][{CN_NUM}]+[)）]")),
    (5, re.compile(r"^\d{1,2}(?:[.．](?!\d)|、)")),
    (6, re.compile(r"^[（(]\d{1,2}[)）]")),
)
TEXT_LEVEL = 2
SENTENCE_MARK = re.compile(r"[。！？；]")
HEADING_MAX = 60


def outline_token(line: str) -> tuple[int, str] | None:
    """(level, token) of the outline number that opens `line`, else None."""
    for level, pattern in OUTLINE:
        match = pattern.match(line)
        if match:
            return level, match.group(0)
    return None


def looks_like_heading(line: str) -> bool:
    """Short and without sentence or colon punctuation: a heading line in plain text."""
    return len(line) <= HEADING_MAX and not re.search(r"[。！？；：]|[.!?;:]$", line)


def heading_of(block: Block, token: tuple[int, str] | None, infer: bool) -> bool:
    """Numbered without a sentence, marked by the format, or (`infer`) shaped like a heading."""
    if token:
        rest = block.text[len(token[1]):]
        return len(block.text) <= HEADING_MAX * 2 and not SENTENCE_MARK.search(rest)
    return block.heading or (infer and looks_like_heading(block.text))


def section_name(path: dict[int, tuple[str, bool]]) -> str:
    """Join the open levels: tokens run together, a heading text is followed by a space."""
    out = ""
    for level in sorted(path):
        part, is_text = path[level]
        out += (" " if out and not out.endswith(("、", "）", ")", ".", "．", "章", "节", "条", " ")) else "")
        out += part + (" " if is_text else "")
    return out.strip()


def open_section(path: dict, level: int, part: str, is_text: bool) -> dict:
    kept = {k: v for k, v in path.items() if k < level}
    kept[level] = (part, is_text)
    return kept


def build_structure(blocks: list[Block] | tuple[Block, ...], infer_headings: bool = True) -> tuple[str, tuple[Paragraph, ...]]:
    """(clean text, paragraphs): one paragraph per block, with section, number, page."""
    paragraphs, path, number, offset = [], {}, 0, 0
    for i, block in enumerate(blocks):
        token = outline_token(block.text)
        heading = heading_of(block, token, infer_headings and i + 1 < len(blocks))
        if token:
            path = open_section(path, token[0], token[1], False)
        elif heading:
            path = open_section(path, TEXT_LEVEL, block.text, True)
        if token or heading:
            number = 0
        number = number if heading else number + 1
        end = offset + len(block.text)
        paragraphs.append(Paragraph(offset, end, section_name(path), number, block.page, heading))
        offset = end + 1
    return "\n".join(b.text for b in blocks), tuple(paragraphs)


def heading_level(line: str, heading: bool) -> int | None:
    """The outline level a paragraph opens (its number's, or TEXT_LEVEL for an unnumbered heading)."""
    token = outline_token(line)
    return token[0] if token else TEXT_LEVEL if heading else None


def section_headings(text: str, paragraphs: tuple[Paragraph, ...]) -> list[tuple[str, ...]]:
    """For each paragraph, the heading lines of the sections that hold it, outermost first.

    A heading's own line is not in its list; a numbered body paragraph (`（一）全面提高...。`)
    opens a level but adds no heading text.
    """
    out, path = [], {}
    for p in paragraphs:
        line = text[p.start:p.end]
        level = heading_level(line, p.heading)
        if level is not None:
            path = {k: v for k, v in path.items() if k < level}
        out.append(tuple(v for v in path.values() if v))
        if level is not None:
            path[level] = line if p.heading else ""
    return out
