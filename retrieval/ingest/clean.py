"""Cleaning rules: raw blocks -> clean body lines plus the metadata they stated.

Every rule is a small pure function; `clean_text` composes them in this order.

Text rules, per block:
  1. `repair_shifted_gbk`   `？！兑庖姟访鞔_`-style mojibake (GBK read one byte off) decoded back.
  2. `strip_pinyin`         `機關(guān)` -> `機關`: a parenthesised latin word with tone marks
                            right after a CJK character; real parentheticals stay.
  3. `to_simplified`        traditional -> simplified Chinese (OpenCC `t2s`).
  4. `normalise_width`      full-width ASCII letters/digits -> half-width; every space-like
                            character (ideographic, no-break, tab...) -> one ASCII space;
                            zero-width characters removed.
  5. `fullwidth_punctuation` `, : ; ? !` touching Chinese text -> `，：；？！`; a `( )` pair
                            that holds or touches Chinese -> `（ ）`. Latin text keeps ASCII.
  6. `collapse_spaces`      runs of spaces -> one space; no space at either end of a line
                            nor next to `，。：；、！？` (spaces between words stay).
Line rules:
  7. `drop_boilerplate`     share buttons, breadcrumbs, copyright/ICP/licence/hotline
                            lines, editor sign-offs, submission e-mail, topic links
                            (`BOILERPLATE` names each pattern), and `免责声明` with the
                            paragraph that follows it.
  8. `pull_metadata`        source/date/byline lines, editorial credits (`【责任编辑：…】`), a signed
                            name (`（赵惠玲）`) and a trailing `（作者单位：...）` go to metadata (see
                            `retrieval.ingest.metadata`), out of the body.
  9. `split_title`          the title line at the top goes to metadata; a repeated or
                            obfuscated copy of it, and a lede between the copies whose
                            sentences all recur in the body, are dropped. A title with no
                            other line is also the body: a document of one line is a document.
                            With no title line at the top, a lone title-shaped line among
                            the next few (after a lede or byline) is the title
                            (`retrieval.ingest.title` says what is shaped like a title).

Convention of the clean text: one paragraph per line, lines joined by `\\n`, no
blank lines, simplified Chinese with full-width Chinese punctuation. Masked names
(`***总书记`, `**市`) are kept exactly. This text is what citations slice.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from functools import lru_cache

import opencc

from retrieval.ingest.metadata import (Metadata, parse_credits, parse_metadata_line, signed_name, split_author_tail,
                                       with_signed)
from retrieval.ingest.read.base import Block, RawText
from retrieval.ingest.structure import looks_like_heading, outline_token
from retrieval.ingest.title import title_like

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_CONTEXT = re.compile(rf"[{CJK}\u3000-\u303f\uff00-\uffef“”‘’《》【】…—·]")
TONE_MARKS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN = re.compile(rf"(?<=[{CJK}])\s?[(（]([a-zü{TONE_MARKS}]+(?: [a-zü{TONE_MARKS}]+)*)[)）]", re.I)
SHIFTED_GBK = re.compile(rf"\?[!！][{CJK}]+[\x40-\x7e]")
# Characters with no visible form, dropped: zero-width characters, the byte-order mark, the soft hyphen,
# bidirectional marks, embeddings, overrides and isolates (a `\u202e` would make a quotation display in
# an order other than its text's), and control characters that are not white space (`\x01`, `\x7f`;
# XML, hence a .docx export, cannot hold them).
ZERO_WIDTH = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad"
                        "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
HALF_PUNCT = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
SPACE_AROUND_PUNCT = re.compile(r" ?([，。：；、！？]) ?")
PAREN_PAIR = re.compile(r"\(([^()\n]*)\)")
BOILERPLATE = (
    ("share", re.compile(r"^分享(?:到\S{0,8})?$")),
    ("breadcrumb", re.compile(r"^(?:当前位置|您的位置|你的位置|所在位置)[:：]")),
    ("topic_links", re.compile(r"^[·•]?\s*\S{0,12}专题\s*[|｜]\s*$")),
    ("wechat_scan", re.compile(r"微信\s*[“\"]?扫一扫")),
    ("submission_email", re.compile(r"^[-—•·\s]*投稿(?:邮箱|信箱)[:：]")),
    ("editor", re.compile(r"^[（(]\s*(?:责任)?编辑[:：].*[)）]$|^【\s*(?:责任)?编辑[:：][^】]*】$|^责任编辑[:：]")),
    ("signed_name", re.compile(rf"^[（(](?![一二三四五六七八九十百零]+[)）])[{CJK}·]{{2,5}}[)）]$")),
    ("copyright_notice", re.compile(r"^\S{0,20}版权(?:说明|保护|声明)[:：]")),
    ("copyright_owner", re.compile(r"版权所有(?!.*。$)")),
    ("icp_licence", re.compile(r"ICP备\s*\d|ICP证|公网安备|许可证\s*[:：]?\s*\d{5,}")),
    ("report_hotline", re.compile(r"违法和不良信息举报")),
    ("disclaimer", re.compile(r"^免责声明(?:[:：].*)?$")),
)
SENTENCE = re.compile(r"[^。！？]+[。！？]?")
HEAD_WINDOW = 4


@dataclass(frozen=True)
class CleanText:
    """Clean body lines (one paragraph each) and the metadata the text stated."""

    blocks: tuple[Block, ...]
    stated: Metadata = Metadata()
    dropped: tuple[tuple[str, str], ...] = ()   # (rule, line) of every removed line, for audits


def repair_shifted_gbk(text: str) -> str:
    """Undo GBK text decoded one byte late (`？！兑庖姟访鞔_` -> `。《意見》明確`).

    The lost lead byte shows as `?`; re-encoding the rest as GBK behind a 0xA1 lead
    byte (GBK's punctuation row) must decode strictly to Chinese text, else the
    run is left alone.
    """
    def repair(match: re.Match) -> str:
        try:
            run = match.group(0)[1:].replace("!", "！", 1)  # the trail byte pair 0xA3A1
            fixed = (b"\xa1" + run.encode("gbk")).decode("gbk")
        except UnicodeError:
            return match.group(0)
        return fixed if re.fullmatch(rf"[{CJK}\u3000-\u303f\uff00-\uffef]+", fixed) else match.group(0)
    return SHIFTED_GBK.sub(repair, text)


def strip_pinyin(text: str) -> str:
    """Remove `(guān)` glued after a CJK character; the word must carry a tone mark."""
    def keep_or_drop(match: re.Match) -> str:
        return "" if any(c in TONE_MARKS for c in match.group(1).lower()) else match.group(0)
    return PINYIN.sub(keep_or_drop, text)


@lru_cache(maxsize=1)
def t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return t2s().convert(text)


def normalise_width(text: str) -> str:
    text = ZERO_WIDTH.sub("", text)
    text = "".join(chr(ord(c) - 0xFEE0) if "０" <= c <= "９" or "Ａ" <= c <= "Ｚ" or "ａ" <= c <= "ｚ" else c
                   for c in text)
    return SPACES.sub(" ", text)


def chinese_around(text: str, start: int, end: int) -> bool:
    """True when the nearest non-space character before `start` or after `end` is Chinese."""
    before, after = text[:start].rstrip()[-1:], text[end:].lstrip()[:1]
    return bool(CJK_CONTEXT.match(before) or CJK_CONTEXT.match(after))


def fullwidth_parens(text: str) -> str:
    def swap(match: re.Match) -> str:
        inner = match.group(1)
        if re.search(f"[{CJK}]", inner) or chinese_around(text, match.start(), match.end()):
            return f"（{inner}）"
        return match.group(0)
    return PAREN_PAIR.sub(swap, text)


def fullwidth_punctuation(text: str) -> str:
    text = fullwidth_parens(text)
    out = list(text)
    for i, char in enumerate(text):
        if char in HALF_PUNCT and not (char == ":" and text[i - 1:i].isdigit()):
            if chinese_around(text, i, i + 1):
                out[i] = HALF_PUNCT[char]
    return "".join(out)


def collapse_spaces(text: str) -> str:
    """One space at most, none at the ends and none around Chinese sentence punctuation."""
    return SPACE_AROUND_PUNCT.sub(r"\1", SPACES.sub(" ", text)).strip()


TEXT_RULES = (repair_shifted_gbk, strip_pinyin, to_simplified, normalise_width,
              fullwidth_punctuation, collapse_spaces)


def clean_line(text: str) -> str:
    """All text rules, in order, on one block."""
    for rule in TEXT_RULES:
        text = rule(text)
    return text


def boilerplate_rule(line: str) -> str | None:
    """Name of the boilerplate pattern `line` matches, or None for body text and for the editorial
    credits and signed names `pull_metadata` keeps as metadata (`【责任编辑：蔡东海】`, `（赵惠玲）`)."""
    if parse_credits(line) or signed_name(line):
        return None
    for name, pattern in BOILERPLATE:
        if pattern.search(line):
            return name
    return None


def drop_boilerplate(blocks: list[Block]) -> tuple[list[Block], list[tuple[str, str]]]:
    """Blocks without boilerplate lines; `免责声明` alone also takes the next block."""
    kept, dropped, skip_next = [], [], False
    for block in blocks:
        rule = "disclaimer" if skip_next else boilerplate_rule(block.text)
        skip_next = rule == "disclaimer" and block.text.rstrip("：:") == "免责声明"
        if rule:
            dropped.append((rule, block.text))
        else:
            kept.append(block)
    return kept, dropped


def pull_metadata(blocks: list[Block]) -> tuple[list[Block], Metadata, list[tuple[str, str]]]:
    """Blocks without metadata lines, what they stated (first statement wins)."""
    kept, dropped, stated = [], [], {}
    for block in blocks:
        found = parse_metadata_line(block.text)
        if found:
            credits = " ".join(c for c in (stated.get("credits"), found.get("credits")) if c)
            stated = {**found, **stated} | ({"credits": credits} if credits else {})
            dropped.append(("metadata", block.text))
            continue
        text, author = split_author_tail(block.text)
        if author:
            stated.setdefault("author", author)
            dropped.append(("metadata", block.text[len(text):].strip()))
            block = replace(block, text=text)
        kept.append(block)
    return kept, Metadata().merge(with_signed(stated)), dropped


def heading_like(block: Block) -> bool:
    """A title candidate: not outline-numbered, and marked as a heading or shaped like one."""
    if outline_token(block.text):
        return False
    return block.heading or looks_like_heading(block.text)


def title_line(block: Block) -> bool:
    """A title candidate: not outline-numbered, and marked as a heading or shaped like a title."""
    return not outline_token(block.text) and (block.heading or title_like(block.text))


def lone_headline(blocks: list[Block]) -> int | None:
    """Index of the first title-shaped line among lines 2..5 when body follows it and no other
    unnumbered heading does (the last line, which heads nothing, aside); else None."""
    for i, block in enumerate(blocks[1:HEAD_WINDOW + 1], start=1):
        if not title_line(block):
            continue
        later = blocks[i + 1:]
        body = any(not heading_like(b) for b in later)
        return i if body and not any(heading_like(b) for b in later[:-1]) else None
    return None


def near_duplicate(a: str, b: str) -> bool:
    return a == b or difflib.SequenceMatcher(None, a, b).ratio() >= 0.9


def cjk_count(text: str) -> int:
    return len(re.findall(f"[{CJK}]", text))


def echoed(text: str, later: str) -> bool:
    """Every sentence of `text` recurs verbatim in `later` (a lede that repeats the body)."""
    sentences = [s.strip() for s in SENTENCE.findall(text) if s.strip()]
    return bool(sentences) and all(s in later for s in sentences)


def split_title(blocks: list[Block]) -> tuple[str, list[Block], list[tuple[str, str]]]:
    """(title, body blocks, dropped) — the title is the first block when it looks like one, else
    a lone headline a few lines down (`lone_headline`)."""
    if not blocks:
        return "", blocks, []
    if not title_line(blocks[0]):
        found = lone_headline(blocks)
        if found is None:
            return "", blocks, []
        return blocks[found].text, blocks[:found] + blocks[found + 1:], []
    title, rest = blocks[0].text, blocks[1:]
    for i, block in enumerate(rest[:HEAD_WINDOW]):
        if not near_duplicate(block.text, title):
            continue
        dropped = [("repeated_title", min(title, block.text, key=cjk_count))]
        title = max(title, block.text, key=cjk_count)
        after = rest[i + 1:]
        later = "\n".join(b.text for b in after)
        ledes = [b for b in rest[:i] if echoed(b.text, later)]
        dropped += [("repeated_lede", b.text) for b in ledes]
        return title, [b for b in rest[:i] if b not in ledes] + after, dropped
    return title, rest, []


def clean_blocks(blocks: tuple[Block, ...]) -> list[Block]:
    cleaned = (replace(b, text=clean_line(b.text)) for b in blocks)
    return [b for b in cleaned if b.text]


def title_as_body(title: str, blocks: list[Block]) -> list[Block]:
    """The title's own line as the one body paragraph (for a text whose title took every line)."""
    line = next(b for b in blocks if b.text == title)
    return [replace(line, heading=False)]


def clean_text(raw: RawText) -> CleanText:
    """Apply every rule (see module docstring) to the blocks of one file."""
    blocks, dropped = drop_boilerplate(clean_blocks(raw.blocks))
    blocks, stated, pulled = pull_metadata(blocks)
    title, body, repeated = split_title(blocks)
    if title:
        page = raw.page_title and near_duplicate(clean_line(raw.page_title), title)
        stated = replace(stated, title=title, title_from="page title" if page else "headline")
        if body:
            pulled = pulled + [("title", title)]
        else:
            body = title_as_body(title, blocks)
    return CleanText(tuple(body), stated, tuple(dropped + pulled + repeated))
