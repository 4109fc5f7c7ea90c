#!/usr/bin/env python
"""Store the glossary in an index generation built before the build stored it, and reseal it.

`.venv/bin/python benchmarks/add_glossary.py GENERATION_FOLDER` (a copy: the generation is changed in
place). Writes `glossary.jsonl` as the build does (`glossary.glossary_of` over the generation's
documents, in index order) and seals the folder again (`seal.seal_folder`), so that a large index
built before commit `7d182d8` can be measured without rebuilding it (README, Benchmarks).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from retrieval.indexing import store  # noqa: E402
from retrieval.search.glossary import GLOSSARY, glossary_of, save_glossary  # noqa: E402
from retrieval.indexing.seal import seal_folder  # noqa: E402
from retrieval.types import Document  # noqa: E402


def main(argv=None) -> int:
    folder = Path((argv or sys.argv[1:])[0])
    documents = {d["doc_id"]: Document.from_dict(d) for d in store.iter_jsonl(folder / "documents.jsonl")}
    wall, cpu = time.perf_counter(), time.process_time()
    glossary = glossary_of(documents)
    print(f"{len(glossary)} terms in {time.perf_counter() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU")
    save_glossary(folder / GLOSSARY, glossary)
    seal_folder(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
