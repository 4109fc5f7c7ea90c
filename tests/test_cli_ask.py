"""The command-line contract of build and ask (in process, real index)."""
import io
import json

from retrieval.cli import main

CORPUS = "corpus"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_ask_json(seed_index, capsys):
    code, out, _ = run(capsys, "ask", "--index", str(seed_index), "--corpus", CORPUS, "--json",
                       "--top-k", "2", "什么是一岗双责？")
    result = json.loads(out)
    assert code == 0 and result["found"] and len(result["passages"]) <= 2
    assert "一岗双责" in result["answer"]["text"]


def test_ask_readable_shows_quote_and_citation(seed_index, capsys):
    code, out, _ = run(capsys, "ask", "--index", str(seed_index), "--corpus", CORPUS, "领导干部怎样履行一岗双责？")
    assert code == 0 and "出处：郑州市委市直机关工委 赵惠玲：《以党建“第一责任”引领和保障发展》，郑州日报，2021年11月15日" in out
    assert "【" in out


def test_ask_readable_lists_the_parts_an_outline_spells_out(seed_index, capsys):
    code, out, _ = run(capsys, "ask", "--index", str(seed_index), "--corpus", CORPUS, "--top-k", "2", "六大行动分别是哪六个")
    assert code == 0 and "答（原文分6项列出，按原文顺序）：" in out
    assert [line.split()[0] for line in out.splitlines() if line.startswith("  第")] == [f"第{k}项" for k in range(1, 7)]
    code, out, _ = run(capsys, "ask", "--index", str(seed_index), "--corpus", CORPUS, "什么是六大行动")
    assert out.index("“六大行动”") < out.index("原文分6项列出（按原文顺序）：") < out.index("第1项")


def test_ask_not_found_is_plain(seed_index, capsys):
    code, out, _ = run(capsys, "ask", "--index", str(seed_index), "--corpus", CORPUS, "红烧肉怎么做")
    assert code == 0 and "没有找到" in out and "并非答案" in out


def test_ask_jsonl_keeps_order_and_echoes_fields(seed_index, capsys, monkeypatch):
    lines = ['{"question": "四个带头是什么", "id": 1}', "not json", '{"question": ""}', "[1, 2]",
             '{"question": "两张皮", "id": 4, "extra": {"x": 1}}']
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    code, out, _ = run(capsys, "ask", "--index", str(seed_index), "--corpus", CORPUS, "--jsonl", "--top-k", "1")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 5
    assert rows[0]["id"] == 1 and rows[0]["found"]
    assert "bad input line" in rows[1]["error"] and "bad input line" in rows[3]["error"]
    assert "empty" in rows[2]["error"]
    assert rows[4]["extra"] == {"x": 1} and rows[4]["id"] == 4


def test_ask_without_question_is_a_usage_error(seed_index, capsys):
    code, _, err = run(capsys, "ask", "--index", str(seed_index))
    assert code == 2 and "give a question" in err


def test_ask_on_a_missing_corpus_is_a_clean_error(tmp_path, capsys):
    code, _, err = run(capsys, "ask", "--index", str(tmp_path / "idx"), "--corpus", str(tmp_path / "none"), "x")
    assert code != 0 and "error:" in err and "Traceback" not in err


def test_ask_with_a_model_that_does_not_exist_is_a_clean_error(seed_index, capsys):
    code, _, err = run(capsys, "ask", "--index", str(seed_index), "--model", "/nonexistent/model", "什么是一岗双责")
    assert code == 2 and "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("error: cannot load the embedding model '/nonexistent/model'")


def test_build_reports_counts(tmp_path, capsys):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("机关党建工作责任制是落实全面从严治党的关键举措。\n", encoding="utf-8")
    code, out, _ = run(capsys, "build", "--corpus", str(corpus), "--index", str(tmp_path / "i"), "--json")
    report = json.loads(out)
    assert code == 0 and report["documents"] == 1 and report["chunks"] == 1
    code, out, _ = run(capsys, "build", "--corpus", str(corpus), "--index", str(tmp_path / "i"), "--json")
    assert code == 0 and json.loads(out) == {"up_to_date": True, "folder": report["folder"]}
    (corpus / "b.txt").write_text("一岗双责。\n", encoding="utf-8")
    code, out, _ = run(capsys, "build", "--corpus", str(corpus), "--index", str(tmp_path / "i"), "--json")
    assert json.loads(out)["documents"] == 2 and json.loads(out)["reused"] == 1


def test_ask_jsonl_survives_surrogates_in_any_field(seed_index, capsys, monkeypatch):
    lines = [r'{"question": "什么是\ud800一岗双责", "id": 1}', r'{"question": "两张皮", "tag": "\udc00x"}',
             '{"question": "五学五课是什么？"}']
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    code, out, _ = run(capsys, "ask", "--index", str(seed_index), "--corpus", CORPUS, "--jsonl", "--top-k", "1")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 3 and all(r["found"] for r in rows)
    assert rows[0]["question"] == "什么是\ufffd一岗双责" and "一岗双责" in rows[0]["answer"]["text"]
    assert rows[1]["tag"] == "\udc00x"                  # echoed as the same JSON escape it came in


def test_ask_bad_input_prints_the_error_result_and_exits_2(seed_index, capsys):
    code, out, _ = run(capsys, "ask", "--index", str(seed_index), "--corpus", CORPUS, "--json", "   ")
    assert code == 2 and "empty" in json.loads(out)["error"]
    code, out, _ = run(capsys, "ask", "--index", str(seed_index), "--corpus", CORPUS, "--doc", "no-such", "两张皮")
    assert code == 2 and "unknown doc_id 'no-such'" in out


def strict_rows(out: str) -> list[dict]:
    """Every output line parsed as strict JSON (NaN and Infinity refused)."""
    def refuse(constant):
        raise AssertionError(f"{constant} in the output")

    return [json.loads(line, parse_constant=refuse) for line in out.splitlines()]


def test_ask_jsonl_gives_each_bad_line_its_own_error_and_goes_on(seed_index, capsys, monkeypatch):
    lines = ["[" * 100_000 + "]" * 100_000, '{"question": "两张皮", "id": NaN}', '{"question": "两张皮", "x": 1e400}',
             '{"question": "两张皮", "x": -Infinity}', '\ufeff{"question": "两张皮", "id": 5}',
             '{"question": "五学五课是什么？", "id": 6}']
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    code, out, _ = run(capsys, "ask", "--index", str(seed_index), "--corpus", CORPUS, "--jsonl", "--top-k", "1")
    rows = strict_rows(out)
    assert code == 0 and len(rows) == 6
    assert rows[0]["error"] == "bad input line: nested too deeply" and len(rows[0]["question"]) == 1001
    assert rows[1]["error"] == "bad input line: NaN is not JSON"
    assert rows[2]["error"] == "bad input line: the number 1e400 is out of range"
    assert rows[3]["error"] == "bad input line: -Infinity is not JSON"
    assert rows[4]["id"] == 5 and rows[4]["found"] and rows[5]["id"] == 6 and rows[5]["found"]


def test_ask_jsonl_reads_invalid_utf8_under_a_strict_locale(seed_index, capsys, monkeypatch):
    data = b'{"question": "\xff\xfe\xe4\xb8", "id": 1}\n\xff\xff not json\n{"question": "\xe4\xb8\xa4\xe5\xbc\xa0\xe7\x9a\xae"}\n'
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="strict"))
    code, out, _ = run(capsys, "ask", "--index", str(seed_index), "--corpus", CORPUS, "--jsonl", "--top-k", "1")
    rows = strict_rows(out)
    assert code == 0 and len(rows) == 3
    assert rows[0]["id"] == 1 and rows[0]["error"]        # nothing left of the question once undecodable bytes go
    assert "bad input line" in rows[1]["error"]
    assert rows[2]["question"] == "两张皮" and rows[2]["found"]


def test_ask_jsonl_one_line_that_fails_to_answer_does_not_end_the_stream(seed_index, capsys, monkeypatch):
    from retrieval.search.engine import Engine
    real = Engine.ask

    def flaky(self, question, *args, **kwargs):
        if question == "boom":
            raise RuntimeError("index went away")
        return real(self, question, *args, **kwargs)

    monkeypatch.setattr(Engine, "ask", flaky)
    monkeypatch.setattr("sys.stdin", io.StringIO('{"question": "boom"}\n{"question": "两张皮"}\n'))
    code, out, _ = run(capsys, "ask", "--index", str(seed_index), "--corpus", CORPUS, "--jsonl", "--top-k", "1")
    rows = strict_rows(out)
    assert code == 0 and rows[0]["error"] == "cannot answer this line: RuntimeError: index went away"
    assert rows[1]["found"]


def test_asking_a_built_index_imports_neither_the_chunker_nor_the_other_commands(seed_index):
    # cold start: `ask` on a current index loads only what answering needs (README, Benchmarks)
    import subprocess
    import sys

    code = ("import sys; from retrieval.cli import main; "
            f"rc = main(['ask', '--index', {str(seed_index)!r}, '--json', '什么是一岗双责']); "
            "print(rc, sorted(m for m in ('langchain_text_splitters', 'retrieval.indexing.build', 'retrieval.cli.ingest', "
            "'retrieval.cli.eval') if m in sys.modules), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert out.stderr.strip().splitlines()[-1] == "0 []"


def test_ask_readable_says_when_the_corpus_only_names_the_formulation(seed_index, capsys):
    code, out, _ = run(capsys, "ask", "--index", str(seed_index), "--corpus", CORPUS, "一岗双责包括哪些内容")
    assert code == 0 and "语料库只提到“一岗双责”，没有解释它的含义或列出具体内容" in out
    assert out.index("语料库只提到") < out.index("提到它的原文（") < out.index("出处：") and "答（" not in out
    code, out, _ = run(capsys, "ask", "--index", str(seed_index), "--corpus", CORPUS, "什么是四强党支部")
    assert code == 0 and "语料库只提到" not in out and "答（原文" in out
