"""Two builders of one Milvus store take turns: a lock held in Milvus.

The lock is the alias `retrieval_lock`. A builder creates a small collection of its own,
`retrieval_lock_<epoch>_<token>`, and takes the lock by creating the alias on it: the server creates an
alias only if no alias of that name exists, so one builder holds it at a time. It holds it from reading
the live generation to switching the `retrieval` alias (the second builder then starts from the first
one's generation and embeds only what that one did not), and drops both on release. A builder waits
for the lock (WAIT s at most); a lock older than LEASE s belongs to a builder that died and is broken.
"""
from __future__ import annotations

import logging
import time
import uuid
from contextlib import contextmanager

from retrieval.errors import IndexWriteError
from retrieval.indexing.stores import StoreError
from retrieval.indexing.stores.milvus import ALIAS, describe, one_line

LOCK = f"{ALIAS}_lock"
POLL = 0.5           # seconds between two attempts to take the lock
WAIT = 3600          # seconds a builder waits for the lock
LEASE = 6 * 3600     # seconds after which a lock is taken to be a dead builder's

log = logging.getLogger(__name__)


@contextmanager
def build_lock(mc, where: str, wait: float | None = None):
    """Hold the store's build lock for the `with` block (waiting for it, at most `wait` seconds)."""
    mine = f"{LOCK}_{int(time.time())}_{uuid.uuid4().hex[:8]}"
    mc.create_collection(mine, dimension=2)
    deadline = time.monotonic() + (WAIT if wait is None else wait)
    try:
        while not take(mc, where, mine):
            held = holder(mc)
            if held and age(held) > LEASE:
                log.warning("breaking the build lock of %s held since %s s by %s", describe(where), age(held), held)
                release(mc, held)
            elif time.monotonic() > deadline:
                raise IndexWriteError(f"another build of {describe(where)} holds its lock ({held}, for "
                                      f"{age(held) if held else 0} s): run the build again once it has finished")
            time.sleep(POLL)
        yield mine
    finally:
        release(mc, mine)


def take(mc, where: str, mine: str) -> bool:
    """Create the lock alias on our collection: False when another builder holds it."""
    try:
        mc.create_alias(mine, LOCK)
        return True
    except Exception as exc:  # noqa: BLE001
        if "exist" in str(exc):
            return False
        raise StoreError(f"cannot take the build lock of {describe(where)} ({one_line(exc)})", where=where) from None


def holder(mc) -> str | None:
    """The lock collection the alias names, None when nobody holds the lock."""
    try:
        return mc.describe_alias(LOCK)["collection_name"]
    except Exception:  # noqa: BLE001  (no such alias)
        return None


def age(collection: str) -> int:
    """Seconds since the builder owning `collection` made it (its name holds the time)."""
    try:
        return int(time.time()) - int(collection.removeprefix(f"{LOCK}_").split("_")[0])
    except ValueError:
        return LEASE + 1


def release(mc, collection: str) -> None:
    """Drop the lock if `collection` holds it, and the collection."""
    if holder(mc) == collection:
        try:
            mc.drop_alias(LOCK)
        except Exception:  # noqa: BLE001  (released meanwhile)
            pass
    try:
        mc.drop_collection(collection)
    except Exception:  # noqa: BLE001  (already gone)
        pass
