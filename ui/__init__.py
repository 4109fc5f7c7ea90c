"""The web UI: one module per tab (`ask`, `corpus`, ...), `render` for escaped HTML.

Each tab module exposes `build(ctx: AppContext)`, called by `app.py` inside a
`gr.Tab`; handlers are plain functions of the context, testable without a server.
"""
