"""Plain text (.txt) and Markdown (.md).

Decoding: a UTF-8/UTF-16 byte-order mark wins; else strict UTF-8; else GB18030
(a superset of GBK and GB2312). `.txt`: every non-blank line is one block.
`.md`: optional YAML front matter (`---` ... `---`) becomes metadata overrides
(`title`, `source`, `date`, `author`); `#` lines are heading blocks; other
blocks are separated by blank lines and their soft-wrapped lines are joined.
Emphasis markers are left alone on purpose: `**市` is a masked name, not bold.
"""
from __future__ import annotations

import codecs
import datetime as dt
import re

import yaml

from retrieval.errors import DocumentError
from retrieval.read.base import Block, RawText

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)
MD_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
MD_PREFIX = re.compile(r"^\s*(?:>\s?|[-*+]\s+)")
CJK_END = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]$")


def decode(data: bytes, name: str) -> str:
    """Text of `data`: BOM, else UTF-8, else GB18030; `DocumentError` if neither fits."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise DocumentError(f"{name}: invalid {encoding} text: {exc.reason}") from exc
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError(f"{name}: not UTF-8 or GB18030 text")


def read_txt(data: bytes, name: str) -> RawText:
    lines = decode(data, name).splitlines()
    return RawText(tuple(Block(line) for line in lines if line.strip()), format="txt")


def front_matter(text: str, name: str) -> tuple[dict, str]:
    """(metadata overrides, remaining text) of a Markdown file."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise DocumentError(f"{name}: invalid YAML front matter: {exc}") from exc
    if not isinstance(data, dict):
        raise DocumentError(f"{name}: YAML front matter is not a mapping")
    return {str(k): front_matter_value(v) for k, v in data.items() if v is not None}, text[match.end():]


def front_matter_value(value) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value).strip()


def join_soft_wrap(lines: list[str]) -> str:
    """One paragraph from wrapped lines: no space between CJK, one space otherwise."""
    out = ""
    for line in (l.strip() for l in lines):
        glue = "" if not out or CJK_END.search(out) or CJK_END.match(line[:1] or " ") else " "
        out += glue + line
    return out


def md_blocks(text: str) -> list[Block]:
    blocks, pending = [], []
    for line in text.splitlines() + [""]:
        heading = MD_HEADING.match(line)
        if heading or not line.strip():
            if pending:
                blocks.append(Block(join_soft_wrap(pending)))
                pending = []
            if heading and heading.group(1):
                blocks.append(Block(heading.group(1), heading=True))
            continue
        pending.append(MD_PREFIX.sub("", line))
    return blocks


def read_md(data: bytes, name: str) -> RawText:
    meta, body = front_matter(decode(data, name), name)
    return RawText(tuple(md_blocks(body)), meta=meta, format="md")
