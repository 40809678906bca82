"""Batch scale benchmark: a synthetic corpus of N reports, then 100 more.

Reports are built from the NTREX documents (fixed random seed): a *story* is a few
consecutive lines from each of two random documents, and each story is written out in
one to three random languages (line i is the translation of line i in every language),
so the corpus holds distinct reports, some with counterparts and most candidates
unrelated. Each phase runs in a fresh process so that its peak memory is its own.

    python scripts/bench_scale.py [DATA] [--n 10000] [--add 100]

Prints time and peak memory per report for the first batch and for adding ``--add``
new reports to it.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchdata import BENCHMARKS, existing_path
from rich.console import Console
from rich.table import Table

DEFAULT_DATA = BENCHMARKS / "ntrex-dev"
LANGUAGES = ("ar", "fr", "en", "de", "es", "zh")
LINES_PER_SOURCE = (3, 6)  # consecutive lines taken from each of a story's two documents


def write_reports(data: Path, out: Path, count: int, seed: int) -> None:
    """Write ``count`` reports as JSONL (one report per line) under ``out``."""
    rng = random.Random(seed)
    stems = sorted(p.stem for p in (data / "en").glob("*.txt"))
    lines = {
        (lang, stem): (data / lang / f"{stem}.txt").read_text(encoding="utf-8").splitlines()
        for lang in LANGUAGES
        for stem in stems
    }
    written = 0
    with out.open("w", encoding="utf-8") as sink:
        while written < count:
            chunks = []
            for stem in rng.sample(stems, 2):
                total = len(lines["en", stem])
                size = min(rng.randint(*LINES_PER_SOURCE), total)
                start = rng.randrange(total - size + 1)
                chunks.append((stem, start, start + size))
            for lang in rng.sample(LANGUAGES, min(rng.randint(1, 3), count - written)):
                text = "\n".join(line for stem, a, b in chunks for line in lines[lang, stem][a:b])
                sink.write(json.dumps({"text": text, "lang": lang}, ensure_ascii=False) + "\n")
                written += 1


def phase(paths: list[str], db: str) -> None:
    """One batch run in this process; prints its figures as JSON."""
    from align.batch import run_batch

    started = time.perf_counter()
    result = run_batch(paths, db, progress=False, facts=False)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "new": len(result.new),
        "documents": len(result.documents),
        "pairs": len(result.pairs),
        "scored": result.pairs_scored,
        "aligned": result.pairs_aligned,
        "seconds": elapsed,
        "peak_mb": peak_mb,
    }
    print(json.dumps(figures))


def run_phase(paths: list[Path], db: Path) -> dict[str, float]:
    """Run :func:`phase` in a fresh interpreter and read its figures."""
    command = [sys.executable, __file__, "--phase", str(db), *map(str, paths)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=existing_path, default=str(DEFAULT_DATA))
    parser.add_argument("--n", type=int, default=10_000, help="reports in the first batch")
    parser.add_argument("--add", type=int, default=100, help="reports added in the second batch")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        phase(args.phase[1:], args.phase[0])
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        first, added = work / "first.jsonl", work / "added.jsonl"
        write_reports(Path(args.data), first, args.n, args.seed)
        write_reports(Path(args.data), added, args.add, args.seed + 1)
        db = work / "corpus.db"
        rows = [("first batch", run_phase([first], db)), (f"adding {args.add}", run_phase([first, added], db))]
    table = Table(title=f"Batch scale (synthetic NTREX reports, n={args.n})")
    for column in ("phase", "new reports", "corpus", "pairs scored / aligned", "matches", "s total", "ms / new report", "peak MB"):
        table.add_column(column, justify="left" if column == "phase" else "right")
    for name, f in rows:
        per_report = 1000 * f["seconds"] / max(f["new"], 1)
        table.add_row(
            name, str(f["new"]), str(f["documents"]), f"{f['scored']} / {f['aligned']}", str(f["pairs"]),
            f"{f['seconds']:.1f}", f"{per_report:.0f}", f"{f['peak_mb']:.0f}",
        )
    Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
