"""Checking and normalising a question before it reaches the index."""
from __future__ import annotations

import re
import unicodedata

from retrieval.errors import QueryError

MAX_CHARS = 500
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def clean_question(question) -> str:
    """The question with control and invisible characters removed and white space folded.

    Raises `QueryError` for a non-string, an empty question, or one over `MAX_CHARS`.
    """
    if not isinstance(question, str):
        raise QueryError("the question must be text")
    text = CONTROL.sub(" ", unicodedata.normalize("NFC", question))
    text = " ".join(text.split())
    if not text:
        raise QueryError("the question is empty: type a question, e.g. 什么是一岗双责？")
    if len(text) > MAX_CHARS:
        raise QueryError(f"the question is too long ({len(text)} characters, at most {MAX_CHARS}): "
                         "ask about one thing, or use `verify` to check a long quotation")
    if not re.search(r"[\w\u4e00-\u9fff]", text):
        raise QueryError("the question has no words in it")
    return text
