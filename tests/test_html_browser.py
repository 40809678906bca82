"""The HTML page in a real browser (headless Chromium): structure, click behaviour, screenshot.

Skipped when Chromium is not installed (``apt-get install -y chromium``).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from align.report import render_html

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "report"))
import pairs

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Clicks the first source sentence once the page's own script is in place.
CLICK = '<script>document.getElementById("source-0").click();</script></body>'


def chromium(tmp_path: Path, *args: str) -> str:
    command = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=90, check=True)
    return done.stdout


def page(tmp_path: Path, html: str, name: str) -> str:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return path.as_uri()


def test_dom_after_a_click_highlights_the_counterpart(tmp_path: Path) -> None:
    result = pairs.hostile_pair()
    html = render_html(result).replace("</body>", CLICK)
    dom = chromium(tmp_path, "--dump-dom", page(tmp_path, html, "hostile.html"))
    assert dom.count("<script>") == 2  # the page's and the test's: document text never became a script
    assert "&lt;script&gt;alert('pwned')&lt;/script&gt;" in dom
    assert dom.count('class="row bead"') == len(result.beads)
    assert 'class="cell target" lang="ar" dir="rtl"' in dom
    picked = 'id="source-0" data-side="source" data-bead="0"'
    assert f'class="sent picked" {picked}' in dom
    mates = [f'class="sent mate" id="target-{j}"' for j in result.beads[0].target]
    assert mates and all(mate in dom for mate in mates)
    assert dom.count(" mate") == len(mates)  # nothing outside the bead lights up
    assert 'title="clause · 0.50"' in dom


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_screenshot_of_the_seed_pair(tmp_path: Path) -> None:
    shot = tmp_path / "seed.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,900", page(tmp_path, render_html(pairs.seed_pair()), "seed.html"))
    assert png_size(shot) == (1280, 900)
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
