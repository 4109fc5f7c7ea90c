"""Document metadata: title, source, ISO date and author unit.

Stated metadata is read from the text itself (`clean.clean_text` removes those lines from the body and hands
them here): `来源：郑州日报`, `2021-11-15 15:06`, `时间：2024-04-24`, `2025年02月05日16:44 来源：旗帜微平台`, `（来源：《旗帜》2024年第11期）`
(a monthly issue: date `2024-11`), `■省国资委` (byline: author unit), a trailing `（作者单位：...）` and a name signed on
its own line (`（赵惠玲）`, after the unit), `原文链接：https://...` (url: the page a web capture came from) and the
editorial credits a page ends with, `【责任编辑：蔡东海】`, `（编辑：孙丽 送签：孙丽 签发：钟鸣）` (credits: who edited, checked and
signed the text off, shown with its citation). Curators override any field: YAML front matter in a `.md` file,
or a sidecar `NAME.meta.json` next to the file, where NAME is the full file name (`corpus/foo.txt` ->
`corpus/foo.txt.meta.json`); the sidecar wins. Nothing is invented: a missing source or date stays empty with
a warning, and a missing title is inferred from the first paragraph (`retrieval.ingest.title`); `title_from`
says where the title came from (`sidecar`, `front matter`, `page title`, `headline`, `inferred`).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from retrieval.errors import DocumentError
from retrieval.ingest.title import infer_title

FIELDS = ("title", "source", "date", "author", "url", "credits")
SIDECAR_SUFFIX = ".meta.json"
INFERRED_WARNING = "no title stated; inferred from the first paragraph"

DATE = r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?"
TIME = r"\d{1,2}[:：]\d{2}(?:[:：]\d{2})?"
LABEL = r"[:：]\s*"
ITEM_PATTERNS = (
    ("date", re.compile(rf"(?:(?:发布)?(?:时间|日期){LABEL})?{DATE}(?:\s*{TIME})?")),
    ("source", re.compile(rf"(?:来源|出处){LABEL}(?P<value>[^\s（）()]+)")),
    ("author", re.compile(rf"(?:作者单位|作者){LABEL}(?P<value>[^\s（）()]+)")),
    ("url", re.compile(rf"(?:原文链接|原文地址|原文网址|网址){LABEL}(?P<value>https?://[^\s（）()]+)")),
)
URL = re.compile(r"^https?://\S+$")
PAREN_LINE = re.compile(r"^[（(]\s*(.*?)\s*[)）]$")
BYLINE = re.compile(r"^■\s*(?P<value>\S.{0,29})$")
# a name signed on its own line in brackets, as a page signs its author (`（赵惠玲）`); not an ending mark (`（待续）`)
SIGNED = re.compile(r"^[（(](?![一二三四五六七八九十百零]+[)）])(?P<value>[\u3400-\u4dbf\u4e00-\u9fff·]{2,5})[)）]$")
NOT_NAMES = frozenset("待续 未完待续 全文完 完结 组图 图片 视频 图文 转载 原创 独家 特稿 专稿 评论 社论 摘编 节选".split())
AUTHOR_TAIL = re.compile(r"\s*[（(]\s*作者单位[:：]\s*(?P<value>[^（）()]+?)\s*[)）]\s*$")
ISSUE = re.compile(r"(\d{4})\s*年\s*第\s*(\d{1,2})\s*期")
ISO = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
# the editorial roles a page credits at its end (`责任编辑：蔡东海`, `签发：钟鸣`), longest first
ROLES = ("责任编辑", "值班编辑", "网络编辑", "责任校对", "编辑", "责编", "主编", "美编", "编审", "审核", "审校",
         "审稿", "校对", "初审", "复审", "终审", "送签", "签发", "监制", "统筹", "策划", "摄影", "制作")
NAME = r"[\u4e00-\u9fff·]{2,6}"
CREDIT = re.compile(rf"({'|'.join(ROLES)})\s*[:：]\s*({NAME}(?:\s*[、/]\s*{NAME})*)")   # names: `张三、李四`
CREDITS_LINE = re.compile(r"^[（(【\[]?\s*(.*?)\s*[)）】\]]?$")
CREDIT_GAP = re.compile(r"^[\s|｜，,；;]*$")

@dataclass(frozen=True)
class Metadata:
    title: str = ""
    source: str = ""
    date: str = ""
    author: str = ""
    url: str = ""        # where a web capture was taken from (GB/T 7714 [EB/OL] citations)
    credits: str = ""    # the page's editorial credits, `编辑：孙丽 签发：钟鸣` (`parse_credits`)
    title_from: str = ""  # where the title came from: one of `retrieval.ingest.title.SOURCES`

    def merge(self, other: "Metadata | dict") -> "Metadata":
        """Fields of `other` that are set replace ours."""
        values = other if isinstance(other, dict) else {f: getattr(other, f) for f in FIELDS}
        return replace(self, **{k: str(v) for k, v in values.items() if k in FIELDS and v})


def iso_date(year: str, month: str, day: str | None = None) -> str:
    parts = [f"{int(year):04d}", f"{int(month):02d}"] + ([f"{int(day):02d}"] if day else [])
    return "-".join(parts)


def issue_date(source: str) -> str:
    """`《旗帜》2024年第11期` -> `2024-11` (issue N of a monthly is month N); else ""."""
    match = ISSUE.search(source)
    if match and 1 <= int(match.group(2)) <= 12:
        return iso_date(match.group(1), match.group(2))
    return ""


def match_items(text: str) -> dict | None:
    """Fields of a line made only of metadata items (date, time, 来源, 作者), else None."""
    found, rest = {}, text.strip()
    while rest:
        for name, pattern in ITEM_PATTERNS:
            match = pattern.match(rest)
            if match and name not in found:
                found[name] = iso_date(*match.groups()[:3]) if name == "date" else match.group("value")
                rest = rest[match.end():].lstrip(" ，,|")
                break
        else:
            return None
    return found or None


def parse_credits(line: str) -> str | None:
    """The editorial credits of a line made only of them, as `编辑：孙丽 送签：孙丽 签发：钟鸣`
    (`【责任编辑：蔡东海】`, `（编辑：孙丽 送签：孙丽 签发：钟鸣）`, `责编：张三｜审核：李四`), else None: a
    sentence that mentions an editor is body text."""
    inner = CREDITS_LINE.match(line.strip()).group(1)
    found, at = [], 0
    for match in CREDIT.finditer(inner):
        if not CREDIT_GAP.match(inner[at:match.start()]):
            return None
        names = re.split(r"\s*[、/]\s*", match.group(2))
        found.append(f"{match.group(1)}：{'、'.join(names)}")
        at = match.end()
    return " ".join(found) if found and CREDIT_GAP.match(inner[at:]) else None


def signed_name(line: str) -> str:
    """The name a line signs (`（赵惠玲）` -> 赵惠玲), else ""."""
    match = SIGNED.match(line.strip())
    return match.group("value") if match and match.group("value") not in NOT_NAMES else ""


def parse_metadata_line(line: str) -> dict | None:
    """Metadata stated by a whole line (see module docstring), or None for body text. A signed name is
    `signed`: the author after the unit a page states (`郑州市委市直机关工委 赵惠玲`, `with_signed`)."""
    line = line.strip()
    credits = parse_credits(line)
    if credits:
        return {"credits": credits}
    if signed_name(line):
        return {"signed": signed_name(line)}
    byline = BYLINE.match(line)
    if byline:
        return {"author": byline.group("value").strip()}
    inner = PAREN_LINE.match(line)
    found = match_items(inner.group(1) if inner else line)
    if found and "source" in found and "date" not in found and issue_date(found["source"]):
        found["date"] = issue_date(found["source"])
    return found


def with_signed(stated: dict) -> dict:
    """`stated` with its signed name (`signed`) after the author unit it states, in the page's order."""
    signed = stated.pop("signed", "")
    if signed and signed not in stated.get("author", ""):
        stated["author"] = f"{stated['author']} {signed}" if stated.get("author") else signed
    return stated


def split_author_tail(line: str) -> tuple[str, str]:
    """(line without a trailing `（作者单位：X）`, X) — X is "" when there is none."""
    match = AUTHOR_TAIL.search(line)
    if not match or not line[:match.start()].strip():
        return line, ""
    return line[:match.start()].rstrip(), match.group("value").strip()


def read_sidecar(path: Path) -> tuple[dict, bytes]:
    """(fields, raw bytes) of `path`'s sidecar `NAME.meta.json`; ({}, b"") without one."""
    sidecar = sidecar_path(path)
    if not sidecar.is_file():
        return {}, b""
    raw = sidecar.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentError(f"{sidecar.name}: invalid JSON sidecar: {exc}") from exc
    if not isinstance(data, dict):
        raise DocumentError(f"{sidecar.name}: sidecar must be a JSON object")
    return data, raw


def sidecar_bytes(path: Path) -> bytes:
    """The raw bytes of `path`'s sidecar (b"" without one), unparsed: what its hash covers."""
    sidecar = sidecar_path(path)
    return sidecar.read_bytes() if sidecar.is_file() else b""


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def valid_date(value: str) -> bool:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD` naming a day that exists (not `2024-13-45`)."""
    if not ISO.match(value):
        return False
    year, month, day = (value.split("-") + ["1", "1"])[:3]
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def is_text(value) -> bool:
    """A value a metadata field can take: text, a number written as text (`title: 2024`), or nothing."""
    return value is None or (isinstance(value, (str, int, float)) and not isinstance(value, bool))


def check_overrides(overrides: dict, origin: str) -> tuple[dict, list[str]]:
    """Known fields with valid values; a warning for each unknown key or bad date."""
    from retrieval.ingest.clean import ZERO_WIDTH   # noqa: PLC0415  (clean imports this module)

    kept, warnings = {}, []
    for key, value in overrides.items():
        if key not in FIELDS:
            warnings.append(f"{origin}: unknown field {key!r} ignored")
            continue
        if not is_text(value):
            kind = {"dict": "a mapping", "list": "a list", "bool": "true/false"}.get(type(value).__name__,
                                                                                  type(value).__name__)
            warnings.append(f"{origin}: {key} must be text, not {kind}; ignored")
            continue
        value = " ".join(ZERO_WIDTH.sub("", str(value)).split()) if value is not None else ""
        if key == "date" and value and not valid_date(value):
            warnings.append(f"{origin}: date {value!r} is not a date as YYYY, YYYY-MM or YYYY-MM-DD; ignored")
        elif key == "url" and value and not URL.match(value):
            warnings.append(f"{origin}: url {value!r} is not an http(s) address; ignored")
        elif value:
            kept[key] = value
    return kept, warnings


def resolve_metadata(stated: Metadata, first_body: str, overrides: list[tuple[str, dict]]) -> tuple[Metadata, list[str]]:
    """Stated metadata, then each (origin, overrides) in order; title inferred if still empty. An
    override's title is from that origin (`sidecar`, `front matter`), a stated one from `stated.title_from`."""
    meta, warnings = stated, []
    for origin, values in overrides:
        kept, problems = check_overrides(values, origin)
        meta, warnings = meta.merge(kept), warnings + problems
        if "title" in kept:
            meta = replace(meta, title_from=origin)
    if not meta.title:
        meta = replace(meta, title=infer_title(first_body) or "(untitled)", title_from="inferred")
        warnings.append(INFERRED_WARNING)
    elif not meta.title_from:
        meta = replace(meta, title_from="headline")
    warnings += [f"no {name} stated" for name in ("source", "date") if not getattr(meta, name)]
    return meta, warnings


__all__ = [
    "Metadata", "parse_credits", "parse_metadata_line", "signed_name", "split_author_tail", "with_signed", "issue_date",
    "INFERRED_WARNING", "read_sidecar", "sidecar_path", "resolve_metadata", "SIDECAR_SUFFIX"]
