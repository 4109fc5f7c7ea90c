"""Generate `eval/quotes.jsonl`: quotations with realistic edits, for `python -m retrieval verify --eval`.

Deterministic (seed 2025; the boundary edits added for issue #14, seed 2026, come after the
first 225 lines, which stay as they were). Each line: {"id", "edit", "quote", "verdict",
"spans", "split"} where `spans` lists the expected source slices [{doc_id, start, end}]
(one per part for a stitched quote, none for a quote that is not in the corpus) and
`split` is `dev` (choose settings on these) or `test` (held out), half of each edit
type by a seeded draw. Source sentences are taken from the clean corpus and occur
exactly once in it (folded), so a location is well defined.
Usage: `.venv/bin/python eval/make_quotes.py [--corpus corpus] [-o eval/quotes.jsonl]`.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import jieba
import opencc
from pypinyin import Style, pinyin

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from retrieval.search.align import fold  # noqa: E402
from retrieval.ingest.corpus import load_corpus  # noqa: E402
from retrieval.ingest.sentences import sentence_spans  # noqa: E402

SEED = 2025
BOUNDARY_SEED = 2026
BOUNDARY_COUNTS = {"end_swap": 20, "end_insert": 15, "end_delete": 15, "start_swap": 15,
                   "end_punct": 15, "pinyin": 15}
COUNTS = {"exact": 20, "punct": 20, "traditional": 20, "linebreak": 15, "swap": 25, "delete": 25,
          "insert": 25, "multi": 15, "stitched": 20}
SWAPS = {"加强": "强化", "推动": "推进", "落实": "贯彻", "坚持": "坚决", "深入": "深化", "全面": "全力",
         "工作": "任务", "发展": "进步", "建设": "建立", "提高": "提升", "要": "必须", "进一步": "更加",
         "切实": "扎实", "持续": "不断", "机关": "单位", "责任": "职责", "干部": "党员"}
INSERTS = ["进一步", "切实", "坚决", "全面", "的", "始终", "不断", "扎实", "认真", "大力"]
PUNCT = {"，": [",", "、", " ", ""], "。": [".", "；", "！", ""], "、": ["，", ",", " "],
         "；": [";", "，", "。"], "：": [":", "，"], "“": ['"', "「", ""], "”": ['"', "」", ""]}

DOMAIN = """坚定不移推动全面从严治党向纵深发展，以高质量党建引领经济社会高质量发展。
各级党组织要把学习贯彻党的二十届三中全会精神作为当前和今后一个时期的重大政治任务。
要健全完善党员干部教育培训体系，分级分类开展全员轮训，切实提升干部队伍专业化能力。
基层党组织书记要当好“领头雁”，带动党员在乡村振兴一线建功立业。
要深化党务公开，畅通群众监督渠道，让权力在阳光下运行。
坚持问题导向，聚焦群众急难愁盼问题，推动主题教育成果转化为为民办实事的实际成效。
要持续巩固拓展脱贫攻坚成果，牢牢守住不发生规模性返贫的底线。
严格落实意识形态工作责任制，牢牢掌握意识形态工作领导权和话语权。
机关党员要亮身份、作表率，在窗口服务岗位上争创“党员先锋岗”。
加强对“一把手”和领导班子的监督，推动监督关口前移，做到早发现早提醒早纠正。
要把党史学习教育常态化长效化，用好红色资源，赓续红色血脉。
推进数字党建平台建设，实现党员管理、组织生活、学习教育线上线下融合。
各单位要建立健全容错纠错机制，为敢于担当的干部撑腰鼓劲。
要坚持大抓基层的鲜明导向，推动资源、服务、管理向基层下沉。
认真落实“三会一课”、主题党日、谈心谈话等组织生活制度，增强组织生活的政治性时代性原则性战斗性。
纪检监察机关要精准运用监督执纪“四种形态”，把严的基调一贯到底。
要加强年轻干部的政治历练和实践锻炼，教育引导他们扣好廉洁从政的“第一粒扣子”。
推动党建工作与乡村治理深度融合，打造共建共治共享的基层治理格局。
要以案为鉴、以案促改，深入开展警示教育，筑牢拒腐防变的思想防线。
开展党支部标准化规范化建设三年行动，力争实现支部建设全面达标。
把党的领导贯穿国有企业改革发展全过程，推动党建工作与生产经营深度融合。
要发挥党员志愿服务队作用，常态化开展社区报到和结对帮扶活动。
坚持党管人才原则，完善人才引进培养使用激励机制。
各级领导干部要带头讲党课，每年至少为所在党支部讲一次专题党课。
严禁以会议落实会议、以文件落实文件，切实为基层松绑减负。"""

UNRELATED = """今天北京的天气晴朗，最高气温二十八摄氏度，适合外出散步。
把鸡蛋打散，加入少许盐，用中火翻炒至凝固即可出锅。
这场足球比赛双方战成一比一平，主队在补时阶段扳平比分。
图书馆周末开放时间调整为上午九点至晚上八点。
小猫喜欢在阳光下打盹，醒来后会伸个懒腰。
地铁四号线因设备故障临时停运，请乘客改乘公交。
这款手机的电池续航时间比上一代提升了百分之二十。
春节期间高速公路小型客车免收通行费。
他每天早上六点起床跑步，已经坚持了整整三年。
请在提交报告之前仔细检查表格中的数据是否准确。
长江是中国第一长河，全长约六千三百公里。
周末我们一家人去公园放风筝，玩得非常开心。
咖啡因摄入过量可能导致心悸和失眠。
这部电影讲述了一位老人在海边等待归人的故事。
明天有中到大雨，请市民出行注意携带雨具。"""


def unique_sentences(docs) -> list[tuple[str, int, int]]:
    """Body sentences of 16-90 characters whose folded text occurs once in the corpus."""
    folded = "|".join(fold(d.text).text for d in docs)
    found = []
    for doc in docs:
        for para in doc.paragraphs:
            if para.heading:
                continue
            for s, e in sentence_spans(doc.text, para.start, para.end):
                text = fold(doc.text[s:e]).text
                if 16 <= len(text) <= 90 and folded.count(text) == 1:
                    found.append((doc.doc_id, s, e))
    return found


def item(edit: str, quote: str, verdict: str, spans: list[tuple[str, int, int]]) -> dict:
    return {"edit": edit, "quote": quote, "verdict": verdict,
            "spans": [{"doc_id": d, "start": s, "end": e} for d, s, e in spans]}


def punct_edit(rng: random.Random, text: str) -> str:
    chars = [rng.choice(PUNCT[c]) if c in PUNCT and rng.random() < 0.7 else c for c in text]
    out = "".join(chars)
    return out if out != text else text.rstrip("。") + "."


def cjk_positions(text: str) -> list[int]:
    return [i for i, c in enumerate(text) if "\u4e00" <= c <= "\u9fff"]


def swap_edit(rng: random.Random, text: str, pool: str) -> str:
    words = [w for w in SWAPS if w in text]
    if words and rng.random() < 0.6:
        w = rng.choice(words)
        return text.replace(w, SWAPS[w], 1)
    i = rng.choice(cjk_positions(text))
    return text[:i] + rng.choice([c for c in pool if c != text[i]]) + text[i + 1:]


def words(text: str) -> list[tuple[int, int]]:
    """Spans of the Chinese words of `text` (jieba), the first and last left out."""
    spans, i = [], 0
    for w in jieba.cut(text):
        if all("\u4e00" <= c <= "\u9fff" for c in w):
            spans.append((i, i + len(w)))
        i += len(w)
    return spans[1:-1]


def delete_edit(rng: random.Random, text: str) -> str:
    """Drop a word of at most three characters (a dropped 的/进一步/切实...)."""
    s, e = rng.choice([w for w in words(text) if w[1] - w[0] <= 3])
    return text[:s] + text[e:]


def insert_edit(rng: random.Random, text: str) -> str:
    """Add a filler word at a word boundary."""
    s, _ = rng.choice(words(text))
    return text[:s] + rng.choice(INSERTS) + text[s:]


def linebreak_edit(rng: random.Random, text: str) -> str:
    i, j = sorted(rng.sample(cjk_positions(text)[1:-1], 2))
    return text[:i] + "\n" + text[i:j] + rng.choice([" ", "\n", "  "]) + text[j:]


def single_items(rng, docs, sentences) -> list[dict]:
    by_id = {d.doc_id: d for d in docs}
    pool = "".join(c for d in docs for c in d.text if "\u4e00" <= c <= "\u9fff")
    s2t = opencc.OpenCC("s2t")
    edits = {"exact": lambda t: t, "punct": lambda t: punct_edit(rng, t),
             "traditional": lambda t: punct_edit(rng, s2t.convert(t)) if rng.random() < 0.3 else s2t.convert(t),
             "linebreak": lambda t: linebreak_edit(rng, t), "swap": lambda t: swap_edit(rng, t, pool),
             "delete": lambda t: delete_edit(rng, t), "insert": lambda t: insert_edit(rng, t)}
    items = []
    for edit, make in edits.items():
        verdict = "variant" if edit in ("swap", "delete", "insert") else "exact"
        for doc_id, s, e in rng.sample(sentences, COUNTS[edit]):
            items.append(item(edit, make(by_id[doc_id].text[s:e]), verdict, [(doc_id, s, e)]))
    return items


def multi_items(rng, docs, sentences) -> list[dict]:
    """Two consecutive sentences of one paragraph (exact) and two from different places (stitched)."""
    by_id, items = {d.doc_id: d for d in docs}, []
    pairs = [(a, b) for a, b in zip(sentences, sentences[1:]) if a[0] == b[0] and 0 < b[1] - a[2] <= 1]
    for a, b in rng.sample(pairs, COUNTS["multi"]):
        items.append(item("multi", by_id[a[0]].text[a[1]:b[2]], "exact", [(a[0], a[1], b[2])]))
    while len(items) < COUNTS["multi"] + COUNTS["stitched"]:
        a, b = rng.sample(sentences, 2)
        if a[0] != b[0] or abs(a[1] - b[1]) > 300:
            text = by_id[a[0]].text[a[1]:a[2]] + by_id[b[0]].text[b[1]:b[2]]
            items.append(item("stitched", text, "stitched", [a, b]))
    return items


def han_ends(text: str) -> tuple[int, int]:
    """Positions of the first and last Han characters of `text`."""
    hans = cjk_positions(text)
    return hans[0], hans[-1]


def end_swap(rng, text: str, pool: str) -> str:
    """The last character before the closing punctuation changed (规矩。 -> 规定。)."""
    _, last = han_ends(text)
    return text[:last] + rng.choice([c for c in pool if c != text[last]]) + text[last + 1:]


def start_swap(rng, text: str, pool: str) -> str:
    first, _ = han_ends(text)
    return text[:first] + rng.choice([c for c in pool if c != text[first]]) + text[first + 1:]


def end_insert(rng, text: str) -> str:
    """A word added after the last character (…规矩等。)."""
    _, last = han_ends(text)
    return text[:last + 1] + rng.choice(INSERTS + ["等", "啊", "上"]) + text[last + 1:]


def end_punct(rng, text: str) -> str:
    """The closing punctuation changed or dropped (。 -> . / ！ / nothing)."""
    _, last = han_ends(text)
    return text[:last + 1] + rng.choice([".", "！", "；", "", "”。"])


def glued_pinyin(rng, text: str) -> str:
    """Traditional characters with tone-marked pinyin glued after a few of them, as some pages show."""
    trad = opencc.OpenCC("s2t").convert(text)
    picks = set(rng.sample(cjk_positions(trad), min(3, len(cjk_positions(trad)))))
    return "".join(c + (f"({pinyin(text[i], style=Style.TONE)[0][0]})" if i in picks else "")
                   for i, c in enumerate(trad))


def boundary_items(rng, docs, sentences) -> list[dict]:
    """Edits at a quotation's ends (issue #14): the reported original must keep both ends."""
    by_id = {d.doc_id: d for d in docs}
    pool = "".join(c for d in docs for c in d.text if "\u4e00" <= c <= "\u9fff")
    edits = {"end_swap": lambda t: end_swap(rng, t, pool), "end_insert": lambda t: end_insert(rng, t),
             "end_delete": lambda t: t[:han_ends(t)[1]] + t[han_ends(t)[1] + 1:],
             "start_swap": lambda t: start_swap(rng, t, pool), "end_punct": lambda t: end_punct(rng, t),
             "pinyin": lambda t: glued_pinyin(rng, t)}
    verdicts = {"end_delete": "exact", "end_punct": "exact", "pinyin": "exact"}
    items = []
    for edit, make in edits.items():
        for doc_id, s, e in rng.sample(sentences, BOUNDARY_COUNTS[edit]):
            text = by_id[doc_id].text[s:e]
            span = (doc_id, s, s + han_ends(text)[1]) if edit == "end_delete" else (doc_id, s, e)
            items.append(item(edit, make(text), verdicts.get(edit, "variant"), [span]))
    return items


def with_splits(items: list[dict], seed: int) -> list[dict]:
    """Half of each edit type `dev`, half `test` (a seeded shuffle per type)."""
    rng, by_edit = random.Random(seed), {}
    for it in items:
        by_edit.setdefault(it["edit"], []).append(it)
    for group in by_edit.values():
        order = list(range(len(group)))
        rng.shuffle(order)
        for rank, i in enumerate(order):
            group[i]["split"] = "dev" if rank < (len(group) + 1) // 2 else "test"
    return items


def outside_items() -> list[dict]:
    return ([item("not_in_corpus", q, "not_found", []) for q in DOMAIN.split("\n")]
            + [item("unrelated", q, "not_found", []) for q in UNRELATED.split("\n")])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default="corpus")
    parser.add_argument("-o", "--output", default="eval/quotes.jsonl")
    args = parser.parse_args(argv)
    rng = random.Random(SEED)
    docs = load_corpus(args.corpus).documents
    sentences = unique_sentences(docs)
    items = single_items(rng, docs, sentences) + multi_items(rng, docs, sentences) + outside_items()
    items += boundary_items(random.Random(BOUNDARY_SEED), docs, sentences)
    items = with_splits(items, SEED)
    with open(args.output, "w", encoding="utf-8") as out:
        for n, it in enumerate(items, start=1):
            out.write(json.dumps({"id": f"q{n:03d}", **it}, ensure_ascii=False) + "\n")
    print(f"{len(items)} quotations from {len(sentences)} unique sentences -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
