"""How a passage states a formulation (提法): does it define it, enumerate it, or only mention it?

A statement starts at a sentence holding the term and may run on, within its paragraph, into
the sentences that explain it. Forms recognised, at each occurrence of the term:
- a list in front of it: `政治功能强、支部班子强、党员队伍强、作用发挥强的“四强”党支部` (enumerates), or, without
  the `的`, as many items as a numbered term counts: `争当高质量发展标兵、争创服务群众标兵“双争”活动`, `党建和业务“两张皮”`
  (two words of at most four characters joined by 和, 与 or 及);
- a definer after it: `X，即…`, `X是指…`, `X就是…`, `X指的是…`, `X（主要）包括…`, `X：…` (defines,
  or enumerates when a list follows), and the weaker `X是…` / `…X，是…` (the term must head its
  clause: `抓机关党建是本职` is a mention);
- numbered items: `X…：一是…；二是…；三是…`, or a numbered term followed by as many items
  (`一是`… or sentences all opening with its word: `“四个带头”。带头…。带头…。带头…。带头…。`);
- the next sentence explains it: `要防止“灯下黑”。所谓灯下黑，就是…`, `…“两张皮”问题。这是指…`.
A `Reading` says how, how far the statement runs and how much explanation it holds, for ranking.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.tokenize import SUFFIXES

OPEN, CLOSE = "“‘「『", "”’」』"
QUOTES = OPEN + CLOSE
TAIL = f"[{CLOSE}]?(?:{'|'.join(SUFFIXES)})?[{CLOSE}]?"          # `“四强”党支部` read as the term
ITEM = r"[^、，。；：“”]{2,14}"
LIST_BEFORE = re.compile(rf"(?:{ITEM}、)+{ITEM}的[{OPEN}]?$")
BARE_LIST_BEFORE = re.compile(rf"(?:{ITEM}、)+{ITEM}[{OPEN}]?$")   # `争当…标兵、争创…标兵“双争”活动`: as many as it counts
PAIR_BEFORE = re.compile(rf"[^、，。；：“”和与及]{{1,4}}[和与及][^、，。；：“”和与及]{{1,4}}[{OPEN}]?$")   # `党建和业务“两张皮”`
STRONG = re.compile(rf"^{TAIL}(?:，?(?:即(?![使将便可时刻])|也就是说?|就是(?!要)|是指|指的是|(?:主要|具体)?包括|主要有)|：)")
WEAK = re.compile(rf"^{TAIL}(，?)是(?![否不])")
LIST_AFTER = re.compile(rf"^(?:{ITEM}、)+{ITEM}")
INTRO = re.compile(rf"^{TAIL}(?:制度|机制)?，?(?:主要|具体)?(?:包括|包含|有|是|为|即|指)?[：:]"      # X主要包括：
                   rf"|^{TAIL}[^，。；：]{{0,12}}?(?:[几一二两三四五六七八九十]+[个项条点层]?|以下|如下|下列)"
                   r"(?:方面|要求|内容|含义|环节|重点)?(?:[：:]|。$)")                               # X要做到三点：
NEAR_END = re.compile(rf"^{TAIL}(?:的)?(?:问题|现象|情况|倾向|顽疾)?[{CLOSE}]?[。！？；!?;]*[{CLOSE}]?$")
EXPLAINS_NEXT = re.compile(r"^(?:即(?![使将便可时刻])|也就是说?|这就是说?|就是说|这是指|这里的|具体(?:来说|而言)|所谓)")
NUMERALS = "一二三四五六七八九十"
NUMBER = {c: i + 1 for i, c in enumerate(NUMERALS)} | {"两": 2}
COUNTS = NUMBER | {"双": 2}      # what a term opening with it counts (`双争`: 2)
HEAD_FOLLOWERS = "的和与及等、"


@dataclass(frozen=True)
class Reading:
    """How a statement states the term, read from the sentence holding it."""

    kind: str             # defines | enumerates | mentions
    last: int             # index of the statement's last sentence
    explained: int = 0    # characters of explanation (the list, what follows the definer, the items)
    strong: bool = False  # an explicit definer or a list, rather than a bare `X是…`


def kind_of(sentence: str, term: str) -> str:
    """`defines`, `enumerates` or `mentions`, judged on one sentence alone."""
    return read([sentence], 0, term).kind


def read(sentences: list[str], first: int, term: str) -> Reading:
    """The best reading of the statement of `term` that starts at `sentences[first]`.

    `sentences` are the texts of the sentences of one paragraph, in order.
    """
    best = Reading("mentions", first)
    for at, length in occurrences(sentences[first], term):
        for reading in readings(sentences, first, at, length, term):
            if rank(reading) < rank(best):
                best = reading
    return best


def rank(reading: Reading) -> tuple:
    """Sort key: a definition or enumeration before a mention, explicit before bare, then fuller."""
    return reading.kind == "mentions", not reading.strong, -reading.explained


def readings(sentences: list[str], i: int, at: int, length: int, term: str) -> list[Reading]:
    sentence = sentences[i]
    before, after = sentence[:at], sentence[at + length:]
    found = [in_sentence(before, after, i, term), items_after(sentences, i, after, term),
             explained_next(sentences, i, after, term)]
    return [r for r in found if r is not None]


def in_sentence(before: str, after: str, i: int, term: str = "") -> Reading | None:
    """The modifier list in front, or a definer (and perhaps a list) right after the term."""
    listed, n = LIST_BEFORE.search(before), term_numeral(term)
    if listed is None and n > 1:
        bare = BARE_LIST_BEFORE.search(before)
        listed = bare if bare and bare.group().count("、") + 1 == n else None
        if listed is None and n == 2:     # two short words joined by 和 (`中央和国家机关…` is no pair)
            listed = PAIR_BEFORE.search(before)
    if listed and heads_phrase(after):
        return Reading("enumerates", i, len(listed.group()), True)
    m = STRONG.match(after)
    if m:
        rest = after[m.end():]
        kind = "enumerates" if LIST_AFTER.match(rest) else "defines"
        return Reading(kind, i, len(rest.rstrip("。；！？")), True)
    m = WEAK.match(after)
    if m and (m.group(1) or clause_initial(before)):
        return Reading("defines", i, len(after[m.end():].rstrip("。；！？")))
    return None


def heads_phrase(after: str) -> bool:
    """The term ends its noun phrase (`…的模范机关的要求`), not `…的机关党建工作考核评价程序`."""
    return not after or after[0] in CLOSE or not is_han(after[0]) or after[0] in HEAD_FOLLOWERS


def clause_initial(before: str) -> bool:
    before = before.rstrip(OPEN)
    return not before or before[-1] in "，；：、（）()—" or bool(re.fullmatch(r".*[一二三四五六七八九十][是要]", before))


def items_after(sentences: list[str], i: int, after: str, term: str) -> Reading | None:
    """`X…：一是…；二是…`, or as many numbered / parallel items as the term's numeral says."""
    intro = INTRO.match(after)
    if intro:
        rest = after[intro.end():]
        if not rest:                                   # `X包括三个方面。一是…。二是…。`
            last, count = numbered_items(sentences, i + 1, 1)
        elif item_number(rest) == 1:                   # `X包括：一是…；二是…。`
            last, count = numbered_items(sentences, i + 1, 2)
            count += 1
        else:
            return None
        return enumeration(sentences, i, last, len(rest)) if count >= 2 else None
    n = term_numeral(term)
    if n < 2:
        return None
    last, count = numbered_items(sentences, i + 1, 1)
    if count != n:
        last, count = parallel_items(sentences, i + 1, term, n), n
    return enumeration(sentences, i, last, 0) if last > i and count == n else None


def enumeration(sentences: list[str], i: int, last: int, head: int) -> Reading:
    return Reading("enumerates", last, head + sum(len(s) for s in sentences[i + 1:last + 1]), True)


def numbered_items(sentences: list[str], start: int, number: int) -> tuple[int, int]:
    """(index of the last sentence, items) of the run `number是…`, `number+1是…` from `start`; it
    must open there for item 1, and sentences without a number in between continue an item."""
    last, count = start - 1, 0
    for j in range(start, len(sentences)):
        found = item_number(sentences[j])
        if found == number + count:
            last, count = j, count + 1
        elif found is not None or j == start and number == 1:
            break
    return last, count


def item_number(text: str) -> int | None:
    """n for a text opening with `n是` / `n要` / `第n，` / `（n）` / `n.` (n up to 10), else None."""
    m = re.match(rf"^(?:第?([{NUMERALS}])[是要，、]|（([{NUMERALS}])）|([1-9])[.．、])", text)
    if not m:
        return None
    digit = next(g for g in m.groups() if g)
    return int(digit) if digit.isdigit() else NUMBER[digit]


def parallel_items(sentences: list[str], start: int, term: str, n: int) -> int:
    """`“四个带头”。带头…。带头…。带头…。带头…。`: n sentences opening with the term's word."""
    word = re.sub(rf"^[{NUMERALS}两]+[个项大条]?", "", strip_quotes(term))[:2]
    run = sentences[start:start + n]
    if len(word) == 2 and len(run) == n and all(s.startswith(word) for s in run):
        return start + n - 1
    return start - 1


def explained_next(sentences: list[str], i: int, after: str, term: str) -> Reading | None:
    """`要防止“灯下黑”。所谓灯下黑，就是…` / `…“两张皮”问题。这是指…`: the next sentence explains it."""
    if i + 1 >= len(sentences):
        return None
    nxt = sentences[i + 1]
    named = nxt.startswith("所谓") and bool(occurrences(nxt[:len(term) + 6], term))
    if named or NEAR_END.match(after) and EXPLAINS_NEXT.match(nxt) and not nxt.startswith("所谓"):
        return Reading("defines", i + 1, len(nxt), True)
    return None


def term_numeral(term: str) -> int:
    """4 for 四个带头 / 四强, 0 when the term does not open with a numeral."""
    return COUNTS.get(strip_quotes(term)[:1], 0)


def strip_quotes(term: str) -> str:
    return "".join(c for c in term if c not in QUOTES)


def is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff"


def occurrences(sentence: str, term: str) -> list[tuple[int, int]]:
    """Raw (start, length) of the term in the sentence, quote marks inside it allowed (`“四强”党支部`).
    Found in the sentence with its quote marks taken out (no pattern to compile per term: a question's
    first answer about a term pays nothing for it)."""
    wanted = "".join(c for c in term if c not in QUOTES + "、")
    if not wanted:
        return []
    kept = [i for i, c in enumerate(sentence) if c not in QUOTES]
    plain = "".join(sentence[i] for i in kept)
    found, at = [], plain.find(wanted)
    while at != -1:
        start, end = kept[at], kept[at + len(wanted) - 1] + 1
        found.append((start, end - start))
        at = plain.find(wanted, at + len(wanted))
    return found
