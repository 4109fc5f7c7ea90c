"""Read a corpus file into raw text blocks: one module per format, dispatch by extension.

`read_file(path)` returns a `RawText`: the file's text as blocks (paragraphs or
lines, in reading order) with the PDF page of each block and a heading flag when
the format marks headings (Markdown `#`, DOCX heading styles, HTML `<h1>`-`<h6>`).
Nothing is cleaned here; `retrieval.clean` does that for every format alike.
A file that cannot be read raises `DocumentError` with the reason.
"""
from __future__ import annotations

from pathlib import Path

from retrieval.errors import DocumentError
from retrieval.read.base import Block, RawText
from retrieval.read import docx, html, pdf, text

READERS = {
    ".txt": text.read_txt,
    ".md": text.read_md,
    ".html": html.read_html,
    ".htm": html.read_html,
    ".docx": docx.read_docx,
    ".pdf": pdf.read_pdf,
}
SUPPORTED = tuple(sorted(READERS))

__all__ = ["Block", "RawText", "READERS", "SUPPORTED", "read_file"]


def read_file(path: str | Path) -> RawText:
    """Raw blocks of `path`, read by the reader registered for its extension."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise DocumentError(f"{path.name}: unsupported file type {path.suffix or '(none)'}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path.name}: cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise DocumentError(f"{path.name}: empty file")
    return reader(data, path.name)
