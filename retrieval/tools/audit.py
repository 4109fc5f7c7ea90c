"""The manuscript audit (引文审核): find what a manuscript quotes and check each quotation.

`audit(engine, text, name)` returns the JSON of `python -m retrieval audit --json`:
`{"file", "summary": {...}, "quotations": [...]}`, the quotations in manuscript order,
each `{"text", "start", "end", "marked", "rule", "verdict", "similarity", "source",
"original", "diff", "parts"}` where `text == manuscript[start:end]` and the verdict,
source, original, diff and parts are those of `verify` (`retrieval.tools.verify.check_dict`).
`summary.unmarked` counts the quotations without marks that the corpus holds
(verdict other than not_found): the unmarked borrowings.

A manuscript is read with the corpus's readers (`read_manuscript`), its text being
the reader's blocks joined by line breaks; pasted text is taken as it is (line
breaks normalised). Nothing is stored: the audit only reads the index.
"""
from __future__ import annotations

from pathlib import Path

from retrieval.tools.detect import Span, detect
from retrieval.errors import DocumentError, QueryError
from retrieval.search.query import SURROGATE
from retrieval.ingest.read import read_file
from retrieval.ingest.sentences import han_count
from retrieval.tools.verify import Verifier, check_dict

MAX_CHARS = 50_000          # characters audited at once (about 30 pages)
VERDICTS = ("exact", "variant", "stitched", "partial", "not_found")
FIELDS = ("text", "start", "end", "marked", "rule", "verdict", "similarity", "source", "original", "diff", "parts")


def read_manuscript(path: str | Path) -> str:
    """The text of a manuscript file as the corpus readers read it (blocks joined by line breaks)."""
    raw = read_file(path)
    text = "\n".join(block.text for block in raw.blocks)
    if not text.strip():
        raise DocumentError(f"{Path(path).name}: no text in the file")
    return text


def pasted(text) -> str:
    """Pasted or piped text with its line breaks normalised (undecodable characters dropped)."""
    if not isinstance(text, str):
        raise QueryError("the manuscript must be text")
    return SURROGATE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def checked(text: str) -> str:
    if not text.strip():
        raise QueryError("the manuscript is empty")
    if len(text) > MAX_CHARS:
        raise QueryError(f"the manuscript has {len(text)} characters; at most {MAX_CHARS} are audited "
                         "at once: split it into parts")
    if han_count(text) == 0:
        raise QueryError("the manuscript has no Chinese text to audit")
    return text


def quotation(engine, verifier: Verifier, text: str, span: Span) -> dict:
    """One finding as JSON: where it is, which rule found it, and verify's result for it."""
    item = {"text": text[span.start:span.end], "start": span.start, "end": span.end,
            "marked": span.marked, "rule": span.rule}
    try:
        result = check_dict(engine, verifier.check(item["text"]))
    except QueryError as exc:         # longer than verify takes, say: reported, not checked
        result = {"verdict": "not_found", "similarity": 0.0, "source": None, "original": None,
                  "diff": [], "parts": [], "note": str(exc)}
    item.update({k: result.get(k) for k in FIELDS[5:]})
    item["parts"] = item["parts"] or []
    return item


def summary(quotations: list[dict]) -> dict:
    counts = {v: sum(q["verdict"] == v for q in quotations) for v in VERDICTS}
    unmarked = sum(not q["marked"] and q["verdict"] != "not_found" for q in quotations)
    return {"quotations": len(quotations), **counts, "unmarked": unmarked}


def audit(engine, text: str, name: str = "-", verifier: Verifier | None = None, progress=None) -> dict:
    """The audit of manuscript `text` (see the module docstring). `progress(fraction, message)`
    is called as the work goes on."""
    text = checked(text)
    verifier = verifier or Verifier(engine)
    report = progress or (lambda fraction, message: None)
    report(0.05, "查找引文")
    spans = detect(engine, verifier.folded, text)
    quotations = []
    for n, span in enumerate(spans):
        report(0.2 + 0.8 * n / max(1, len(spans)), f"核对第 {n + 1}/{len(spans)} 处引文")
        quotations.append(quotation(engine, verifier, text, span))
    report(1.0, "完成")
    return {"file": name, "summary": summary(quotations), "quotations": quotations}
