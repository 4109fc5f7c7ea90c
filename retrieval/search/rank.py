"""Answer-aware ranking on top of fusion: what the question asks for decides which passage leads.

Pure functions over passages and the question's analysis (`retrieval.search.question`): the words
whose presence decides an answer, a passage that states the count or date asked for, a year
the question names matched against a document's date, title or text.
"""
from __future__ import annotations

import re

from retrieval.search.answer import Passage
from retrieval.search.question import Analysis, about_meaning
from retrieval.search.refusal import FUNCTION_TAGS, asked_kinds, numeral, typed_answer
from retrieval.tokenize import fold, normalize, word_tags
from retrieval.types import Document

ASIDE_TAGS = FUNCTION_TAGS | {"f", "t"}     # 最后, 当时: they place the asking, the document need not hold them
PUBLISHED = re.compile(r"[这那该此本]篇|[这那该此本]则|该文|此文|本文|文章|报道|稿件|刊登|刊发|发表|发布|刊出|登载|印发"
                       r"|登在|刊物|期刊|杂志|报纸|(?:时候|哪天|何时|哪年|几号)(?:发|登|刊|出)(?:的|出来)")   # 啥时候发的
# where a document was published (`发表在哪本期刊上`, `登在哪家报纸`, `出处是哪里`): its citation's source answers
VENUE = re.compile(r"哪[本个家份]?(?:期刊|杂志|报纸|报刊|刊物|报|网站|媒体|平台)|什么(?:期刊|杂志|报纸|报刊|刊物|网站|媒体|平台)"
                   r"|(?:发表|刊登|刊发|登载|刊载|发布|登|转载)(?:在|于|到|自)?(?:哪|何处|什么地方)|出处|来源|出自")
THIS_DOCUMENT = re.compile(r"[这那该此本]篇|该文|此文|本文|[这那该此本]则")
# a passage that says where something is printed (`在《周刊少年Jump》上连载`, `刊登于…杂志`)
VENUE_GIVEN = re.compile(r"《[^》]{1,30}》|杂志|期刊|日报|晚报|周刊|月刊|网站|出版社|连载|刊登|刊发|刊载|载于|发表于")
TYPED_DEPTH = 5    # a count or date question may take its answer from this far down ...
TYPED_SHARE = 0.8  # ... when that passage scores at least this share of the top one


def content_words(analysis: Analysis, tokens: list[str], term: bool = True) -> list[str]:
    """The words whose presence decides whether a passage answers: the formulation asked about (with
    `term`; else only the one a question of its meaning asks about: `retrieval.search.question.about_meaning`),
    else the question's content words (its search tokens when the question is all frame)."""
    if analysis.term and (term or about_meaning(analysis)):
        return list(analysis.pieces) or [analysis.term]
    words = analysis.content.split() or tokens
    if PUBLISHED.search(analysis.question):      # `这篇文章`, `刊登`: the document itself, not its text
        words = [w for w in words if not PUBLISHED.search(w)] or words
    return words



def dated(doc: Document, question: str) -> str:
    """What the citation says of the document (title, `来源` source, `作者` author, the date in words:
    `2021年11月15日`, the credits shown beside it: `责任编辑：蔡东海`) when the question asks about the document itself (`郑州日报这篇文章是哪天刊登的`):
    the citation shown with the passage answers it. Else ''."""
    if not PUBLISHED.search(question):
        return ""
    parts = (doc.date or "").split("-")
    when = "".join(f"{int(p)}{unit}" for p, unit in zip(parts, "年月日") if p.isdigit())
    fields = (doc.title, doc.source and f"来源{doc.source}", doc.author and f"作者{doc.author}", when, doc.credits)
    return " " + " ".join(x for x in fields if x)


# who made the document itself: `这篇讲话是哪位领导讲的`, `那篇文章是谁写的`, `这篇文章的作者是谁`
MAKER = re.compile(r"[这那该此本]篇.{0,20}?(?:(?:谁|哪一?位|何人|什么人)\S{0,4}?(?:讲|写|作|撰|起草|执笔|签发|编辑|发表|发布)"
                   r"|(?:作者|撰稿人?|执笔人?|讲话人|主讲人|责任编辑|编辑|签发人?)\S{0,2}?(?:是|为)?(?:谁|哪一?位|何人))")


# ... or by its title (`2024年机关党建年中推进会上的讲话是哪位领导讲的`: most of what comes before the kind of text
# is in the title, and so is the kind): TITLED_SHARE of its character pairs
TITLED_MAKER = re.compile(r"(\S{2,40}?)(讲话|文章|报告|讲稿)是?(?:由)?(?:谁|哪一?位\S{0,2}?|何人)\S{0,2}?(?:讲|写|作|撰|起草|执笔|发表)")
TITLED_SHARE = 0.8
# ... by name: `这篇文章的作者叫什么`, `那篇的撰稿人姓名`
NAME_ASKED = re.compile(r"(?:作者|撰稿人?|执笔人?|讲话人|主讲人)\S{0,2}?(?:叫什么|叫啥|的?名字|的?姓名|姓什么)")
# an author that is a unit, not a person: `省国资委`, `郑州市委市直机关工委`, `人民日报社`
UNIT = re.compile(r"(?:委|局|部|厅|办|会|院|社|报|台|网|室|处|司|中心|政府|机关|组|队|站|所|馆|公司|集团|大学|学校|学院|党校|杂志)$")


def maker_unknown(doc: Document, question: str) -> bool:
    """The question asks who wrote, gave, edited or signed the document itself (`这篇讲话是哪位领导讲的`) and its
    citation names no one (no author, no editorial credits): a passage of it does not say who made it. Asked
    for the author's name (`这篇文章的作者叫什么`), a citation whose author is a unit (`省国资委`) names no one."""
    if (MAKER.search(question) is not None or titled_maker(doc, question)) and not (doc.author or doc.credits):
        return True
    return THIS_DOCUMENT.search(question) is not None and NAME_ASKED.search(question) is not None and \
        not any(part and not UNIT.search(part) for part in re.split(r"[\s、，,]+", doc.author or ""))


def titled_maker(doc: Document, question: str) -> bool:
    """The question asks who made a text it names by the document's title (`…年中推进会上的讲话是哪位领导讲的` of
    `在2024年机关党建高质量发展年中推进会上的讲话`): the kind (`讲话`) is in the title, and TITLED_SHARE of the
    character pairs before it."""
    m = TITLED_MAKER.search(question)      # asked of every question's top passage: the title only when it matches
    if m is None or m.group(2) not in (title := fold(doc.title or "")):
        return False
    named = fold(m.group(1))
    pairs = [named[k:k + 2] for k in range(len(named) - 1)]
    return bool(pairs) and sum(p in title for p in pairs) >= TITLED_SHARE * len(pairs)


def venue_unknown(doc: Document, question: str, text: str, named: bool) -> bool:
    """The question asks where the document itself was published (`这篇文章发表在哪本期刊上`, or naming it:
    `推动落实…研究发表在哪本期刊上`), its citation names no source and the passage `text` names no venue:
    nothing shown answers it. A question about a work the passage describes (`《捉兔记》首次出版在什么杂志上`)
    is answered by a passage that says where (`在《…》上连载`)."""
    about = THIS_DOCUMENT.search(question) is not None or named
    return about and not doc.source and PUBLISHED.search(question) is not None and \
        VENUE.search(question) is not None and VENUE_GIVEN.search(text) is None


def about_document(doc: Document, question: str, words: list[str]) -> list[str] | None:
    """For a question about the document itself (`郑州日报这篇文章是哪天刊登的`), the content words left
    once those naming the document (its source, its title) and single characters (`发`) are taken
    out, with words that place or qualify the asking (`最后`, `当时`, `到底`: jieba tags them f, t or as a function
    word): what the citation or the passage must hold (`责任编辑`). None for a question about the text."""
    if not PUBLISHED.search(question):
        return None
    naming = fold(f"{doc.title}{doc.source}")
    return [w for w in words if len(fold(w)) > 1 and fold(w) not in naming and
            word_tags().get(w) not in ASIDE_TAGS]


def matches_year(doc: Document, text: str, years: tuple[str, ...]) -> bool:
    """The passage `text` of `doc` states one of `years`, or the document's title does, or its date does and
    the passage states no other year (`2024年是…不平凡的一年` in a report of 2025 is about 2024)."""
    if any(y in text or y in (doc.title or "") for y in years):
        return True
    return not STATED_YEAR.search(text) and any((doc.date or "").startswith(y) for y in years)


STATED_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d\s*年(?!代)")


def prefer_typed(question: str, passages: list[Passage], text_of) -> list[Passage]:
    """For a question asking for a count or a date (`几个方面`, `哪一年`), for N named parts (`哪三种政治能力`)
    or where something happened (`在哪里召开`: `在北京召开`), put first the best passage that states one (lists them), when the top passage does not and that one
    scores at least TYPED_SHARE of the top."""
    parts, place = parts_asked(question), place_asked(question)
    if not passages or not (asked_kinds(question) or parts or place):
        return passages

    def gives(p: Passage) -> bool:
        text = text_of(p)
        return typed_answer(question, text) and (parts is None or lists(text, *parts)) and \
            (place is None or place.search(normalize(text)) is not None)

    return promoted(passages, gives)


def promoted(passages: list[Passage], wanted) -> list[Passage]:
    """`passages` with the best of the top TYPED_DEPTH for which `wanted(passage)` holds put first, when the top
    one is not wanted and that one scores at least TYPED_SHARE of the top."""
    if not passages or wanted(passages[0]):
        return passages
    for i, p in enumerate(passages[1:TYPED_DEPTH], start=1):
        if p.score >= TYPED_SHARE * passages[0].score and wanted(p):
            return [p] + passages[:i] + passages[i + 1:]
    return passages


PARTS_ASKED = re.compile(r"哪([两二三四五六七八九十]|\d{1,2})\s*[个种项条类点大些方][面个]?([^，。？！?!,]{1,8})")
ITEMS = re.compile(r"[^，。；：！？,;:!?、\s]{2,12}(?:[、和及与][^，。；：！？,;:!?、\s]{1,12}){1,9}")


WHERE = (r"(?:哪里|哪儿|何处|何地|(?:哪(?:一?个|座)?|什么)(?:地方|城市|省份?|国家|地区|地点|场馆|会场|礼堂)"   # 在哪个城市召开
         r"|哪(?![个些一位年天种家本项条次届期批样回场门部所里儿座]))")   # 在哪办的
# where something happened or was set up: `在哪里召开`, `在哪儿开的`, `在哪里设置` (the verb's first character after it),
# or a verb of setting up or lying before it (`专栏开在哪儿`, `集中在哪里`); not where a cause lies (`原因在哪里`,
# `问题出在哪里`)
DONE_AT = re.compile(rf"在{WHERE}([\u4e00-\u9fff])")
SET_AT = re.compile(rf"(开|办|设|建|放|立|集中|分布|坐落|安置|部署)在{WHERE}")
PARTICLES = set("呢啊吗的了呀吧")
HELD = set("召举开办")    # 召开, 举行, 举办, 开幕, 开设, 办: an event or a column, whose place a report states as such


def place_unknown(question: str, text: str) -> bool:
    """The question asks where an event was held (`…在哪里召开的`, `在哪儿办的`, `专栏开在哪儿`) and the passage `text`
    never says it was held in or at somewhere (`在京召开`, `于台北举行`, `在旗帜网、旗帜微平台开设`): it names the
    event, not its place. Other verbs (`居住`, `分布`, `取得学位`) are answered by places said in too many ways
    (`到伦敦居住`, `分布很广，从…`) for their absence to mean anything: they only steer the ranking."""
    verb = verb_of(question)
    return verb in HELD and place_pattern(verb).search(normalize(text)) is None


def verb_of(question: str) -> str:
    """The first character of the verb of a where-question (`在哪里召开` -> 召, `专栏开在哪儿` -> 开), else ''."""
    m = SET_AT.search(question) or DONE_AT.search(question)
    verb = m.group(1)[0] if m else ""
    return "" if verb in PARTICLES else verb


def place_asked(question: str):
    """For a question asking where something was done (`…在哪里召开`, `在哪儿开的`, `专栏开在哪儿`), a pattern of the
    answer's shape with the first character of its verb: `在<place>召开`, `于<place>举行`, `集中在<place>`; else None."""
    verb = verb_of(question)
    return place_pattern(verb) if verb else None


def place_pattern(verb: str) -> re.Pattern:
    """`在<place><verb>…`, `于<place><verb>…` or `<verb>…在<place>`, for the first character of a verb."""
    v = re.escape(verb)
    return re.compile(rf"[在于][^，。；！？,;!?\s]{{1,15}}?{v}|{v}[\u4e00-\u9fff]{{0,3}}[在于][^，。；！？,;!?\s]")


def parts_asked(question: str) -> tuple[int, str] | None:
    """(N, head) for a question asking for N named parts (`哪三种政治能力` -> (3, 政治能力), `哪五个“基本”`
    -> (5, 基本)), else None. The head is what each part is a kind of."""
    m = PARTS_ASKED.search(question)
    if not m:
        return None
    n = numeral(m.group(1))
    head = fold(re.sub(r"^[是的]|[是的呢吗啊呀]$", "", m.group(2)))[:4]
    return (n, head) if head else None


def lists(text: str, n: int, head: str) -> bool:
    """`text` lists N or more items joined by `、` (`和`, `及`, `与` before the last) that each share a character
    with `head` (`政治判断力、政治领悟力、政治执行力` for 政治能力; `不敢腐、不能腐、不想腐` for 不)."""
    chars = set(head)
    for m in ITEMS.finditer(normalize(text)):
        items = re.split(r"[、和及与]", m.group())
        if sum(bool(chars & set(item[-6:])) for item in items) >= n:
            return True
    return False
