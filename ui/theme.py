"""Look of the app: a restrained theme with local CJK fonts (no web fonts are fetched) and the CSS file."""
from __future__ import annotations

from pathlib import Path

import gradio as gr

SANS = ("PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
        "system-ui", "sans-serif")
MONO = ("Noto Sans Mono CJK SC", "ui-monospace", "Consolas", "monospace")
CSS_PATH = Path(__file__).with_name("style.css")


def theme() -> gr.themes.Base:
    return gr.themes.Base(primary_hue="red", secondary_hue="amber", neutral_hue="slate",
                          radius_size="md", font=SANS, font_mono=MONO).set(
        body_background_fill="#f6f5f2",
        block_background_fill="#ffffff",
        button_primary_background_fill="#9b1c1c",
        button_primary_background_fill_hover="#7f1616",
        button_primary_text_color="#ffffff",
    )


def launch_options() -> dict:
    """Keyword arguments of `Blocks.launch` that style the page."""
    return {"theme": theme(), "css_paths": [CSS_PATH]}
