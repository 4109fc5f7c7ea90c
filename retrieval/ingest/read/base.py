"""The plain data a reader returns: text blocks in reading order."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Block:
    """One paragraph (or line) of a file, before cleaning."""

    text: str
    page: int | None = None    # 1-based PDF page, None for other formats
    heading: bool = False      # the format marks this block as a heading


@dataclass(frozen=True)
class RawText:
    """What a reader found in one file."""

    blocks: tuple[Block, ...]
    meta: dict = field(default_factory=dict)   # curator overrides stated in the file (.md front matter)
    format: str = ""                             # "txt", "md", "html", "docx", "pdf"
    page_title: str = ""                         # an HTML <title> put first as the title block
