"""The contents of a thing the corpus only names: `楼阳生报告里未来五年奋斗目标具体有哪些` is not answered by a passage
that says `明确了未来五年…的奋斗目标，` and goes on to something else.

A question asks for the contents of X when it says `X具体有哪些 / 具体是哪几条 / 具体是什么 / 具体包括 / 都包括哪些 / 包括哪些`, or
`X标准 / 内容 / 条件 / 措施 / 目标…是什么 / 有哪些` (X then holds the head word: `创建标准`). X is the longest run
of the question before those words (2 to 6 characters) that the corpus holds. The top passage gives X's contents
when a sentence of it defines or enumerates X (`retrieval.search.definitions.read`: `X包括…`, `X：…`, a list in
front of X), names X after describing it (`…，称为X`), goes on after X in the same clause (`四角都有阿拉伯数字
面值`: X is the subject), is followed by words that spell X out (`…项目工作法，按照…`, `…履职能力。一是…`), or is a
heading (`（五）实施明责履职行动，…`, `细化考核内容。`: what follows explains it). X at the end of a clause, or
followed by `和 / 与 / 及 / 等 / 的`, and then by something else, is only named.

Only things general Chinese does not know as a word (jieba's dictionary counts X fewer than KNOWN times:
`奋斗目标`, `战略发展目标`, `标兵单位`; not `范围`, `职业`, `产品`, whose contents a passage gives in any words) and
asked by a question that names no formulation (no term of the glossary here; `QuestionSide.look_up` also
asks that the question's analysis name none): a question about a formulation (`一岗双责包括哪些内容`,
`书香机关包括哪些内容`) is answered by the passage naming it (issue #11's phrasing set), and when the glossary
neither defines nor enumerates it and the passage only names it, the answer says so (`Engine.unexplained`).

X is found and read without its quote marks (`坚定拥护“两个确立”、坚决做到…`: the clause goes on to another
item). Said of what comes just before it (`责任制这个“牛鼻子”`), or what the clause's subject is said to be
(`中央和国家机关是贯彻落实党中央决策部署的“最初一公里”`), X is not only named.
"""
from __future__ import annotations

import re

from retrieval.ingest.sentences import sentence_spans
from retrieval.search.definitions import read
from retrieval.tokenize import converter, fold, normalize

CONTENTS = re.compile(r"具体(?:都)?(?:内容|[有是]哪(?:些|几)|包括|包含|是什么|是啥|有什么|有啥)|都(?:包括|包含|有)(?:哪些|啥|什么)"
                      r"|(?:包括|包含)哪些")
HEADED = re.compile(r"(标准|内容|条件|流程|程序|措施|目标)(?:具体)?(?:是什么|是啥|有哪些|有什么|是哪些)(?=[？?。！!\s]*$)")
MARKS = re.compile(r"[“”\"「」『』‘’、\s]")        # `两手抓、两手硬` is one thing (and then no passage spells it so)
THING = re.compile(r"[\u4e00-\u9fff\d]+")
LONGEST, SHORTEST = 6, 2
KNOWN = 100          # a word jieba's general dictionary counts this often is an established word (范围, 产品)
NAMING = re.compile(r"(?:称为|称作|叫做|名为|即|这个|这一)$")   # `…，称为罗素街事件`, `责任制这个牛鼻子`: named after it is said
CLAUSE_END = re.compile(r"[，。；：！？,;:!?]")
LISTED_QUOTES = re.compile(r"[”」』]\s*[“「『]")      # quoted items side by side (`“灯下黑”“两张皮”`) are listed
JOINED = re.compile(r"[和与及、等的]")        # `标兵单位和先进单位`: still the noun phrase, no predicate
# X ending a clause whose subject is said to be it (`中央和国家机关是贯彻落实党中央决策部署的最初一公里`,
# `市直机关作为…的第一方阵`): the sentence says what X stands for there
PREDICATED = re.compile(r"(?:是|作为|成为|当作|视为)[^，。；：！？,;:!?]*的$")
PREDICATE = 4        # characters after X in its clause that say something of it
HEADING = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+[、.．]|\d+[、.．]|第[一二三四五六七八九十]+[，,、])")
HEADING_MAX = 12     # a sentence this short that names X is a heading of what follows
ELABORATES = re.compile(r"(?:一是|第一|首先|按照|即|包括|主要|具体|其中|[：:])")   # what comes after X spells it out
QUOTES = re.compile(r"[“”\"「」『』‘’]")      # `坚定拥护“两个确立”、…`: X is found, and read, without its quotes


def asks_contents(question: str) -> bool:
    """`question`, folded (`retrieval.tokenize.normalize`), asks for the contents of something (`具体有哪些`,
    `都包括啥`, `…标准是什么`)."""
    return bool(CONTENTS.search(question) or HEADED.search(question))


def asked_thing(question: str, holds, general, terms) -> str:
    """The X whose contents `question` asks for, or "" (see the module docstring). `holds(text)`: the corpus
    holds it; `general(word)`: jieba's count of it; `terms()`: the glossary's formulations, folded (asked for
    only when the question has such an X)."""
    text = normalize(question)
    m = CONTENTS.search(text) or HEADED.search(text)
    if m is None:
        return ""
    head = m.group(1) if m.re is HEADED else ""
    before = MARKS.sub("", text[:m.start()])
    if head and before.endswith("的"):      # `模范机关的标准是什么`: the standard of a thing, not a thing called 标准
        return ""
    before = before.rstrip("的") + head
    for n in range(LONGEST, SHORTEST - 1, -1):
        x = before[-n:]
        if len(x) == n and THING.fullmatch(x) and "的" not in x and "具体" not in x and holds(x):
            asked = fold(text)
            if general(x) >= KNOWN or any(t in asked for t in terms() if len(t) >= SHORTEST):
                return ""
            return x
    return ""


def as_asked(term: str, question: str, holds) -> str:
    """The formulation as the question writes it around `term`: `马上就办、真抓实干` for 真抓实干, `把方向、管大局、保落实`
    for 管大局, when the question joins the term by `、` to items the corpus joins it to (`holds(text)`: some document
    holds it, marks ignored); else `term`."""
    start = question.find(term)
    if start < 0:
        return term
    end = start + len(term)
    while start > 1 and question[start - 1] == "、":
        n = next((n for n in range(LONGEST + 2, SHORTEST - 1, -1) if n < start and
                  THING.fullmatch(question[start - 1 - n:start - 1]) and holds(question[start - 1 - n:end])), 0)
        if not n:
            break
        start -= n + 1
    while end < len(question) - 1 and question[end] == "、":
        n = next((n for n in range(LONGEST + 2, SHORTEST - 1, -1) if end + 1 + n <= len(question) and
                  THING.fullmatch(question[end + 1:end + 1 + n]) and holds(question[start:end + 1 + n])), 0)
        if not n:
            break
        end += n + 1
    return question[start:end]


def only_named(thing: str, passage: str, unread: bool = False) -> bool:
    """`passage` holds `thing` and nowhere says what it holds (see the module docstring). `unread`: the caller
    knows no sentence of the corpus defines or enumerates `thing` (the glossary has no statement of it), so
    the sentences are not read for one again."""
    if not thing:
        return False
    text = passage if thing in QUOTES.sub("", passage) else converter().convert(passage)   # simplified, as `thing` is
    marked = [text[s:e] for s, e in sentence_spans(text)]           # marks kept for reading (`X：…` defines X)
    sentences = [QUOTES.sub("", LISTED_QUOTES.sub("、", s)) for s in marked]    # “灯下黑”“两张皮”问题: a list
    holding = [i for i, s in enumerate(sentences) if thing in s]
    return bool(holding) and all(named_in(sentences, i, thing) and (unread or read(marked, i, thing).kind == "mentions")
                                 for i in holding)


def named_in(sentences: list[str], i: int, thing: str) -> bool:
    """Every occurrence of `thing` in `sentences[i]` (quotes taken out) only names it."""
    sentence = sentences[i]
    if HEADING.match(sentence) or len(sentence) <= HEADING_MAX:
        return False          # a heading (`（五）实施明责履职行动，…`, `细化考核内容。`): what follows it explains it
    after = "".join(sentences[i + 1:])
    at = sentence.find(thing)
    while at != -1:
        start, end = at, at + len(thing)
        at = sentence.find(thing, end)
        if NAMING.search(sentence[max(0, start - 3):start]):
            return False
        tail = sentence[end:]
        cut = CLAUSE_END.search(tail)
        clause, rest = (tail[:cut.start()], tail[cut.end():]) if cut else (tail, "")
        if len(clause) >= PREDICATE and not JOINED.match(clause):
            return False
        if not clause.strip() and PREDICATED.search(CLAUSE_END.split(sentence[:start])[-1]):
            return False
        if ELABORATES.match((rest or after).lstrip()):
            return False
    return True
