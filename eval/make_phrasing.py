"""Generate `eval/phrasing.jsonl`: every formulation (提法) asked in every everyday phrasing.

Deterministic. Each line: {"id", "question", "term", "frame", "split", "answerable", "docs",
"forms"}. `term` is a Party-building formulation as users write it; `forms` are the spellings
that count as the term in a passage (the term itself, plus a variant the corpus uses, e.g.
“四好”优秀党员 for 四好党员); `docs` lists the seed documents whose folded text contains one of
the forms, computed here. Formulations the corpus does not contain are `answerable: false`
with `docs: []`; the script stops with an error when one of them does occur in the corpus,
or when a formulation listed as present does not.

Frames are templates with `{t}`; traditional-character frames get the term in traditional
characters too (OpenCC s2t). Each frame is assigned to split "dev" or "test" by a fixed
random seed (half each), and every question carries its frame's split: the team tunes on
dev frames only and reports test frames.

Usage: `.venv/bin/python eval/make_phrasing.py [--corpus corpus] [-o eval/phrasing.jsonl]`.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import opencc

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_gold import fold  # noqa: E402

SEED = 2026
ROOT = Path(__file__).resolve().parent.parent

# Formulations the seed documents contain, as a member would type them; extra spellings after "|".
PRESENT = """3815 三个表率 灯下黑 两张皮 六大行动 第一政治要件 两个确立 两个维护 第一议题 五学五课 五个一
五强五带头 扩先提中治软 四强党支部 四好党员|四好优秀党员 清廉机关 四风 躺平式干部 一岗双责 双争 国之大者
马上就办、真抓实干 以考促建 项目工作法 典型引路法 牛鼻子 一盘棋 沙滩流水不到头 两手抓、两手硬 两委 四个带头
最初一公里 不敢腐、不能腐、不想腐 全面升级版 钉钉子精神 把方向、管大局、保落实 7·29重要指示 7·9重要讲话
四个意识 四个自信 第一方阵 三不腐 五学联动 书香机关 关键少数 修好三门课 双融双促 双调度 一把手 后半篇文章
回头看 书记抓、抓书记 模范机关 双抓双促 党建第一责任 亮相赛马""".split()

# Real Party-building formulations that none of the seed documents contains.
ABSENT = """三会一课 两学一做 三严三实 四个全面 四种形态 四下基层 枫桥经验 三重一大 主题党日 两个务必 四个伟大
五位一体 三个代表 领头雁 双报到 党员先锋岗 第一粒扣子 两个结合 四个自我 民主生活会""".split()

# Everyday ways to ask what a formulation means or contains: term first, last, in the middle;
# with and without quotes and question marks; polite, colloquial, exam-style, search-box, traditional.
FRAMES = [
    # term first
    "{t}是什么", "{t}是什么意思？", "{t}是指什么", "{t}指的是什么？", "{t}的内涵是什么？",
    "{t}包括哪些内容", "{t}具体包含哪些方面？", "{t}怎么理解", "{t}啥意思", "{t}是啥",
    "“{t}”是什么意思", "“{t}”具体指什么？", "{t}的含义", "{t}有哪些要求？", "{t}到底指啥啊",
    "{t}这个提法是什么意思", "{t}咋理解？", "{t}说的是什么", "\"{t}\"什么意思", "{t}是个什么概念？",
    # term last
    "什么叫{t}", "什么是{t}？", "如何理解“{t}”", "怎样理解{t}？", "请解释一下{t}", "说说{t}",
    "介绍一下{t}", "啥是{t}", "解释下“{t}”", "求解释：{t}",
    # term in the middle
    "机关党建里说的{t}是什么意思？", "文件里提到的“{t}”具体指什么", "经常听到{t}这个说法，到底是什么意思？",
    "领导讲话中的“{t}”该怎么理解", "{t}这个词在党建工作中是什么意思", "学习材料里有个{t}，指的啥？",
    # polite
    "请问{t}是什么意思？", "您好，想了解一下“{t}”指的是什么", "麻烦问一下，{t}具体指哪些内容",
    "请教一下{t}的含义，谢谢！",
    # exam style
    "简述{t}的内涵", "谈谈对“{t}”的理解", "试述{t}的主要内容。", "名词解释：{t}", "简要说明“{t}”的含义",
    # search box
    "{t}", "{t} 含义", "{t} 解释", "「{t}」是什么意思",
    # traditional characters
    "什麼是{t}？", "{t}是什麼意思", "請問「{t}」指的是什麼？", "{t}具體包括哪些內容", "該如何理解「{t}」？",
    "{t}的內涵是什麼",
]

_s2t = opencc.OpenCC("s2t")
_t2s = opencc.OpenCC("t2s")


def parse_terms(entries: list[str]) -> list[tuple[str, list[str]]]:
    """`term|variant` entries as (term, forms)."""
    return [(e.split("|")[0], e.split("|")) for e in entries]


def containing(forms: list[str], docs: dict[str, str]) -> list[str]:
    """The doc_ids whose folded text contains one of the forms."""
    return [d for d, text in docs.items() if any(fold(f) in text for f in forms)]


def frame_splits(frames: list[str], seed: int = SEED) -> dict[str, str]:
    """Half the frames "dev", half "test", by a fixed shuffle."""
    order = list(frames)
    random.Random(seed).shuffle(order)
    half = len(order) // 2
    return {f: ("dev" if k < half else "test") for k, f in enumerate(order)}


def is_traditional(frame: str) -> bool:
    return _t2s.convert(frame) != frame


def question(frame: str, term: str) -> str:
    return frame.format(t=_s2t.convert(term) if is_traditional(frame) else term)


def check(docs: dict[str, str]) -> list[str]:
    errors = []
    for term, forms in parse_terms(PRESENT):
        if not containing(forms, docs):
            errors.append(f"formulation {term!r} is listed as present but no document contains it")
    for term, forms in parse_terms(ABSENT):
        found = containing(forms, docs)
        if found:
            errors.append(f"formulation {term!r} is listed as absent but occurs in {found}")
    for name, items in (("PRESENT", PRESENT), ("ABSENT", ABSENT), ("FRAMES", FRAMES)):
        if len(set(items)) != len(items):
            errors.append(f"{name} has duplicates")
    if any(f.count("{t}") != 1 for f in FRAMES):
        errors.append("every frame needs exactly one {t}")
    return errors


def rows(docs: dict[str, str]) -> list[dict]:
    splits = frame_splits(FRAMES)
    out = []
    for answerable, entries in ((True, PRESENT), (False, ABSENT)):
        for term, forms in parse_terms(entries):
            found = containing(forms, docs) if answerable else []
            for frame in FRAMES:
                out.append({"id": f"p{len(out) + 1:04d}", "question": question(frame, term), "term": term,
                            "frame": frame, "split": splits[frame], "answerable": answerable,
                            "docs": found, "forms": forms})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "eval" / "phrasing.jsonl")
    args = ap.parse_args()
    docs = {p.stem: fold(p.read_text(encoding="utf-8")) for p in sorted(args.corpus.glob("*.txt"))}
    errors = check(docs)
    for e in errors:
        print("ERROR:", e, file=sys.stderr)
    if errors:
        return 1
    data = rows(docs)
    with open(args.output, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in data)
    dev = sum(r["split"] == "dev" for r in data)
    print(f"{len(PRESENT)} formulations, {len(ABSENT)} absent, {len(FRAMES)} frames "
          f"({len(set(r['frame'] for r in data if r['split'] == 'dev'))} dev): "
          f"{len(data)} questions, {dev} dev / {len(data) - dev} test -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
