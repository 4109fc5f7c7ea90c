"""What every tab builder receives: the loaded engine, the folders, settings, and shared hooks.

Tabs talk to each other through `refreshers`: a tab that shows something derived
from the corpus (a document list, a filter) registers `(component, fn)`; after an
index rebuild the corpus tab updates every registered component with `fn()`.
Events whose outputs live in several tabs are wired by `finish()`, after all builders ran.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ADMIN_ENV = "RETRIEVAL_ADMIN_PASSWORD"


def admin_password_from_env() -> str | None:
    """The configured admin password, or None (administration off)."""
    value = os.environ.get(ADMIN_ENV, "")
    return value if value.strip() else None


@dataclass
class AppContext:
    engine: Any                       # retrieval.search.engine.Engine
    corpus_dir: Path | None = None
    index_dir: Path = Path("index")
    admin_password: str | None = None
    max_upload_mb: int = 20
    refreshers: list[tuple[Any, Callable[[], Any]]] = field(default_factory=list)
    deferred: list[Callable[[], None]] = field(default_factory=list)

    def on_corpus_change(self, component, fn: Callable[[], Any]) -> None:
        """Have `component` updated with `fn()` after the index is rebuilt."""
        self.refreshers.append((component, fn))

    def defer(self, wire: Callable[[], None]) -> None:
        """Run `wire()` once every tab is built (for events whose outputs span tabs)."""
        self.deferred.append(wire)

    def finish(self) -> None:
        """Called by the app inside the Blocks context after the last tab builder."""
        for wire in self.deferred:
            wire()
        self.deferred.clear()

    @property
    def admin_enabled(self) -> bool:
        return bool(self.admin_password) and self.corpus_dir is not None
