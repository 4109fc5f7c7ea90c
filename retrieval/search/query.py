"""Checking and normalising a question before it reaches the index."""
from __future__ import annotations

import re
import unicodedata

from retrieval.errors import QueryError

MAX_CHARS = 500
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
# Characters nobody sees, dropped so that `一岗\u200b双责` still reads 一岗双责: zero-width and
# direction marks, word joiners, the byte-order mark, and surrogate code points (alone they are no
# character: they come from JSON like "\ud800" or from undecodable bytes, and UTF-8 (the model's
# tokenizer, JSON output) cannot encode them).
INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")
SURROGATE = re.compile(r"[\ud800-\udfff]")


def encodable(text: str) -> str:
    """`text` with every surrogate code point replaced by U+FFFD, so that it can be written as UTF-8."""
    return SURROGATE.sub("\ufffd", text)


def clean_question(question) -> str:
    """The question with invisible characters removed, control characters and white space folded.

    Raises `QueryError` for a non-string, an empty question, or one over `MAX_CHARS`.
    """
    if not isinstance(question, str):
        raise QueryError("the question must be text")
    text = CONTROL.sub(" ", INVISIBLE.sub("", unicodedata.normalize("NFC", question)))
    text = " ".join(text.split())
    if not text:
        raise QueryError("the question is empty: type a question, e.g. 什么是一岗双责？")
    if len(text) > MAX_CHARS:
        raise QueryError(f"the question is too long ({len(text)} characters, at most {MAX_CHARS}): "
                         "ask about one thing, or use `verify` to check a long quotation")
    if not re.search(r"[\w\u4e00-\u9fff]", text):
        raise QueryError("the question has no words in it")
    return text
