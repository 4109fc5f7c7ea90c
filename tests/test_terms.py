"""A change of the tokenizer's terms touches only the texts that hold the term (`retrieval.tokenize.Tokenizer`),
so an append that brings a quoted formulation new to the corpus, or takes the last one away, tokenises
again only the kept chunks that hold it (`retrieval.indexing.retokenize`) and gives the index and the
answers of a full build."""
import json
import random
import re

import numpy as np
import pytest

from retrieval.indexing import store, token_store
from retrieval.indexing.build import build_index, lexical_inputs
from retrieval.indexing.chunk import chunk_document
from retrieval.ingest.corpus import load_corpus
from retrieval.search.engine import Engine
from tests.test_append import corpus_of
from retrieval.tokenize import TERM_FREQ, Tokenizer, dictionary_word, load_terms, normalize, quoted_terms
from tests.conftest import CORPUS, ROOT
from tests.test_append import full_build, same_index

EVAL = ROOT.parent / "shared" / "eval"
TERM = "三抓三促"                 # in no curated list, and jieba cuts it 三 / 抓三促 without it
DOCS = {
    "a.txt": "一、总体要求\n各级党组织要坚持三抓三促，把党建工作和业务工作一起谋划、一起部署。"
             "机关党建工作责任制是落实全面从严治党的关键举措，必须层层压实责任。\n",
    "b.txt": "领导班子成员要履行“一岗双责”，做到明责、履责、尽责。对分管领域的党建工作负领导责任，"
             "既抓业务工作又抓党建工作。\n",
    "c.txt": f"某单位推行“{TERM}”工作法：抓学习促提升、抓执行促落实、抓效能促发展，年度考核取得明显成效。\n",
}
QUESTIONS = (f"什么是{TERM}", f"{TERM}工作法取得了什么成效", "机关党建工作责任制是什么", "领导班子成员要履行什么责任")


def sample_texts(n: int = 40) -> list[str]:
    """Real texts: the BM25 input of every chunk of the seed corpus, and n passages each of CMRC 2018
    dev (simplified) and DRCD dev (traditional) drawn with a fixed seed."""
    documents = load_corpus(CORPUS).documents
    chunks = [c for d in documents for c in chunk_document(d)]
    texts = lexical_inputs({d.doc_id: d for d in documents}, chunks)
    rng = random.Random(12)
    for name in ("cmrc2018_dev", "drcd_dev"):
        lines = (EVAL / f"{name}.corpus.jsonl").read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["text"] for line in rng.sample(lines, n)]
    return texts


def drawn_terms(texts: list[str], n: int, seed: int = 12) -> list[str]:
    """n runs of 2-4 Han characters cut from random texts of the sample (a quoted term could be any)."""
    rng, runs = random.Random(seed), re.compile(r"[\u4e00-\u9fff]{4,}")
    out = []
    while len(out) < n:
        found = runs.findall(rng.choice(texts))
        if found:
            run, size = rng.choice(found), rng.randint(2, 4)
            at = rng.randrange(len(run) - size + 1)
            out.append(run[at:at + size])
    return out


def changes(texts, before, tokenizer, word):
    """(texts holding `word` whose tokens changed, texts without it whose tokens changed)."""
    holding = [word in normalize(t) for t in texts]
    moved = [tokenizer(t) != b for t, b in zip(texts, before)]
    return sum(m and h for m, h in zip(moved, holding)), sum(m and not h for m, h in zip(moved, holding))


@pytest.fixture(scope="module")
def sample():
    texts = sample_texts()
    seed_terms = load_terms() + quoted_terms(d.text for d in load_corpus(CORPUS).documents)
    tokenizer = Tokenizer(seed_terms)
    return texts, seed_terms, [tokenizer(t) for t in texts]


def test_a_term_changes_the_tokens_of_the_texts_that_hold_it_and_of_no_other(sample):
    texts, terms, before = sample
    quoted = sorted(set(quoted_terms(d.text for d in load_corpus(CORPUS).documents)) - set(load_terms()))
    added = drawn_terms(texts, 5) + ["新提法", "工作", "發展"]      # new, of the main dictionary, traditional
    cases = [(terms + [w], w) for w in added] + [([t for t in terms if t != w], w) for w in quoted[:2]]
    inside = 0
    for new_terms, term in cases:
        moved_inside, moved_outside = changes(texts, before, Tokenizer(new_terms), dictionary_word(term))
        assert moved_outside == 0, term
        inside += moved_inside
    assert inside > 0                 # terms that do move the texts holding them were among the cases


def test_with_a_total_that_grows_with_the_terms_a_term_moves_other_texts(sample):
    """The control: with jieba's own bookkeeping (total += each word's count), 25 terms no text of this
    sample holds (a seed document brings up to 25) move texts of it, so the test above can fail."""
    texts, terms, before = sample
    absent = [f"新提法{i}" for i in range(25)]
    tokenizer = Tokenizer(terms + absent)
    tokenizer._jieba.total += len(absent) * TERM_FREQ
    assert changes(texts, before, tokenizer, "新提法")[1] > 0      # none holds 新提法


def write_corpus(folder, names):
    return corpus_of(folder, names, DOCS)


def token_lists(index) -> list[list[str]]:
    _, ids, offsets, words, _ = token_store.read(store.current(index))
    words = np.array(words, dtype=object)
    return [words[ids[offsets[i]:offsets[i + 1]]].tolist() for i in range(len(offsets) - 1)]


def bm25(index, question: str) -> list[float]:
    engine = Engine.open(index, None, build=False)
    return engine.lexical.scores(engine.tokenizer(question)).tolist()


def answers(index, corpus):
    engine = Engine.open(index, corpus, build=False)
    return [json.dumps(engine.ask(q), ensure_ascii=False, sort_keys=True) for q in QUESTIONS]


def same_as_full_build(fast, full):
    same_index(fast, full)
    assert token_lists(fast) == token_lists(full)
    signatures = [store.read_json(store.current(i) / "manifest.json")["tokenizer"] for i in (fast, full)]
    assert signatures[0] == signatures[1]
    for q in QUESTIONS:
        assert bm25(fast, q) == bm25(full, q), q


def tokenised(monkeypatch) -> list[str]:
    """The texts the tokenizer is given from now on."""
    seen, real = [], Tokenizer.__call__
    monkeypatch.setattr(Tokenizer, "__call__", lambda self, text: seen.append(text) or real(self, text))
    return seen


def test_an_append_that_adds_or_removes_a_term_is_a_full_build(tmp_path, monkeypatch):
    corpus, fast, full = tmp_path / "corpus", tmp_path / "fast", tmp_path / "full"
    write_corpus(corpus, ["a.txt", "b.txt"])
    build_index(corpus, fast)
    plain = token_lists(fast)
    full_build(corpus, full, monkeypatch)
    write_corpus(corpus, ["a.txt", "b.txt", "c.txt"])      # c.txt brings “三抓三促”, which a.txt holds unquoted
    with monkeypatch.context() as m:
        seen = tokenised(m)
        added = build_index(corpus, fast)
    assert added.appended and TERM in (store.current(fast) / "terms.txt").read_text(encoding="utf-8")
    assert seen and all(TERM in t for t in seen) and any(t.startswith("一、总体要求") or "各级党组织" in t for t in seen)
    texts = [c["text"] for c in store.read_jsonl(store.current(fast) / "chunks.jsonl")]
    moved = [i for i, (now, was) in enumerate(zip(token_lists(fast), plain)) if now != was]
    assert moved and all(TERM in texts[i] for i in moved)    # a.txt's chunk was tokenised again, and had to be
    full_build(corpus, full, monkeypatch)
    same_as_full_build(fast, full)
    assert answers(fast, corpus) == answers(full, corpus)
    write_corpus(corpus, ["a.txt", "b.txt"])               # the last document holding the term goes
    with monkeypatch.context() as m:
        seen = tokenised(m)
        removed = build_index(corpus, fast)
    assert removed.appended and removed.embedded == 0 and all(TERM in t for t in seen) and len(seen) == 1
    assert TERM not in (store.current(fast) / "terms.txt").read_text(encoding="utf-8")
    assert token_lists(fast) == plain
    full_build(corpus, full, monkeypatch)
    same_as_full_build(fast, full)
    assert answers(fast, corpus) == answers(full, corpus)


def test_terms_that_do_not_give_the_live_signature_make_a_full_build(tmp_path):
    from retrieval.indexing import retokenize

    corpus, index = write_corpus(tmp_path / "corpus", ["a.txt", "b.txt"]), tmp_path / "index"
    build_index(corpus, index)
    live = store.current(index)
    signature = store.read_json(live / "manifest.json")["tokenizer"]
    assert retokenize.base_terms(live, signature) == (live / "terms.txt").read_text(encoding="utf-8").split()
    assert retokenize.base_terms(live, signature + "x") is None
    assert retokenize.changed_words(["一岗双责", "書香機關"], ["一岗双责", "书香机关", TERM]) == {TERM}
