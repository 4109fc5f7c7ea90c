"""Typed errors of the library; the CLI and the UI translate them into messages."""


class RetrievalError(Exception):
    """Base class of every error the library raises on purpose."""

    exit_code = 1


class DocumentError(RetrievalError):
    """A corpus file cannot be read or parsed (the rest of the corpus still builds)."""


class CorpusError(RetrievalError):
    """The corpus folder is missing or holds nothing readable."""


class IndexWriteError(RetrievalError):
    """The index folder cannot be created or written (the live index, if any, is left as it was)."""


class IndexMissingError(RetrievalError):
    """There is no index at the given folder."""

    exit_code = 3


class IndexStaleError(RetrievalError):
    """The index was built from other files or other settings than the current ones."""

    exit_code = 3


class IndexCorruptError(RetrievalError):
    """The index folder exists but its files are damaged or inconsistent."""

    exit_code = 3


class QueryError(RetrievalError):
    """The question is empty, too long or unusable."""

    exit_code = 2


class BackendError(RetrievalError):
    """The configured model cannot run on the ONNX Runtime backend (the engine falls back to torch)."""


class ModelError(RetrievalError):
    """The embedding model cannot be loaded (a wrong name or path; no model hub offline)."""

    exit_code = 2
