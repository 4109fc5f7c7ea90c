"""Plain text (.txt) and Markdown (.md).

Decoding: a UTF-8/UTF-16 byte-order mark wins; else strict UTF-8; else GB18030
(a superset of GBK and GB2312); bytes holding a NUL are binary data, not text. `.txt`: every non-blank line is one block.
`.md`: optional YAML front matter (`---` ... `---`) becomes metadata overrides
(`title`, `source`, `date`, `author`): a value YAML cannot construct (`date: 2024-13-45`)
is read as the text it is written as (then `metadata` warns and ignores a bad date), and a
value that is not text, a number or a date (`title: {a: 1}`) is ignored with a warning there.
Front matter that YAML cannot parse, or a first `---` line never closed by a second one,
makes the file a failure: the curator's metadata is never silently read as body text.
`#` lines are heading blocks; other
blocks are separated by blank lines and their soft-wrapped lines are joined.
Emphasis markers are left alone on purpose: `**市` is a masked name, not bold.
"""
from __future__ import annotations

import codecs
import datetime as dt
import re

import yaml

from retrieval.errors import DocumentError
from retrieval.ingest.read.base import Block, RawText

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?:(.*?)\n)?---[ \t]*(?:\n|\Z)", re.S)
OPENING = re.compile(r"\A---[ \t]*\n")
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
    if b"\x00" in data:
        raise DocumentError(f"{name}: binary data (NUL bytes), not text")
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
        if OPENING.match(text):
            raise DocumentError(f"{name}: front matter opened by the first `---` line is never closed "
                                "(add a closing `---` line, or remove the first one)")
        return {}, text
    data = parse_yaml(match.group(1) or "", name)
    if not isinstance(data, dict):
        raise DocumentError(f"{name}: YAML front matter is not a mapping")
    return {str(k): front_matter_value(v) for k, v in data.items() if v is not None}, text[match.end():]


def parse_yaml(source: str, name: str):
    """The front matter's YAML; when a value cannot be constructed (an impossible date), every
    value as the text it is written as."""
    try:
        return yaml.safe_load(source) or {}
    except yaml.YAMLError as exc:
        raise DocumentError(f"{name}: invalid YAML front matter: {str(exc)[:200]}") from exc
    except (ValueError, TypeError, OverflowError):
        return yaml.load(source, Loader=yaml.BaseLoader) or {}   # noqa: S506  (BaseLoader: strings only)


def front_matter_value(value):
    """A date as ISO, text and numbers as text; anything else as it is (refused in `metadata`)."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip()
    return value


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
