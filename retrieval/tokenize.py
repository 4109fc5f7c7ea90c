"""The one Chinese tokenizer, used for indexing and for queries alike.

jieba in search mode (words plus their in-vocabulary sub-words), after the same
normalisation as documents (traditional -> simplified, full width -> half width,
lower case). A domain dictionary keeps formulations whole (`一岗双责`, `两个维护`):
the curated list in `retrieval/data/terms.txt` plus terms quoted in the corpus.
Stop words (function words and question phrasing such as 什么/是/吗/哪些) are dropped
so that they never drown the content words of a question.
"""
from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import jieba
import opencc

TERMS_FILE = Path(__file__).parent / "data" / "terms.txt"
NAME = "jieba-search+t2s+nfkc+domain-terms+fixed-total"   # the total: see `Tokenizer`
QUOTED = re.compile(r"[“\"「『‘]([\u4e00-\u9fff0-9A-Za-z·]{2,8})[”\"」』’]")
SUFFIXES = ("党支部", "党组织", "党员", "问题")
WORD = re.compile(r"[\w\u4e00-\u9fff]")
NON_WORD = re.compile(r"[\W_]+")
TERM_FREQ = 200000   # a domain term's count in jieba's dictionary: above any general word, so it stays whole
DOMAIN_TOTAL = 100 * TERM_FREQ   # what the domain terms add to jieba's total, whatever their number (see
                                 # `Tokenizer`): 100 terms' worth, what the five seed documents' 100 gave
FOLDED = 4096     # texts whose `normalize` and `fold` are remembered: an answer folds the same question,
                  # words and passages 20-30 times (a few MB at most)

STOPWORDS = frozenset("""
的 了 是 在 和 与 及 或 等 对 为 以 于 把 被 从 由 向 将 就 都 也 而 并 且 其 之 这 那 个
着 过 吗 呢 吧 啊 呀 么 嘛 哪 谁 何 啥 几 多少 什么 怎么 怎样 怎么样 如何 为什么 为何 哪些 哪个
哪里 哪儿 哪年 哪一 什么样 是否 是不是 有没有 能否 意思 啥意思 什么意思 含义 指 指的是 指什么 请问 请 一下
有 有关 关于 我 我们 你 你们 他 她 它 他们 要 会 能 可以 应该 应当 该 所 这个 那个 这些 那些
哪几 几种 哪几种 几个 哪几个 几项 哪几项 几条 多长 多长时间 多久 第几 几届 几轮 几次 哪天 哪一天
哪一年 哪年 哪一期 哪一 为啥 咋 咋整 咋办 具体 分别 一共 总共 都是 还 很 说 呗 啥 具体是 是啥
""".split())


@lru_cache(maxsize=1)
def converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=FOLDED)
def normalize(text: str) -> str:
    """Fold text the way the index sees it: NFKC width folding, t2s, lower case."""
    return converter().convert(unicodedata.normalize("NFKC", text)).lower()


@lru_cache(maxsize=FOLDED)
def fold(text: str) -> str:
    """`normalize`d, then letters and digits only: for matching answers and names."""
    return NON_WORD.sub("", normalize(text))


normalize_once = normalize.__wrapped__    # `normalize`, not remembered: for texts seen once (whole documents, chunks)


def fold_once(text: str) -> str:
    """`fold(text)`, not remembered (nor its `normalize`): for whole documents, which the memories of
    question-sized texts would otherwise keep (21 million characters at 100,000 chunks)."""
    return NON_WORD.sub("", normalize_once(text))


def load_terms(path: Path = TERMS_FILE) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [t.strip() for t in lines if t.strip() and not t.startswith("#")]


def quoted_terms(texts) -> list[str]:
    """Short quoted formulations in the texts: `“四强”党支部` gives `四强` and `四强党支部`."""
    found: set[str] = set()
    for text in texts:
        for m in QUOTED.finditer(text):
            term = m.group(1)
            found.add(term)
            tail = text[m.end():m.end() + 3]
            found.update(term + s for s in SUFFIXES if tail.startswith(s))
    return sorted(found)


@lru_cache(maxsize=1)
def main_dictionary() -> tuple[dict, int]:
    """jieba's main dictionary (word -> frequency, total), loaded once per process."""
    base = jieba.Tokenizer()
    base.initialize()
    return base.FREQ, base.total


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """jieba's part-of-speech tag of each word of its main dictionary (`天气` -> `n`), read once (0.6 s)."""
    tags = {}
    with jieba.Tokenizer().get_dict_file() as fh:
        for line in fh:
            parts = line.decode("utf-8").split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    return tags


def fresh_jieba() -> jieba.Tokenizer:
    """An initialised jieba tokenizer of its own (words added to it stay in it), without reading the
    dictionary again: each engine load and build made two, at 0.5–3.6 s each on this machine."""
    freq, total = main_dictionary()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(freq), total, True
    return tokenizer


def dictionary_word(term: str) -> str:
    """The word a domain term adds to jieba's dictionary (matched against `normalize`d text)."""
    return normalize(term).replace("、", "")


class Tokenizer:
    """jieba search-mode tokenizer with a domain dictionary; picklable by its terms.

    jieba's `add_word` adds each word's count to its `total`, and a segmentation's score is the sum over
    its words of log(count) - log(total): with a total that grew with the number of terms, adding one
    term would move every text's word boundaries a little (a route of n words loses n times the change
    of log(total)). The total is therefore set to the main dictionary's plus DOMAIN_TOTAL whatever the
    terms, which makes a term change only the tokens of a text that contains it (as jieba sees it:
    `dictionary_word(term) in normalize(text)`), so that an append re-tokenises only those chunks
    (`retrieval.indexing.append`, `tests/test_terms.py`). Why nothing else moves, in jieba 0.42's code:
    - `cut` splits the text into blocks by fixed patterns (`re_han_default`, `re_skip_default`), not by
      the dictionary;
    - `get_DAG`: from each position it walks the prefixes found in FREQ and keeps those of a count above
      0; FREQ holds every prefix of every word (the main dictionary's and those `add_word` adds, at 0),
      so the only new edges are the occurrences of the added word itself;
    - `calc` scores each edge by its own count (0 or absent reads as 1) and log(total), now constant:
      a text without the word has the same edges, counts and total, hence the same route (and the same
      tie-breaks: the same floats);
    - the runs of single characters left over go to the HMM (`finalseg.cut`, no dictionary) unless the
      run itself is a word of a count above 0 (a prefix added at 0 reads as absent); the run is part of
      the text, so it is the added word only in a text holding it (`add_force_split` is called only for
      a count of 0, never here);
    - `cut_for_search` adds the 2- and 3-character pieces of each word whose count is above 0: a piece
      of a word of the text, so the added word only in a text holding it.
    Removing a term is the same change the other way. A term of a word the main dictionary has changes
    that word's count: again only in texts holding it."""

    def __init__(self, terms: list[str] | None = None):
        self.terms = sorted(set(load_terms() if terms is None else terms))
        self._jieba = fresh_jieba()
        for term in self.terms:
            self._jieba.add_word(dictionary_word(term), freq=TERM_FREQ)
        self._jieba.total = main_dictionary()[1] + DOMAIN_TOTAL

    @property
    def signature(self) -> str:
        digest = hashlib.sha256("\n".join(self.terms).encode()).hexdigest()[:12]
        return f"{NAME}:{digest}"

    @property
    def lexicon(self):
        """jieba's dictionary with the domain terms (word -> frequency): the words this tokenizer knows."""
        return self._jieba.FREQ

    def __call__(self, text: str) -> list[str]:
        words = self._jieba.cut_for_search(normalize(text))
        return [w for w in words if WORD.search(w) and w.strip() and w not in STOPWORDS]


logging.getLogger("jieba").setLevel(logging.WARNING)
jieba.setLogLevel(logging.WARNING)
