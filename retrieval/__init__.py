"""Offline, citation-first question answering over Chinese policy documents."""
from retrieval.errors import RetrievalError
from retrieval.types import Chunk, Corpus, Document, Failure, Paragraph

__all__ = ["Chunk", "Corpus", "Document", "Failure", "Paragraph", "RetrievalError"]
