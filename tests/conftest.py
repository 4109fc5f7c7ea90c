"""Shared fixtures: one real index of the seed corpus per test session."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


# --- seed index and engine (retrieval) --------------------------------------------
@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    """A real index of the seed corpus, built once per session with the real model."""
    from retrieval.indexing.build import build_index

    folder = tmp_path_factory.mktemp("seed-index")
    build_index(CORPUS, folder)
    return folder


@pytest.fixture(scope="session")
def seed_engine(seed_index):
    from retrieval.search.engine import Engine

    return Engine.open(seed_index, CORPUS, build=False)
# --- end seed index and engine ------------------------------------------------------
