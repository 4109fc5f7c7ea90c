"""Whether the best passage answers the question at all (an honest "not found").

Signals of the top passage: `coverage`, the share of the question's idf mass
found in the passage (rare words weigh most; words the corpus never uses weigh
the most), `cosine`, the dense similarity of its chunk to the question, and
`sentence`, that of its best sentence. A question is answered when coverage or
either cosine is strong: lexical coverage catches questions asked in the
corpus's own words, the cosines catch paraphrases (a sentence that says it
exactly scores higher than the chunk around it). The thresholds were calibrated
for m3e-small by `python -m retrieval eval --suite seed` on the seed gold set
(answerable and unanswerable questions) plus 300 off-topic CMRC questions; see
README "Refusal". Another model needs its own calibration.

A third signal vetoes an answer: a question that asks for a count (`多少个`, `几名`; not `这几个字`),
who holds a post (`工委书记是谁`: the passage must name the post),
a date (`哪一天`, `哪一年`), a share (`占多大比重`) or an ordinal (`第几轮`: `第九轮`) is not answered by a
passage holding no count, date, share or ordinal of its own (numbers the question itself contains do not count). Near-miss
questions ("第三批“四强”党支部一共命名了多少个？") match a passage on every word
but the one thing they ask for.

A question of meaning about a formulation that no document holds (`什么是四下基层` over a corpus
that never says 四下基层) is not answered, however close a passage comes in meaning: a passage
cannot define a formulation it does not contain.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from retrieval.tokenize import fold, fold_once, word_tags

MIN_COVERAGE = 0.6
MIN_COSINE = 0.76      # for the chunk and for its best sentence alike
# int8 vectors give slightly higher cosines (README, "The embedding backend"): calibrated on the dev parts
# (seed gold, phrasing frames, off-topic questions). 0.765 before the vetoes of a formulation no document
# holds and of a share; with them 0.75 refuses as many near misses and absent formulations (README, "Refusal")
MIN_COSINE_BY_BACKEND = {"onnx-int8": 0.75}

# a regnal year (`康熙七年`, `嘉定十四年`, `建安元年`): two characters, then 元 or a numeral year in Chinese, not
# a length of time (`未来五年`, `长达十年`, `近十年`, `这三年`; `工作三年`: VERBAL_TAGS)
DURATION_BEFORE = ("未来|过去|最近|连续|长达|历时|经过|用了|花了|已有|不到|超过|前后|先后|将近|接近|大约|持续|坚持|"
                   "今后|此后|之后|短短|整整|足足|多达|总共|仅仅|不足|长期|多年|几十|数十|上百|历经|经历|时隔|相隔|为期|耗时|耗费|度过|共计|合计|大概")
ERA_YEAR = re.compile(rf"(?<![\u4e00-\u9fff](?:{DURATION_BEFORE}))(?:(?!{DURATION_BEFORE})[\u4e00-\u9fff]{{2}})"
                      r"(?<![近约达满逾了这那每前后头第几数多余的〇零一二两三四五六七八九十百])"   # nor inside a numeral: 未来十五年
                      r"(?:元|[一二三四五六七八九十]{1,3})年")
VERBAL_TAGS = frozenset("v vn vd vi a ad an d p c f r m q u".split())   # jieba's tags of `工作`, `服役`, `连续`
NUM = r"(?:\d+(?:[.,]\d+)*|[〇零一二三四五六七八九十百千万两]+)"
COUNTED = "个名位项次家批条篇轮种类所支场人头首对枚集处间代届岁"   # 几个, 几名, ... ask for a count
UNIT = COUNTED + "万亿%％元米克吨件部本册章节期起倍度℃°"         # what a stated count may end with
ORDINAL_UNITS = "轮届次批期个项条章节集回场代任季部"   # `第几轮` asks which round: `第九轮`, `首轮` answer it (not 第几名: RANK)
LIST_REQUEST = re.compile(r"列[出举]|列一?下")
SOME = r"(?<![第哪这那好])几"    # a 几 that asks a number: not 第几 (an ordinal), 哪几 / 这几 (which, these), 好几 (several)
ASKS = {"count": re.compile(rf"(?<!第)多少|{SOME}[{COUNTED}]"),
        "day": re.compile(r"哪一?[天日]|几号"), "month": re.compile(r"哪个月|几月"),
        "year": re.compile(r"哪一?年"), "time": re.compile(r"什么时[候间]|啥时候?|何时|多会儿"), "share": re.compile(r"比[重例].{0,3}多少|多大(?:的)?比[重例]|占比|百分之几|什么比例|多少比例|几成"),
        "people": re.compile(rf"(?:多少|{SOME})\s*(?:个人|人|名|位)(?![置子数口次])"),
        # not 几年 / 多少年: `西元几年`, `公元前多少年` ask for a year; not 多久以前: a time
        "span": re.compile(rf"多长时间|多久(?!以?前)|多少(?:天|日|个月|小时|分钟)|{SOME}(?:天|个月|小时|分钟)"),
        "ordinal": re.compile(rf"第几\s*([{ORDINAL_UNITS}])"),
        # how often (`多长时间提一回`, `多久通报一次`, `一年要搞几回`): a period, not a length of time or a count
        "often": re.compile(r"多(?:久|长时间)[^，。？！,?!]{0,10}?[一1][次回趟]|(?:几|多少)(?:年|个?月|天|周|星期)一[次回趟]"
                            r"|(?:一年|每年|一个?月|每月|一周|每周)[^，。？！,?!]{0,6}?(?:几|多少)[次回趟]")}
GIVES = {"count": re.compile(rf"(?<!第){NUM}\s*(?:多|余|来)?\s*[{UNIT}]"),
         "day": re.compile(rf"{NUM}\s*[日号]"), "month": re.compile(rf"{NUM}\s*月"),
         "year": re.compile(rf"{NUM}\s*年|\d+年代"),
         "time": re.compile(r"\d+\s*年|世纪|[汉唐宋元明清秦隋晋周]朝|朝[初末]|年间|(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*[月日号]|\d+年代|[上中下]旬"
                            r"|(?:今|去|前|明)年|年[初中底末]|月[初中底末]|春节|元旦"
                            r"|年前|第(?:\d{1,3}|[一二三四五六七八九十]{1,3})年|[纪代][初中末晚早]期"   # 2.51亿年前, 第九年, 白垩纪中期
                            r"|[东西][汉晋周]|[南北]宋|北魏|三国|战国|春秋"
                            r"|[春夏秋冬][季天]|夜[间晚]|凌晨|[早晚]上|[上下中]午|傍晚|黄昏|清晨|白天|期间|[之以][前后]"),   # a date, an era, a season or a time of day, not a span (五年)
         "share": re.compile(rf"{NUM}\s*[%％]|百分之|{NUM}\s*成(?![员立为功果绩就])|分之{NUM}|{NUM}\s*[∶:比]\s*{NUM}"),
         "people": re.compile(rf"{NUM}\s*(?:多|余|来)?\s*[万亿]?\s*(?:个人|人|名|位)|\d+(?:\.\d+)?\s*[万亿]"),   # not by `6个方面`
         "span": re.compile(r"(?<![\d年月])(?:\d{1,3}|[半一二两三四五六七八九十百]{1,3})\s*(?:多|余)?\s*"
                            r"(?:年|个月|月(?!\s*[\d一二三四五六七八九十]{1,3}\s*[日号])|周|星期|天|日|小时|分钟|秒|个?季度|赛季)"
                            r"|每(?:年|半年|个?季度|个?月|周|星期|天|日)|[一二两三四五六七八九十]年一[次度]"),   # 多久: a length of time or a period (not 定期: regularly, how often unsaid)
         "often": re.compile(r"[每按](?:年|半年|个?季度|个?月|周|星期|天|日)|[一二两三四五六七八九十\d]+\s*(?:年|个?月|周|天)一[次度回]"
                             r"|[一每](?:年|个?月|周)[一二两三四五六七八九十\d]+[次回]")}    # or a length of time (span): 每隔两年
# who came first or won (`哪支合唱队拿了第一名`) is answered by a passage that ranks or awards (`荣获一等奖`, `夺冠`, `第2名`),
# and how two things differ (`有什么区别`, `哪个更严`) by one that compares them (`不同于`, `相比`, `高于`)
RANK = (re.compile(r"第一名|冠军|头名|一等奖|金奖|夺冠|[拿得获]了?第一|第几名|名次|获奖|得奖"),
        re.compile(r"冠军|亚军|季军|第\s*[一二三四五六七八九十\d]+\s*名|名列|夺冠|夺得|荣获|[特一二三]等奖|[金银铜]奖|[金银铜]牌"
                   r"|获奖|得奖|奖项|排名|名次|居首|榜首|首位|第一位|[居列]\S{0,4}第一|之[王冠]|桂冠|票选|优胜|胜出|获胜|击败|战胜"))
COMPARISON = (re.compile(r"(?:什么|啥|何|哪些)(?:区别|不同|差别|差异)|(?:区别|不同|差别|差异)(?:是什么|是啥|在哪|在于)|哪一?个[^，。？！,?!]{0,4}更|异同"
                         r"|相比.{0,6}(?:如何|怎样|怎么样|谁|哪)"),     # not the adjective: `用不同方式`, `有所不同`
              re.compile(r"区别|不同|差别|差异|相比|相较|比较|不一样|有别|异同|而非|不如|胜过|优于|高于|低于|多于|少于|大于|小于"
                         r"|前者|后者|则|而|反之|相反|本来|原本|如今|比(?![例赛如方喻拟较重率值分])"))    # or sets them side by side: `幼鱼…，成鱼则…`
# why this date, place or person was chosen (`为啥选在1月26日开`, `为什么是郭文奇主持而不是蔡奇`) is answered by a passage
# that gives a reason (`因为`, `为了`, `恰逢`), not by one that reports the choice
CHOICE = (re.compile(r"(?:为什么|为啥|为何)\S{0,8}?(?:选在|选择|选中|定在|安排在|放在|挑选)|(?:为什么|为啥|为何).{1,12}而不是"),
          re.compile(r"因为|由于|为了|之所以|原因|考虑到|鉴于|以便|旨在|目的是|所以|因此|恰逢|正值|适逢"))
# who holds a post (`郑州市委市直机关工委书记是谁`, `节目的主持人是谁`) is answered by a passage that names the post
# (its first two characters: `主持` of `由…主持`), not by one about the body that never says who heads it
HOLDER = re.compile(r"(书记|主任|部长|局长|厅长|处长|主席|总统|总理|校长|院长|董事长|市长|省长|首相|国王|教练|队长|总裁|主持人"
                    r"|负责人|领导)(?:是谁|是哪一?位|为谁|叫什么|由谁担任)")
VAGUE = {"百年", "千年", "万年", "百个", "千个", "万个"}     # "百年华诞" names no date
# a numbered mention of the question (`第八轮`, `18项`, `第三批`, `十九大`, `四中全会`, `70周年`): the corpus must
# say it, in some spelling. Not 名/位/次/家: ranks and counts are said in other words
MENTION = re.compile(r"(?<![\d〇零一二两三四五六七八九十百千万])(第)?(\d{1,3}|[一二两三四五六七八九十]{1,3})\s*([轮批届期项条]|中全会|周年|大)")
COUNTED_NAME = re.compile(rf"{SOME}[{COUNTED}]([\u4e00-\u9fff]{{1,4}})")     # `几种力`: 力, the thing counted
LIST_RUN = re.compile(r"[^，。；：！？,;:!?、\s]{2,12}(?:[、和及与][^，。；：！？,;:!?、\s]{1,12}){1,19}")
NUMBERED_PART = re.compile(r"(?:^|(?<=[。；，;,\s：:！？]))\s*(?:([一二三四五六七八九十]{1,2})(?:是|要|则|个方面)"
                           r"|第([一二三四五六七八九十]{1,2})[，,、]|[（(]([一二三四五六七八九十]{1,2})[)）])")
CONGRESS = 11      # `十九大` names a party congress; `六大行动`, `三大任务` count things
DIGITS = "零一二三四五六七八九"
# jieba's tags of words that carry no topic: adverbs, conjunctions, prepositions, particles, pronouns, modal
# and interjection words, onomatopoeia (`到底`, `究竟`, `为了`, `那些`); not locality words (`之前`: when)
FUNCTION_TAGS = frozenset("d c p u r y e o".split())


@dataclass(frozen=True)
class Evidence:
    coverage: float
    cosine: float
    typed: bool = True     # the passage holds the kind of thing asked for (a count, a day, month or year)
    sentence: float = 0.0  # cosine of the passage's best sentence
    held: bool = True      # the corpus holds the formulation a question of meaning asks about


def asked_kinds(question: str) -> list[str]:
    """What the question asks for: "count", "day", "month", "year", "time" (any date: `什么时候`), "share",
    or nothing of these. The `多少` of a share (`多少比例`) or of a length of time (`多少天`) asks for that,
    not for a count as well (`三分之一`, `9日` answer them); nor does a request to list (`列一下X的几个组成部分`)."""
    kinds = [kind for kind, pattern in ASKS.items() if pattern.search(question)]
    listing = LIST_REQUEST.search(question) is not None     # `列一下X的几个组成部分` wants the parts listed
    if "often" in kinds:      # `一年要搞几次`: how often, neither a count nor a length of time
        return [k for k in kinds if k not in ("count", "span")]
    return [k for k in kinds if k != "count" or not ({"share", "span"} & set(kinds) or listing)]


def gives_kind(kind: str, question: str, passage: str) -> bool:
    """The passage states a `kind` (count or date) that the question does not already contain."""
    if kind == "ordinal":     # the round, session or batch of the unit asked: `第几轮` by `第九轮`, `首轮`
        units = "".join(sorted(set(ASKS["ordinal"].findall(question))))
        return any(m.group() not in question for m in re.finditer(rf"(?:第\s*{NUM}|首)\s*[{units}]", passage))
    return any(m.group() not in question and re.sub(r"\s", "", m.group()) not in VAGUE
               for m in GIVES[kind].finditer(passage)) or \
        (kind == "time" and any(year not in question for year in era_years(passage))) or \
        (kind == "count" and counted_by_list(question, passage)) or (kind == "often" and gives_kind("span", question, passage))


def counted_by_list(question: str, passage: str) -> bool:
    """The passage lists two or more of the thing whose number is asked, each ending in its name (`增强党支部的
    几种力`: `凝聚力、向心力、战斗力`; `几个联动`: `上下联动、内外联动、学做联动的学习格局`, the last item running on):
    the list answers how many."""
    for m in COUNTED_NAME.finditer(question):
        names = [m.group(1)[:k] for k in range(len(m.group(1)), 0, -1)]
        for run in LIST_RUN.finditer(passage):
            items = re.split(r"[、和及与]", run.group())
            if len(items) >= 2 and any(all(i.endswith(n) for i in items[:-1]) and n in items[-1] for n in names):
                return True
    return False


def era_years(text: str) -> list[str]:
    """The regnal years `text` names (`康熙七年`, `嘉定十四年`), not lengths of time after a verb (`服役七年`)."""
    return [m.group() for m in ERA_YEAR.finditer(text) if word_tags().get(m.group()[:2]) not in VERBAL_TAGS]


def typed_answer(question: str, passage: str) -> bool:
    return all(gives_kind(kind, question, passage) for kind in asked_kinds(question)
               if not copied(ASKS[kind], question, passage)) and \
        all(given.search(passage) for asked, given in (RANK, COMPARISON, CHOICE) if asked.search(question)) and \
        all(m.group(1)[:2] in fold_once(passage) for m in HOLDER.finditer(question))


def copied(pattern: re.Pattern, question: str, passage: str, context: int = 2) -> bool:
    """Every `pattern` match of the question is a phrase of the passage itself, with `context` characters
    of the question on each side (`发动了几次规模巨大的战役`): the question repeats the passage's own words
    (几次 there means "several"), it does not ask for a count."""
    folded = fold(passage)
    matches = list(pattern.finditer(question))
    return bool(matches) and all(
        len(fold(question[max(0, m.start() - context):m.start()])) == context and
        len(fold(question[m.end():m.end() + context])) == context and
        fold(question[m.start() - context:m.end() + context]) in folded for m in matches)


def mentions(question: str) -> list[tuple[str, ...]]:
    """The numbered mentions of `question` (`第八轮督查`, `那18项措施`), each as the spellings the corpus may
    use (`第八轮` / `第8轮`; `第一次` / `首次`). A near miss asks about a round, a batch or a count that the
    corpus never mentions: another round of what it reports."""
    out = []
    for m in MENTION.finditer(question):
        nth, number, unit = m.groups()
        value = numeral(number)
        before = question[m.start() - 1] if m.start() else ""
        if value is None or (value == 1 and not nth) or (before and before in "哪几") or \
                (unit == "大" and (nth or value < CONGRESS)):
            continue     # `哪一期`, `哪两项`, `这一批`, `一项`: no number of the corpus
        spelled = {number, str(value), chinese(value)} - {""} | ({"两"} if value == 2 and not nth else set())
        forms = {f"{nth or ''}{n}{unit}" for n in spelled} | ({f"首{unit}"} if nth and value == 1 else set())
        out.append(tuple(sorted(forms)))
    return out


def numeral(text: str) -> int | None:
    """1-999 from Arabic digits or Chinese numerals up to 九十九 (`十八`, `二十`), else None."""
    if text.isdigit():
        return int(text)
    text = text.replace("两", "二")
    if set(text) - set(DIGITS + "十") or text.count("十") > 1:
        return None
    tens, _, units = text.rpartition("十") if "十" in text else ("", "", text)
    if len(tens) > 1 or len(units) > 1:     # `十五三`, `三二十`: no numeral
        return None
    if "十" in text:
        value = (DIGITS.index(tens) if tens else 1) * 10 + (DIGITS.index(units) if units else 0)
    else:
        value = DIGITS.index(units) if len(units) == 1 else None
    return value


def chinese(value: int) -> str:
    """`value` (0-99) in Chinese numerals: 8 -> 八, 18 -> 十八, 20 -> 二十; '' above 99."""
    if value >= 100:
        return ""
    tens, units = divmod(value, 10)
    return (f"{DIGITS[tens] if tens > 1 else ''}十" if tens else "") + (DIGITS[units] if units or not tens else "")


def listed(text: str) -> int:
    """How many parts `text` spells out at most: items joined by `、` (`和`, `及`, `与` before the last) in
    one run, or numbered ones (`一是…二是…`, `一要…`, `第一，…`, `（一）…`)."""
    runs = [len(re.split(r"[、和及与]", m.group())) for m in LIST_RUN.finditer(text)]
    numbered = {numeral(m.group(1) or m.group(2) or m.group(3)) for m in NUMBERED_PART.finditer(text)}
    return max(runs + [len(numbered - {None})])


def min_cosine_for(backend: str) -> float:
    """The cosine threshold calibrated for the vectors of `backend` (`Embedder.label`)."""
    return MIN_COSINE_BY_BACKEND.get(backend, MIN_COSINE)


def decide(evidence: Evidence, min_coverage: float = MIN_COVERAGE,
           min_cosine: float = MIN_COSINE) -> bool:
    """True when the top passage is taken as an answer."""
    if not evidence.typed or not evidence.held:
        return False
    return evidence.coverage >= min_coverage or max(evidence.cosine, evidence.sentence) >= min_cosine


def function_word(word: str) -> bool:
    """`word` is a function word of general Chinese (`到底`, `究竟`, `为了`): jieba's dictionary tags it so."""
    return word_tags().get(word) in FUNCTION_TAGS


def coverage(words: list[str], text: str, idf, size: int) -> float:
    """Share of the idf mass of the question's content `words` that `text` holds, each word whole
    (folded: quote marks, width and punctuation do not matter). A word the corpus never uses
    (`idf(word)` 0) weighs the most, a single such character (求 in `求解释`) nothing, and its
    parts do not count for it: `四个全面` is not covered by 四个 … 全面. `size`: chunks indexed."""
    unseen = math.log(1 + (size + 0.5) / 0.5)
    weights = {w: idf(w) or (unseen if len(w) > 1 and not function_word(w) else 0.0) for w in set(words) if fold(w)}
    total = sum(weights.values())
    folded = fold(text)
    return sum(v for w, v in weights.items() if fold(w) in folded) / total if total else 0.0
