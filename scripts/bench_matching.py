"""Document-matching benchmark: NTREX-128 news in six languages, plus the seeds.

Builds a corpus from every NTREX document in ar/fr/en/de/es/zh, with some documents kept
in one language only and some missing a few languages, under opaque file names (a fixed
random seed decides which), runs ``align batch`` on it and reports pair precision and
recall and whether every one-language document stayed unmatched. Then the seeds: 001
and 002 must match, 000/003/004 must not, also when 002 arrives in a later run.

    python scripts/bench_matching.py [DATA] [--seed N]

DATA defaults to ../shared/benchmarks/ntrex-dev relative to the repository root.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import tempfile
import time
from pathlib import Path

from benchdata import BENCHMARKS, existing_path
from rich.console import Console
from rich.table import Table

from align.batch import run_batch

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = BENCHMARKS / "ntrex-dev"
LANGUAGES = ("ar", "fr", "en", "de", "es", "zh")
ONE_LANGUAGE_SHARE = 0.15  # documents kept in a single language (no counterpart at all)
PARTIAL_SHARE = 0.3  # documents missing one to three languages


def build_corpus(data: Path, out: Path, seed: int) -> tuple[set[frozenset[str]], set[str]]:
    """Write the corpus under opaque names; return the gold pairs and the one-language files."""
    rng = random.Random(seed)
    stems = sorted(p.stem for p in (data / "en").glob("*.txt"))
    rng.shuffle(stems)
    n_single = round(ONE_LANGUAGE_SHARE * len(stems))
    n_partial = round(PARTIAL_SHARE * len(stems))
    gold: set[frozenset[str]] = set()
    singles: set[str] = set()
    for position, stem in enumerate(stems):
        if position < n_single:
            langs = [rng.choice(LANGUAGES)]
        elif position < n_single + n_partial:
            langs = rng.sample(LANGUAGES, len(LANGUAGES) - rng.randint(1, 3))
        else:
            langs = list(LANGUAGES)
        names = []
        for lang in langs:
            name = f"{rng.getrandbits(64):016x}.txt"
            (out / name).write_text((data / lang / f"{stem}.txt").read_text(encoding="utf-8"), encoding="utf-8")
            names.append(name)
        gold.update(frozenset(pair) for pair in itertools.combinations(names, 2))
        if len(names) == 1:
            singles.update(names)
    return gold, singles


def _names(result) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {d.doc_id: Path(d.path).name for d in result.documents}


def predicted_pairs(result) -> tuple[set[frozenset[str]], set[str]]:  # type: ignore[no-untyped-def]
    """Matched pairs and unmatched documents, by file name."""
    names = _names(result)
    pairs = {frozenset((names[p.source], names[p.target])) for p in result.pairs}
    return pairs, {names[i] for i in result.unmatched}


def seeds_check(seeds: Path, work: Path) -> dict[str, bool]:
    """Seeds in one run, and with 002 arriving in a second run."""
    def outcome(result) -> bool:  # type: ignore[no-untyped-def]
        pairs, unmatched = predicted_pairs(result)
        prefix = {name: name[:3] for d in result.documents for name in [Path(d.path).name]}
        named = {frozenset(prefix[n] for n in pair) for pair in pairs}
        return named == {frozenset({"001", "002"})} and {prefix[n] for n in unmatched} == {"000", "003", "004"}

    one_run = outcome(run_batch([str(seeds)], str(work / "seeds-once.db"), progress=False, facts=False))
    early = work / "early"
    early.mkdir()
    for file in seeds.glob("*.txt"):
        if not file.name.startswith("002"):
            (early / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    run_batch([str(early)], str(work / "seeds-later.db"), progress=False, facts=False)
    later = outcome(run_batch([str(seeds)], str(work / "seeds-later.db"), progress=False, facts=False))
    return {"seeds, one run": one_run, "seeds, 002 in a later run": later}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=existing_path, default=str(DEFAULT_DATA))
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--model", default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        corpus.mkdir()
        gold, singles = build_corpus(Path(args.data), corpus, args.seed)
        started = time.perf_counter()
        result = run_batch([str(corpus)], str(work / "ntrex.db"), model=args.model, progress=False, facts=False)
        elapsed = time.perf_counter() - started
        pairs, unmatched = predicted_pairs(result)
        checks = seeds_check(ROOT / "seeds", work)
    hits = len(pairs & gold)
    precision = hits / len(pairs) if pairs else 1.0
    recall = hits / len(gold) if gold else 1.0
    table = Table(title=f"Document matching (NTREX-128 dev, seed {args.seed})")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("target", justify="right")
    table.add_row("documents", str(len(result.documents)), "")
    table.add_row("gold pairs", str(len(gold)), "")
    table.add_row("predicted pairs", str(len(pairs)), "")
    table.add_row("pair precision", f"{precision:.4f}", ">= .98")
    table.add_row("pair recall", f"{recall:.4f}", ">= .98")
    table.add_row("one-language documents unmatched", f"{len(singles & unmatched)}/{len(singles)}", "all")
    table.add_row("candidate pairs scored / aligned", f"{result.pairs_scored} / {result.pairs_aligned}", "")
    table.add_row("batch time (s)", f"{elapsed:.1f}", "")
    for name, ok in checks.items():
        table.add_row(name, "ok" if ok else "FAIL", "ok")
    console = Console()
    console.print(table)
    scores = {frozenset((names[p.source], names[p.target])): p for names in [_names(result)] for p in result.pairs}
    for pair in sorted(pairs - gold, key=sorted):
        p = scores[pair]
        console.print(f"false pair {sorted(pair)} score {p.score:.3f} coverage {p.source_coverage:.2f}/{p.target_coverage:.2f}")
    for pair in sorted(gold - pairs, key=sorted):
        console.print(f"missed pair {sorted(pair)}")
    passed = precision >= 0.98 and recall >= 0.98 and singles <= unmatched and all(checks.values())
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
