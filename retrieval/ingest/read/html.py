"""HTML (.html/.htm): the main text only, as text, never as markup.

BeautifulSoup (lxml parser) drops scripts, styles, forms, navigation, headers,
footers, asides and any element whose class or id names a share widget, menu,
breadcrumb, comment box or footer; then the main container (`<article>`, else
`<main>`, else the element holding most paragraph text) is read block by block
(`h1`-`h6` as headings, `p`, `li`, `blockquote`, `td`...). Text comes from
`get_text`, so tags and attributes (`<img onerror=...>`) never reach it; tag-like
text left after entity decoding (`&lt;script&gt;`) is removed as well. When the main text does not
open with a heading, the page's `<title>` (without the site name, `retrieval.ingest.title.page_title`) is put
first as one, and `RawText.page_title` says so.
A page nested deeper than MAX_DEPTH (100,000 nested `<div>`s: BeautifulSoup's tree building
is quadratic in the depth, minutes for such a file) is read flattened: every tag but the
block, heading, title and dropped ones is removed first, so its text is read in seconds
(a navigation or share widget made of `<div class=...>` then loses the class that drops it).
trafilatura is not used (not in requirements): it fails to import without
the separate `lxml_html_clean` package, and BeautifulSoup is enough for the main text.
"""
from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from retrieval.errors import DocumentError
from retrieval.ingest.read.base import Block, RawText
from retrieval.ingest.read.text import decode
from retrieval.ingest.title import page_title

DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
             "canvas", "form", "button", "input", "select", "textarea", "nav", "footer",
             "aside", "head")
NOISE = re.compile(r"share|social|nav|menu|breadcrumb|crumb|footer|sidebar|comment|"
                   r"copyright|related|toolbar|advert|banner|qrcode|(?:^|[-_ ])ad(?:$|[-_ ])", re.I)
BLOCK_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "td", "th", "dd", "dt")
TAG_LIKE = re.compile(r"</?[A-Za-z][^<>]*>")
META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w-]+)", re.I)
MAX_DEPTH = 500    # real pages nest a few dozen levels
ANY_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)[^>]*?(/?)>")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr", "p", "li", "dt", "dd", "option", "tr", "td", "th"}   # void or closed implicitly
KEEP_FLAT = set(BLOCK_TAGS + DROP_TAGS) | {"html", "body", "title", "br", "article", "main", "header"}


def html_text(data: bytes, name: str) -> str:
    """Decode with the declared charset when there is one, else UTF-8/GB18030."""
    declared = META_CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data, name)


def nesting_depth(markup: str) -> int:
    """The deepest nesting of elements, roughly (start minus end tags; void elements not counted)."""
    depth = deepest = 0
    for match in ANY_TAG.finditer(markup):
        closing, name, selfclosing = match.group(1), match.group(2).lower(), match.group(3)
        if name in VOID or selfclosing:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def flattened(markup: str, name: str) -> str:
    """`markup` without the tags that only nest (see module docstring); `DocumentError` when the
    blocks themselves are nested too deep."""
    def keep_or_break(match: re.Match) -> str:
        return match.group(0) if match.group(2).lower() in KEEP_FLAT else "\n"

    flat = ANY_TAG.sub(keep_or_break, markup)
    if nesting_depth(flat) > MAX_DEPTH:
        raise DocumentError(f"{name}: HTML nested more than {MAX_DEPTH} levels deep; not read")
    return flat


def is_noise(tag: Tag) -> bool:
    attrs = " ".join([tag.get("id") or ""] + list(tag.get("class") or []))
    return (bool(attrs.strip()) and bool(NOISE.search(attrs))) or tag.get("hidden") is not None


def strip_noise(soup: BeautifulSoup) -> None:
    for tag in soup.find_all(DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all("header"):
        if tag.find_parent("article") is None:  # a page header, not an article's own
            tag.decompose()
    for tag in soup.find_all(is_noise):
        if not tag.decomposed:
            tag.decompose()


def main_container(soup: BeautifulSoup) -> Tag:
    """`<article>`, else `<main>`, else the element whose direct `<p>` children hold most text."""
    for name in ("article", "main"):
        found = soup.find(name)
        if found is not None and found.get_text(strip=True):
            return found
    best, best_len = soup.body or soup, 0
    for tag in soup.find_all(True):
        size = sum(len(p.get_text(strip=True)) for p in tag.find_all("p", recursive=False))
        if size > best_len:
            best, best_len = tag, size
    return best


def tag_text(tag: Tag) -> str:
    text = " ".join(tag.get_text("").split())  # no separator: inline tags inside Chinese add no space
    return TAG_LIKE.sub("", text).strip()


def container_blocks(container: Tag) -> list[Block]:
    blocks = []
    for tag in container.find_all(BLOCK_TAGS):
        if tag.find_parent(BLOCK_TAGS) is not None:
            continue  # its text is part of the enclosing block
        text = tag_text(tag)
        if text:
            blocks.append(Block(text, heading=tag.name[0] == "h" and tag.name[1:].isdigit()))
    return blocks or [Block(t) for t in container.get_text("\n").splitlines() if TAG_LIKE.sub("", t).strip()]


def read_html(data: bytes, name: str) -> RawText:
    markup = html_text(data, name)
    if nesting_depth(markup) > MAX_DEPTH:
        markup = flattened(markup, name)
    try:
        soup = BeautifulSoup(markup, "lxml")
    except Exception as exc:  # lxml is lenient; this guards against the truly unparsable
        raise DocumentError(f"{name}: cannot parse HTML: {exc}") from exc
    title = page_title(tag_text(soup.title)) if soup.title else ""
    strip_noise(soup)
    for br in soup.find_all("br"):
        br.replace_with("\n")
    blocks = container_blocks(main_container(soup))
    if not title or any(b.heading for b in blocks[:1]):
        return RawText(tuple(blocks), format="html")
    return RawText((Block(title, heading=True), *blocks), format="html", page_title=title)
