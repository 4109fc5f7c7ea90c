"""Searching and answering: question analysis, typo correction, fusion, ranking, refusal, passages, citations, the formulations' glossary, and the engine that puts them together."""
