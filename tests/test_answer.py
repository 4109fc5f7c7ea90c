from retrieval.search.answer import Passage, grow, highlights, merge, widen
from retrieval.ingest.sentences import sentence_spans
from retrieval.types import Chunk, Document, Paragraph

TEXT = "第一句话。第二句话很长一些。第三句。\n别的段落第一句。别的段落第二句。"
DOC = Document("d", "d.txt", "标题", TEXT, paragraphs=(
    Paragraph(0, 18, "一、", 1), Paragraph(19, len(TEXT), "一、", 2)))


def test_sentence_spans_cover_whole_sentences():
    spans = sentence_spans(TEXT)
    assert [TEXT[s:e] for s, e in spans] == [
        "第一句话。", "第二句话很长一些。", "第三句。", "别的段落第一句。", "别的段落第二句。"]


def test_widen_grows_to_whole_sentences_within_the_paragraph():
    chunk = Chunk("d", 6, 9, TEXT[6:9], 0)          # inside the second sentence
    start, end = widen(DOC, chunk, budget=100)
    assert TEXT[start:end] == "第一句话。第二句话很长一些。第三句。"   # never into paragraph 2


def test_widen_respects_the_budget_and_prefers_the_next_sentence():
    chunk = Chunk("d", 5, 14, TEXT[5:14], 0)
    start, end = widen(DOC, chunk, budget=13)
    assert TEXT[start:end] == "第二句话很长一些。第三句。"


def test_grow_stops_when_nothing_fits():
    assert grow([(0, 5), (5, 50)], 0, 0, budget=10) == (0, 0)


def test_merge_joins_overlapping_passages_of_one_document():
    kept = [Passage("d", 0, 10, 1.0, 0, [0])]
    assert merge(kept, Passage("d", 8, 20, 0.5, 0, [1]))
    assert (kept[0].start, kept[0].end, kept[0].rows) == (0, 20, [0, 1])
    assert not merge(kept, Passage("e", 0, 10, 0.4, 0, [2]))
    assert not merge(kept, Passage("d", 30, 40, 0.4, 0, [3]))


def test_merge_never_grows_a_passage_past_the_limit_nor_repeats_text():
    kept = [Passage("d", 100, 200, 1.0, 0, [0])]
    assert merge(kept, Passage("d", 120, 180, 0.5, 0, [1]), limit=150)      # inside: nothing new
    later = Passage("d", 150, 300, 0.4, 0, [2])
    assert not merge(kept, later, limit=150)                                 # too long together
    assert (later.start, later.end) == (200, 300) and (kept[0].start, kept[0].end) == (100, 200)
    earlier = Passage("d", 20, 120, 0.3, 0, [3])
    assert not merge(kept, earlier, limit=150)
    assert (earlier.start, earlier.end) == (20, 100)


def test_highlights_mark_the_best_sentences_relative_to_the_passage():
    marks = highlights(TEXT, 0, 18, lambda s: 2.0 if "第二" in s else 0.1)
    assert [TEXT[s:e] for s, e in marks] == ["第二句话很长一些。"]
    assert highlights(TEXT, 0, 18, lambda s: 0.0) == []


def test_highlights_weigh_the_sentence_cosine_against_shared_words():
    # sentence 1 shares a word or two, sentence 2 shares fewer but is nearest in meaning
    words = {"第一句话。": 1.0, "第二句话很长一些。": 0.5, "第三句。": 0.0}
    near = {0: 0.60, 5: 0.90, 14: None}                  # the third is too short to be embedded
    marks = highlights(TEXT, 0, 18, lambda s: words[s], lambda s, e: near[s])
    assert [TEXT[s:e] for s, e in marks] == ["第一句话。", "第二句话很长一些。"]
    # without cosines the words alone decide; a passage with no vector at all falls back to them too
    assert [TEXT[s:e] for s, e in highlights(TEXT, 0, 18, lambda s: words[s])] == ["第一句话。"]
    assert [TEXT[s:e] for s, e in highlights(TEXT, 0, 18, lambda s: words[s], lambda s, e: None)] == ["第一句话。"]


def test_highlights_by_meaning_alone_when_no_word_is_shared():
    near = {0: 0.70, 5: 0.71, 14: 0.95}
    marks = highlights(TEXT, 0, 18, lambda s: 0.0, lambda s, e: near[s])
    assert [TEXT[s:e] for s, e in marks] == ["第三句。"]
