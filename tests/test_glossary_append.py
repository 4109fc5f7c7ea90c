"""The glossary an append writes (`retrieval.indexing.glossary_append`) is the one a full build computes:
the same terms, counts, documents, statements and order, for documents added, removed and edited, for
a term that becomes a formulation only with the added text (quoted a second time) and one that stops
being one with the removed text."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from retrieval.indexing.glossary_append import appended
from retrieval.ingest.corpus import load_corpus
from retrieval.search.glossary import GLOSSARY, glossary_of, load_glossary, save_glossary

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

EXTRA = {     # 红色引擎 has no numeral: a formulation once quoted twice; 三个一 has one, so once is enough
    "x1.txt": "支部要当好“红色引擎”，推动中心工作。落实“一岗双责”，就是既抓业务又抓党建。\n"
              "“三个一”即一次谈心、一次走访、一次党课。\n",
    "x2.txt": "全市机关开展“红色引擎”行动，坚决做到“两个维护”。\n",
    "x3.txt": "“两个维护”是指坚决维护习近平总书记党中央的核心、全党的核心地位，坚决维护党中央权威和集中统一领导。\n"
              "要力戒“灯下黑”，防止“两张皮”。\n",
}


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    for p in sorted(SEEDS.iterdir()):
        if p.is_file():
            (folder / p.name).write_bytes(p.read_bytes())
    for name, text in EXTRA.items():
        (folder / name).write_text(text, encoding="utf-8")
    docs = {d.doc_id: d for d in load_corpus(folder).documents}
    assert len(docs) == len(list(folder.iterdir()))
    return docs


@pytest.fixture(scope="module")
def edited(tmp_path_factory, documents):
    """x1.txt edited: the same path, so the same doc_id, another text."""
    folder = tmp_path_factory.mktemp("edited")
    (folder / "x1.txt").write_text(EXTRA["x1.txt"].replace("推动中心工作", "推动“红色引擎”强起来"), encoding="utf-8")
    (doc,) = load_corpus(folder).documents
    assert doc.doc_id in documents and doc.text != documents[doc.doc_id].text
    return doc


def same(got, expected):
    """Equal as the engine sees them, and in what an append reads (held, the statements' rank parts)."""
    assert list(got) == list(expected) and got == expected
    for term, entry in expected.items():
        assert got[term].held == entry.held, term
        assert [(s.strong, s.explained) for s in got[term].statements] == \
               [(s.strong, s.explained) for s in entry.statements], term


def ids(documents, *stems):
    return [d for d in documents if any(Path(documents[d].path).stem == s for s in stems)]


def cases(documents, edited):
    """(kept, removed, added) documents: additions, removals, an edit, a formulation made and unmade."""
    seeds = [d for d in documents if not Path(documents[d].path).stem.startswith("x")]
    x1, x2, x3 = (ids(documents, s)[0] for s in ("x1", "x2", "x3"))
    for kept, removed, added in (
            (seeds, [], [x1]),                       # 红色引擎 once: no formulation; 三个一: one
            (seeds + [x1], [], [x2]),                # 红色引擎 quoted a second time: a formulation now
            (seeds + [x1, x2], [], [x3]),            # terms the kept seeds hold gain a document
            (seeds + [x2], [x1], []),                # 红色引擎 once again: no formulation any more
            (seeds[1:] + [x1], [seeds[0]], [x3]),    # a seed removed and a document added
            (seeds[:2], seeds[2:], []),              # most of the corpus removed
            ([], seeds, [x1, x2])):                  # all of it replaced
        yield ({d: documents[d] for d in kept}, [documents[d] for d in removed], [documents[d] for d in added])
    # an edit: x1.txt removed and added again under its doc_id, now quoting 红色引擎 a second time
    yield {d: documents[d] for d in seeds + [x3]}, [documents[x1]], [edited]


def test_an_append_gives_the_glossary_a_full_build_computes(documents, edited):
    for kept, removed, added in cases(documents, edited):
        old = glossary_of(kept | {d.doc_id: d for d in removed})
        expected = glossary_of(kept | {d.doc_id: d for d in added})
        same(appended(old, kept, removed, added), expected)


def test_the_formulations_made_and_unmade_are_there(documents):
    seeds = [d for d in documents if not Path(documents[d].path).stem.startswith("x")]
    x1, x2 = ids(documents, "x1")[0], ids(documents, "x2")[0]
    kept = {d: documents[d] for d in seeds + [x1]}
    one = appended(glossary_of(kept), kept, [], [])
    assert "红色引擎" not in one and "三个一" in one
    two = appended(glossary_of(kept), kept, [], [documents[x2]])
    assert two["红色引擎"].count == 2 and two["红色引擎"].documents == 2
    assert two["两个维护"].documents == glossary_of(kept)["两个维护"].documents + 1


def test_through_the_stored_file_too(tmp_path, documents):
    """What the build stores and the append loads (`held`, the statements' rank parts) round-trips."""
    items = list(documents.items())
    kept, added = dict(items[:-2]), [d for _, d in items[-2:]]
    save_glossary(tmp_path / GLOSSARY, glossary_of(kept))
    loaded = load_glossary(tmp_path / GLOSSARY, held=True)
    same(loaded, glossary_of(kept))
    same(appended(loaded, kept, [], added), glossary_of(kept | {d.doc_id: d for d in added}))
    assert all(not t.held for t in load_glossary(tmp_path / GLOSSARY).values())     # the engine's load: not read


def test_a_glossary_stored_without_its_documents_is_not_carried_over(tmp_path, documents):
    kept = dict(itertools.islice(documents.items(), 5))
    plain = {t: type(e)(e.term, e.count, e.documents, e.statements) for t, e in glossary_of(kept).items()}
    assert appended(plain, kept, [], []) is None
