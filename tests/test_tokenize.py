from retrieval.tokenize import Tokenizer, normalize, quoted_terms


def test_domain_terms_stay_whole_and_question_words_drop():
    tk = Tokenizer()
    assert tk("什么是一岗双责？") == ["一岗双责"]
    assert tk("一岗双责是啥意思") == ["一岗双责"]
    assert "两个维护" in tk("如何做到两个维护")
    assert "两张皮" in tk("破解“两张皮”问题")


def test_pinned_tokens_of_a_sentence():
    tk = Tokenizer()
    assert tk("机关党建工作责任制是落实全面从严治党的关键举措") == [
        "机关", "党建", "机关党建", "工作", "责任", "责任制", "落实", "全面", "从严", "严治", "治党",
        "全面从严治党", "关键", "举措"]


def test_traditional_and_width_fold_like_documents():
    tk = Tokenizer()
    assert tk("機關黨建主體責任") == tk("机关党建主体责任")
    assert normalize("ＡＢＣ１２３機關") == "abc123机关"


def test_quoted_terms_found_in_text():
    terms = quoted_terms(["深化“四强”党支部创建和“四好”党员选树，破解“两张皮”问题"])
    assert {"四强", "四强党支部", "四好", "四好党员", "两张皮", "两张皮问题"} <= set(terms)


def test_signature_changes_with_terms():
    assert Tokenizer(["一岗双责"]).signature != Tokenizer(["一岗双责", "两个维护"]).signature


def test_fold_once_folds_as_fold_does_without_remembering():
    from pathlib import Path

    from retrieval.tokenize import fold, fold_once

    texts = [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parents[1] / "corpus").glob("*.txt"))]
    texts += ["ＡＢＣ１２３，機關黨建（二〇二四）", "e\u0301 ﬁ ㈠ Ⅻ ①", ""]
    assert [fold_once(t) for t in texts] == [fold(t) for t in texts]
    fold.cache_clear()
    fold_once(texts[0])
    assert fold.cache_info().currsize == 0
