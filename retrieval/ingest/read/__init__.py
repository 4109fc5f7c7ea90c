"""Read a corpus file into raw text blocks: one module per format, dispatch by extension.

`read_file(path)` returns a `RawText`: the file's text as blocks (paragraphs or
lines, in reading order) with the PDF page of each block and a heading flag when
the format marks headings (Markdown `#`, DOCX heading styles, HTML `<h1>`-`<h6>`).
Nothing is cleaned here; `retrieval.ingest.clean` does that for every format alike.
A file that cannot be read raises `DocumentError` with the reason, whatever went
wrong inside the reader (a library's own error on a damaged file included); so
does a file larger than MAX_FILE_BYTES, before it is read, and a file whose first
bytes say it is another type than its extension (a PDF named `.docx`, a PNG named `.txt`).
"""
from __future__ import annotations

from pathlib import Path

from retrieval.errors import DocumentError
from retrieval.ingest.read.base import Block, RawText
from retrieval.ingest.read import docx, html, pdf, text

READERS = {
    ".txt": text.read_txt,
    ".md": text.read_md,
    ".html": html.read_html,
    ".htm": html.read_html,
    ".docx": docx.read_docx,
    ".pdf": pdf.read_pdf,
}
SUPPORTED = tuple(sorted(READERS))
MAX_FILE_BYTES = 200 * 2**20    # a larger file is skipped unread (a corpus document is a few MB at most)
MAGIC = ((b"%PDF-", "PDF", ".pdf"), (b"PK\x03\x04", "zip", ".docx"), (b"\x89PNG", "PNG image", None),
         (b"GIF8", "GIF image", None), (b"\xff\xd8\xff", "JPEG image", None),
         (b"\xd0\xcf\x11\xe0", "old Office (.doc, .xls)", None))

__all__ = ["Block", "RawText", "READERS", "SUPPORTED", "read_file"]


def read_file(path: str | Path) -> RawText:
    """Raw blocks of `path`, read by the reader registered for its extension."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise DocumentError(f"{path.name}: unsupported file type {path.suffix or '(none)'}")
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DocumentError(f"{path.name}: {path.stat().st_size / 2**20:.0f} MB, larger than the "
                                f"{MAX_FILE_BYTES // 2**20} MB a corpus file may have")
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path.name}: cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise DocumentError(f"{path.name}: empty file")
    check_type(data, path)
    try:
        return reader(data, path.name)
    except DocumentError:
        raise
    except Exception as exc:  # noqa: BLE001  (a parser's own error on a damaged file)
        raise DocumentError(f"{path.name}: not a readable {path.suffix.lower()} file "
                            f"({type(exc).__name__}: {str(exc)[:200]})") from exc


def check_type(data: bytes, path: Path) -> None:
    """`DocumentError` when the file's first bytes name another type than its extension."""
    for magic, kind, suffix in MAGIC:
        if data.startswith(magic) and path.suffix.lower() != suffix:
            advice = f"rename it to {path.stem}{suffix}" if suffix else "not a document this corpus reads"
            raise DocumentError(f"{path.name}: the file holds {kind} data, not {path.suffix.lower()}; {advice}")
