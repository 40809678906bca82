#!/usr/bin/env python3
"""End-to-end speed of ``align pair`` against the encoder alone, at growing document sizes.

The documents are NTREX news, one sentence a line: the source is every French
document followed by every Spanish one, the target every Arabic document followed
by every German one, so line i of one side translates line i of the other. The
first N lines of each make a pair of N-sentence documents.

For each N, three fresh processes, each with an empty embedding cache:
(a) load the default encoder and embed every sentence of both sides once;
(b) ``align pair --presegmented --format json`` on the two files (reading,
    embedding, anchors, alignment, one-sided facts, output);
(c) the same with ``--format vecalign``, which carries the beads alone, so the
    one-sided facts are not looked for: what alignment alone costs.
The budget is (b) <= 2 x (a); all should grow linearly with N.

Usage: scripts/bench_speed.py [DATA] [--sizes 500,1000,2000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchdata import BENCHMARKS, existing_path
from rich.console import Console
from rich.table import Table

DEFAULT_DATA = BENCHMARKS / "ntrex-dev"
SOURCE_LANGS = ("fr", "es")
TARGET_LANGS = ("ar", "de")

ENCODE_ONLY = """
import sys
from embeddings import load_encoder
texts = [line for path in sys.argv[1:] for line in open(path, encoding="utf-8").read().splitlines() if line.strip()]
load_encoder(None, cache_dir=False).encode(texts)
"""


def side_lines(data: Path, langs: tuple[str, ...]) -> list[str]:
    """Every document of each language in turn, in a fixed order, blank lines dropped."""
    documents = sorted(p.name for p in (data / langs[0]).glob("*.txt"))
    return [
        line
        for lang in langs
        for name in documents
        for line in (data / lang / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def timed(command: list[str], cache_dir: str) -> float:
    """Wall time of a fresh process (model load included) with an empty embedding cache."""
    env = {**os.environ, "ALIGN_CACHE_DIR": cache_dir}
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", nargs="?", type=existing_path, default=str(DEFAULT_DATA))
    parser.add_argument("--sizes", default="500,1000,2000", help="sentences a side, comma-separated")
    args = parser.parse_args()

    source, target = side_lines(args.data, SOURCE_LANGS), side_lines(args.data, TARGET_LANGS)
    align_cli = str(Path(sys.executable).with_name("align"))
    table = Table(title="align pair vs encoding alone (fresh process, empty cache)")
    for column in ("sentences a side", "encode (s)", "pair, json (s)", "ratio", "pair, vecalign: no facts (s)", "ratio"):
        table.add_column(column, justify="right")
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            src_path, tgt_path = Path(tmp) / "source.txt", Path(tmp) / "target.txt"
            src_path.write_text("\n".join(source[:size]) + "\n", encoding="utf-8")
            tgt_path.write_text("\n".join(target[:size]) + "\n", encoding="utf-8")
            encode = timed([sys.executable, "-c", ENCODE_ONLY, str(src_path), str(tgt_path)], str(Path(tmp) / "cache-a"))
            pair = [align_cli, "pair", str(src_path), str(tgt_path), "--presegmented", "--src-lang", "fr", "--tgt-lang", "ar"]
            full = timed([*pair, "--format", "json"], str(Path(tmp) / "cache-b"))
            no_facts = timed([*pair, "--format", "vecalign"], str(Path(tmp) / "cache-c"))
        table.add_row(str(min(size, len(source))), f"{encode:.1f}", f"{full:.1f}", f"{full / encode:.2f}",
                      f"{no_facts:.1f}", f"{no_facts / encode:.2f}")
    Console().print(table)


if __name__ == "__main__":
    main()
