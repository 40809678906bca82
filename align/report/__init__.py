"""Renderers for a PairResult: what the analyst reads and what other tools load."""

from align.report.html import render_html
from align.report.jsonout import render_json
from align.report.text import render_text
from align.report.tmx import render_tmx
from align.report.vecalign import render_vecalign
from align.report.view import render_view

__all__ = ["render_html", "render_json", "render_text", "render_tmx", "render_vecalign", "render_view"]
