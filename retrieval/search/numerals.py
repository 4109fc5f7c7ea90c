"""Numbers of a question written the way the corpus writes them.

A user types `七十五周年` or `六个方面` where the document says `75周年` and `6个方面`, or `第9轮` and `20大`
where it says `第九轮` and `二十大`. BM25 and the refusal's coverage look for words the corpus holds, so a
number in the other script was a word the corpus never uses (the refusal weighs such a word the most)
and `六个方面` a formulation it lacks. Here a number followed by a Han character (its unit: 个, 项, 周,
轮, 大) is rewritten into the other script when the corpus holds the rewritten number with that unit and
not the number as typed: `三年行动计划` stays (the corpus holds `三年`), `一岗双责` stays (`1岗` is nowhere),
and the count of a question for parts stays as asked (`哪六个`).
Numbers are converted by `cn2an` (Chinese numerals to Arabic digits and back, `两` read as 2).
"""
from __future__ import annotations

import re
from collections.abc import Callable

NUMBER = re.compile(r"(?<![\d.])\d{1,4}(?![\d.])|[零〇一二两三四五六七八九十百千]+")
UNIT = re.compile(r"[\u4e00-\u9fff]")
ARABIC_TWO = ("二", "两")        # 2 written in Chinese: 二十大, 两个维护


def in_corpus_form(text: str, holds: Callable[[str], bool]) -> str:
    """`text` with each number the corpus writes only in the other script rewritten into it."""
    out, last = [], 0
    for m in NUMBER.finditer(text):
        unit = text[m.end():m.end() + 1]
        if text[m.start() - 1:m.start()] == "哪" or not UNIT.fullmatch(unit) or NUMBER.fullmatch(unit) \
                or holds(m.group() + unit):
            continue
        other = next((o for o in other_forms(m.group()) if holds(o + unit)), None)
        if other is not None:
            out += [text[last:m.start()], other]
            last = m.end()
    return "".join(out) + text[last:] if out else text


def other_forms(number: str) -> list[str]:
    """The number in the other script: `七十五` -> [`75`], `9` -> [`九`], `2` -> [`二`, `两`]; [] when `cn2an`
    cannot read it (`十四五` is a name, not a number)."""
    import cn2an        # here, not at load: its import takes a tenth of a second, and most questions hold no number

    try:
        if number.isdigit():
            return list(ARABIC_TWO) if number == "2" else [cn2an.an2cn(number)]
        return [str(cn2an.cn2an(number, "smart"))]
    except (ValueError, KeyError, IndexError, TypeError):
        return []
