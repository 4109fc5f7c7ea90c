"""External evaluations: the `answered` summary (pure) and the cached index of a set."""
import json

from retrieval.indexing import store
from retrieval.evaluate import external
from retrieval.evaluate.external import answered
from retrieval.search.refusal import Evidence
from retrieval.types import Document


def test_answered_with_and_without_the_answer_type_rule():
    evidence = [Evidence(0.9, 0.8), Evidence(0.9, 0.8, typed=False), Evidence(0.1, 0.5), Evidence(0.1, 0.9)]
    assert answered(evidence) == {"answered": 0.5, "answered_without_answer_type_rule": 0.75}
    assert answered([]) == {"answered": 0.0, "answered_without_answer_type_rule": 0.0}


def test_a_cached_set_index_is_reused_until_the_pipeline_changes(tmp_path, monkeypatch):
    docs = [Document("p1", "p1", "甲", "机关党建工作责任制是落实全面从严治党的关键举措。"),
            Document("p2", "p2", "乙", "领导班子成员要履行“一岗双责”，做到明责、履责、尽责。")]
    monkeypatch.setattr(external, "load_documents", lambda name: docs)
    first = external.open_engine("tiny", tmp_path).folder
    assert external.open_engine("tiny", tmp_path).folder == first          # cached
    path = first / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["pipeline"] = "older-code"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    rebuilt = external.open_engine("tiny", tmp_path)
    assert rebuilt.folder != first and store.current(tmp_path / "tiny") == rebuilt.folder
    assert set(rebuilt.documents) == {"p1", "p2"}


def test_highlight_measures():
    from retrieval.evaluate.metrics import highlighted_share, in_highlights
    text = "第一句话。第二句话说明答案。第三句。"
    assert in_highlights(text, [(5, 14)], ["说明答案"]) and not in_highlights(text, [(0, 5)], ["说明答案"])
    assert not in_highlights(text, [], ["说明答案"])
    assert highlighted_share(text, [(0, 5), (14, 18)]) == 9 / 18 and highlighted_share("", [(0, 1)]) == 0.0


def test_a_question_is_tallied_in_every_mode_with_highlights_for_the_hybrid_engine(tmp_path, monkeypatch):
    docs = [Document("p1", "p1", "甲", "机关党建工作责任制是落实全面从严治党的关键举措。各级要抓好落实。"),
            Document("p2", "p2", "乙", "领导班子成员要履行“一岗双责”，做到明责、履责、尽责。")]
    monkeypatch.setattr(external, "load_documents", lambda name: docs)
    engine = external.open_engine("tiny", tmp_path)
    tallies = {mode: external.Tally() for mode in external.MODES}
    q = {"question": "领导班子成员要履行什么责任？", "context_id": "p2", "answers": ["一岗双责"]}
    external.score_question(engine, q, tallies)
    hybrid = tallies["hybrid"].summary()
    assert hybrid["answer_in_top1"] == 1.0 and hybrid["answer_in_highlight"] == 1.0
    assert 0 < hybrid["highlighted_share"] <= 1
    assert "answer_in_highlight" not in tallies["bm25"].summary()
