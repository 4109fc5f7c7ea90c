"""Generate `eval/manuscripts.jsonl`: manuscripts with gold quotations, for `python -m retrieval audit --eval`.

Deterministic (seed 2026). Each manuscript is connecting text written here (a speech
draft's openings, transitions, own remarks, including phrases in marks that are too short
to be quotations and an own remark after `需要强调，`) with quotations inserted:
corpus sentences (or two neighbouring sentences, or a clause) in marks, introduced
without marks (`…指出：`) or borrowed plainly; exact, or with the edits of the quotation
evaluation (replace, insert, delete; at the start, the middle or the end; punctuation;
traditional characters); stitched from two places; and quotations from outside the corpus.
Each line: {"id", "split", "text", "gold": [{"start", "end", "marked", "how", "edit", "verdict"}]}
with `text[start:end]` the quotation as inserted (the inside of the marks).
`split` alternates dev/test: thresholds are chosen on dev only.
Usage: `.venv/bin/python eval/make_manuscripts.py [--corpus corpus] [-o eval/manuscripts.jsonl]`.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import opencc

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from make_quotes import DOMAIN, INSERTS, punct_edit, unique_sentences  # noqa: E402
from retrieval.search.align import fold  # noqa: E402
from retrieval.ingest.corpus import load_corpus  # noqa: E402

SEED = 2026
MANUSCRIPTS = 40
OPENINGS = ["同志们：今天我们召开专题学习会，围绕这次培训的主题交流体会。",
            "各位学员：这一讲我们结合本单位的实际情况谈一谈学习的收获。",
            "按照支部年度学习计划的安排，本期学习材料分为三个部分。",
            "这份讲稿供周四的支部学习会使用，请各位提前阅读准备。"]
LINKS = ["结合我们处室这一年的工作来看，这方面还有不少差距。",
         "回顾过去一段时间的做法，我们有经验也有教训。",
         "大家在讨论中谈到，学习不能停留在会议室里。",
         "我想结合几个具体的例子和大家一起体会。",
         "这几句话分量很重，值得我们反复琢磨。",
         "前不久我到基层单位调研时，对此有很深的感触。",
         "有的同志觉得这些道理都懂，可是到了具体工作中就容易走样。",
         "对照这个标准，我们的差距主要在落实环节上。",
         "下面我再讲第二个方面的问题。",
         "说到底，关键是要把学到的东西用到工作中去。",
         "这就提醒我们，要从思想上真正重视起来。",
         "会后各小组要认真组织讨论，形成书面的学习体会。",
         "我们支部的“学习角”已经坚持办了两年。",
         "去年我们开展了“结对共建”活动，效果比较好。",
         "需要强调，学习体会要写出真情实感，不能照抄照搬网上的材料。",
         "在这个问题上，每个人都应该先从自己做起。",
         "这些年来单位的面貌发生了很大变化，大家有目共睹。",
         "最后，我就下一阶段的安排提几点具体意见。"]
# Own remarks on the corpus's topics, in its vocabulary: close to corpus sentences, quoting none of them.
NEAR = ["我们处室的机关党建和业务工作还存在两张皮的问题，融合得不够紧。",
        "支部书记要把抓党建作为分内之事，不能只顾业务不管党建。",
        "落实全面从严治党主体责任，关键在于一级抓一级、层层抓落实。",
        "理论学习中心组的学习要联系实际，防止念稿子、走过场。",
        "我们要把党建工作考核结果和干部的评先评优真正挂起钩来。",
        "青年党员干部要多到基层一线去，在实践中经受锻炼。",
        "党风廉政建设不是一阵子的事，必须常抓不懈、久久为功。",
        "各支部要对照年初制定的任务清单，逐项检查落实情况。",
        "机关党建高质量发展，归根到底要体现在推动业务工作上。",
        "三会一课要按时开，组织生活不能搞成形式主义。"]
CLOSINGS = ["以上是我的一些学习体会，不妥之处请大家批评指正。",
            "希望大家把今天的学习成果带到工作中去，谢谢大家。",
            "请各小组在月底前把讨论记录交到支部委员会。"]
SPEAKERS = ["习近平总书记指出：", "讲话强调，", "文件明确要求：", "会议指出：", "《意见》要求",
            "市委主要负责同志强调：", "有关文件指出："]
EDITS = ("exact", "punct", "traditional", "replace", "insert", "delete", "two_edits")
WHERE = ("start", "middle", "end")


def edited(rng: random.Random, text: str, edit: str, pool: str) -> str:
    """`text` with one edit of the quotation evaluation, at the start, the middle or the end."""
    if edit == "exact":
        return text
    if edit == "punct":
        return punct_edit(rng, text)
    if edit == "traditional":
        return opencc.OpenCC("s2t").convert(text)
    if edit == "two_edits":
        return edited(rng, edited(rng, text, rng.choice(EDITS[3:6]), pool), rng.choice(EDITS[3:6]), pool)
    han = [i for i, c in enumerate(text) if "\u4e00" <= c <= "\u9fff"]
    i = {"start": han[rng.randrange(2)], "middle": han[len(han) // 2], "end": han[-1 - rng.randrange(2)]}[
        rng.choice(WHERE)]
    if edit == "replace":
        return text[:i] + rng.choice([c for c in pool if c != text[i]]) + text[i + 1:]
    if edit == "insert":
        return text[:i] + rng.choice(INSERTS) + text[i:]
    return text[:i] + text[i + 1:]


class Writer:
    """Builds one manuscript, remembering where each quotation went."""

    def __init__(self):
        self.text, self.gold = "", []

    def add(self, piece: str) -> None:
        self.text += piece

    def quote(self, piece: str, marked: bool, how: str, edit: str, verdict: str) -> None:
        start = len(self.text)
        self.text += piece
        self.gold.append({"start": start, "end": len(self.text), "marked": marked, "how": how,
                          "edit": edit, "verdict": verdict})


def sentence(rng, by_id, sentences, edit: str, pool: str) -> str:
    doc_id, s, e = rng.choice(sentences)
    return edited(rng, by_id[doc_id].text[s:e], edit, pool)


def stitched(rng, by_id, sentences) -> str:
    while True:
        a, b = rng.sample(sentences, 2)
        if a[0] != b[0] or abs(a[1] - b[1]) > 300:
            return by_id[a[0]].text[a[1]:a[2]] + by_id[b[0]].text[b[1]:b[2]]


def quotation(rng, w: Writer, by_id, sentences, pool: str, folded: str) -> None:
    """One quotation of a random kind, with its lead-in, into the manuscript."""
    kind = rng.choices(["marked", "introduced", "plain", "stitched", "outside", "outside_introduced"],
                       weights=[6, 3, 4, 1, 2, 1])[0]
    edit = rng.choice(EDITS)
    if kind in ("outside", "outside_introduced"):
        text, edit, verdict = rng.choice(DOMAIN.split("\n")), "outside", "not_found"
    elif kind == "stitched":
        text, edit, verdict = stitched(rng, by_id, sentences), "stitched", "stitched"
    else:
        text = sentence(rng, by_id, sentences, edit, pool)
        verdict = "exact" if fold(text).text in folded else "variant"   # a word cut off the end: still verbatim
    if kind not in ("marked", "stitched", "outside") and text[-1:] in "，；、,;":
        text = text[:-1] + "。"                 # a clause quoted on its own ends the writer's sentence
    if kind in ("marked", "stitched", "outside"):
        text = text.replace("“", "‘").replace("”", "’")          # quotation marks inside marks
        w.add(rng.choice(["正如文件所说，", "我们常说，", rng.choice(SPEAKERS).rstrip("：，") + "：", ""]) + "“")
        inner = text.rstrip("。") if rng.random() < 0.5 else text
        w.quote(inner, True, kind, edit, verdict)
        w.add("”" if inner.endswith("。") else "”。")
    elif kind in ("introduced", "outside_introduced"):
        w.add(rng.choice(SPEAKERS))
        w.quote(text, False, kind, edit, verdict)
    else:
        w.quote(text, False, kind, edit, verdict)


def manuscript(rng, by_id, sentences, pool: str, folded: str) -> Writer:
    w = Writer()
    w.add(rng.choice(OPENINGS) + "\n")
    for _ in range(rng.randint(3, 5)):
        for _ in range(rng.randint(1, 3)):
            w.add(rng.choice(LINKS) if rng.random() < 0.6 else rng.choice(NEAR))
            if rng.random() < 0.8:
                quotation(rng, w, by_id, sentences, pool, folded)
        w.add(rng.choice(LINKS) + "\n")
    w.add(rng.choice(CLOSINGS))
    return w


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default="corpus")
    parser.add_argument("-o", "--output", default="eval/manuscripts.jsonl")
    args = parser.parse_args(argv)
    rng = random.Random(SEED)
    docs = load_corpus(args.corpus).documents
    by_id, sentences = {d.doc_id: d for d in docs}, unique_sentences(docs)
    pool = "".join(c for d in docs for c in d.text if "\u4e00" <= c <= "\u9fff")
    folded = "|".join(fold(d.text).text for d in docs)
    quotes = 0
    with open(args.output, "w", encoding="utf-8") as out:
        for n in range(MANUSCRIPTS):
            w = manuscript(rng, by_id, sentences, pool, folded)
            quotes += len(w.gold)
            line = {"id": f"m{n + 1:02d}", "split": "dev" if n % 2 == 0 else "test", "text": w.text, "gold": w.gold}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    print(f"{MANUSCRIPTS} manuscripts, {quotes} quotations -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
