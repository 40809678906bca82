#!/usr/bin/env python3
"""Language identification accuracy on NTREX news, through ingest as a user would get it.

For each language folder, every document is ingested (so detection sees the
content blocks only) and its detected language compared with the folder name.
Also reported: accuracy on the headline alone (a hard, short case), and how many
lines of these clean articles ingest took for page furniture (should be 0).

Usage: scripts/bench_language.py [DATA]   (DATA defaults to ../shared/benchmarks/ntrex-dev)
"""

from __future__ import annotations

import argparse
import time

from benchdata import BENCHMARKS, existing_path
from rich.console import Console
from rich.table import Table

from align.ingest import ingest_text
from align.language import detect_language

DEFAULT_DATA = BENCHMARKS / "ntrex-dev"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", type=existing_path, default=str(DEFAULT_DATA), help="folder of <lang>/<id>.txt")
    args = parser.parse_args()
    detect_language("warm up the model")  # loading time is not detection time

    table = Table(title=f"Language identification (py3langid via align.ingest) on {args.data.name}")
    for column in ("lang", "docs", "document acc.", "headline acc.", "furniture lines", "ms/doc"):
        table.add_column(column, justify="right")
    total_docs = total_right = total_headlines = 0
    for folder in sorted(path for path in args.data.iterdir() if path.is_dir()):
        lang = folder.name
        docs = right = headlines = furniture = 0
        elapsed = 0.0
        for file in sorted(folder.glob("*.txt")):
            text = file.read_text(encoding="utf-8")
            started = time.perf_counter()
            document = ingest_text(text, path=str(file))
            elapsed += time.perf_counter() - started
            docs += 1
            right += document.lang == lang
            headlines += detect_language(text.splitlines()[0]) == lang
            furniture += len(document.furniture)
        total_docs, total_right, total_headlines = total_docs + docs, total_right + right, total_headlines + headlines
        table.add_row(lang, str(docs), f"{right / docs:.3f}", f"{headlines / docs:.3f}", str(furniture), f"{1000 * elapsed / docs:.1f}")
    table.add_row("all", str(total_docs), f"{total_right / total_docs:.3f}", f"{total_headlines / total_docs:.3f}", "", "")
    Console().print(table)


if __name__ == "__main__":
    main()
