"""Gradio's per-session state, made cheap for API calls (issue #13: load and soak).

Gradio (6.x) makes a `SessionState` for every session hash it sees, and an API call over
`/gradio_api/call/<name>` (curl, httpx) brings a new session hash each time. Each `SessionState`
builds the configuration of every component of every tab at once: about 15 ms of CPU (under the GIL)
and about 110 KB kept per call, up to 10,000 sessions (over 1 GB) before Gradio evicts any.

`LightStateHolder` replaces the app's `StateHolder`:
- `LightSession` builds that configuration only when something reads it (a deep link, a component
  update), not when the session is made;
- sessions that never stored anything (`State` values or updated components: what an API call
  leaves behind) are kept for the `PRISTINE` most recent only. Forgetting one loses nothing: Gradio
  makes the same defaults again if its hash comes back. Sessions that hold state (a browser's
  conversation) are evicted by Gradio's own rule (`state_session_capacity`, least recently used);
- with a forgotten session goes its entry in the queue's `pending_event_ids_session`, once empty:
  Gradio empties the set of a session's pending events but never removes it (one set per API call,
  kept for ever, and scanned whole by `/call/<name>/<event_id>` when the event has already finished).
"""
from __future__ import annotations

import os
from collections import OrderedDict
from copy import copy

from gradio.state_holder import SessionState, StateHolder

PRISTINE = 256      # sessions holding nothing that are kept (the most recently used)


class LightSession(SessionState):
    """A `SessionState` whose per-component configuration is built on first use."""

    def __init__(self, blocks):   # noqa: super().__init__ is what this replaces (it builds config_values)
        self.blocks_config = copy(blocks.default_config)
        self._blocks = blocks
        self._config_values: dict = {}
        self._complete = False
        self.state_data = {}
        self._state_ttl = {}
        self.is_closed = False
        self.STATE_TTL_WHEN_CLOSED = 1 if os.getenv("GRADIO_IS_E2E_TEST", None) else 3600
        self.touched = False

    @property
    def config_values(self) -> dict:
        """Every component's configuration (built now for those not built yet)."""
        if not self._complete:
            for k, v in self.blocks_config.blocks.items():
                if k in self._blocks.blocks and k not in self._config_values:
                    self._config_values[k] = self.blocks_config.config_for_block(k, [], v)
            self._complete = True
        return self._config_values

    @config_values.setter
    def config_values(self, value: dict) -> None:
        self._config_values, self._complete = value, True

    def _update_value_in_config(self, key: int, value) -> None:
        """Gradio records every input's value (for deep links): build that component's config only."""
        if key not in self._config_values:
            self._config_values[key] = self.blocks_config.config_for_block(key, [], self.blocks_config.blocks[key])
        if "props" in self._config_values[key]:
            self._config_values[key]["props"]["value"] = value

    def __setitem__(self, key: int, value) -> None:
        self.touched = True
        super().__setitem__(key, value)


class LightStateHolder(StateHolder):
    """Gradio's `StateHolder` with `LightSession`s, keeping at most `pristine` untouched ones."""

    def __init__(self, pristine: int = PRISTINE):
        super().__init__()
        self.pristine_limit = pristine
        self.pristine: OrderedDict[str, None] = OrderedDict()

    def __getitem__(self, session_id: str) -> SessionState:
        with self.lock:
            if session_id not in self.session_data:
                self.session_data[session_id] = LightSession(self.blocks)
                self.pristine[session_id] = None
            elif session_id in self.pristine:
                self.pristine.move_to_end(session_id)
        return super().__getitem__(session_id)

    def update(self, session_id: str) -> None:
        super().update(session_id)
        with self.lock:
            while len(self.pristine) > self.pristine_limit:
                oldest, _ = self.pristine.popitem(last=False)
                session = self.session_data.get(oldest)
                if session is not None and not getattr(session, "touched", True) and not session.state_data:
                    del self.session_data[oldest]
                    self.time_last_used.pop(oldest, None)
                    self.forget_events(oldest)

    def forget_events(self, session_id: str) -> None:
        """Drop the session's set of pending event ids from the queue when it is empty (all delivered)."""
        pending = getattr(getattr(self.blocks, "_queue", None), "pending_event_ids_session", None)
        if pending is not None and not pending.get(session_id, True):
            pending.pop(session_id, None)


def install(demo) -> LightStateHolder:
    """Give a launched `demo` (its `server_app`) a `LightStateHolder`, sessions already made kept."""
    holder = LightStateHolder()
    holder.set_blocks(demo)
    old = demo.server_app.state_holder
    with old.lock:
        holder.session_data.update(old.session_data)
        holder.time_last_used.update(old.time_last_used)
    demo.server_app.state_holder = holder
    return holder
