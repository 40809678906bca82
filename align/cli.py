"""The ``align`` command: a thin layer over the Python API and the renderers.

Exit status: 0 done; 1 unexpected internal error; 2 bad input or usage (one
line on stderr), including a batch that found no reports or could use none of
them (each bad one named on stderr); 3 batch finished partially (some inputs
skipped, named on stderr); 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import TextIO

from rich.console import Console

from align.errors import AlignError, InputError

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_PARTIAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
PAIR_FORMATS = ("text", "json", "html", "tmx", "vecalign")

log = logging.getLogger("align")


def _add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default=None, help="encoder: use (default), e5, or a sentence-transformers id or path")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bars or notes")


def _add_pair_inputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", help="source report (txt, md, html)")
    parser.add_argument("target", help="target report (txt, md, html)")
    parser.add_argument("--src-lang", default=None, help="source language (ISO 639-1); detected when omitted")
    parser.add_argument("--tgt-lang", default=None, help="target language (ISO 639-1); detected when omitted")
    parser.add_argument("--presegmented", action="store_true", help="one sentence a line: keep them as they are")
    _add_model_options(parser)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="align",
        description="Match reports across languages, align their sentences, show what only one version says.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    pair = commands.add_parser("pair", help="align two reports and list one-sided facts")
    _add_pair_inputs(pair)
    pair.add_argument("--format", choices=PAIR_FORMATS, default="text")
    pair.add_argument("--output", "-o", default=None, help="write to this file instead of standard output")

    view = commands.add_parser("view", help="side-by-side terminal view of two reports")
    _add_pair_inputs(view)
    view.add_argument("--no-bidi", action="store_true", help="leave right-to-left text to a terminal that reorders it itself")
    view.add_argument("--no-pager", action="store_true", help="print straight to the terminal, even when long")

    batch = commands.add_parser(
        "batch",
        help="match and align every report under the given paths",
        epilog="exit status: 0 done; 2 bad input (no reports found, or every input skipped); "
        "3 partial (some inputs skipped, each named on stderr)",
    )
    batch.add_argument("paths", nargs="+", help="files or folders (txt, md, html, jsonl)")
    batch.add_argument("--db", required=True, help="SQLite corpus; later runs align only what is new")
    batch.add_argument("--format", choices=("text", "json"), default="text")
    _add_model_options(batch)
    return parser


# Formats that carry the alignment alone: the one-sided facts are not looked for.
BEADS_ONLY_FORMATS = frozenset({"tmx", "vecalign"})


def _stdout_console() -> Console:
    # Rich already honours NO_COLOR and drops colour when stdout is not a terminal.
    return Console(highlight=False)


def _pair_result(args: argparse.Namespace, *, progress: bool, facts: bool = True):
    from align.pipeline import load, pair_documents
    from embeddings import load_encoder, loading_beside

    encoder = load_encoder(args.model, progress=progress)
    with loading_beside(encoder):
        source = load(args.source, lang=args.src_lang, presegmented=args.presegmented)
        target = load(args.target, lang=args.tgt_lang, presegmented=args.presegmented)
    return pair_documents(source, target, encoder, facts=facts)


def _output(path: str | None) -> AbstractContextManager[TextIO]:
    """Where the result goes; a path that cannot be written is the user's input, not a bug."""
    if path is None:
        return nullcontext(sys.stdout)
    try:
        return open(path, "w", encoding="utf-8")
    except OSError as error:
        raise InputError(f"{path}: cannot write the output there ({error.strerror})") from error


def run_pair(args: argparse.Namespace) -> int:
    from align import report

    quiet = args.quiet or args.format != "text"
    result = _pair_result(args, progress=not quiet, facts=args.format not in BEADS_ONLY_FORMATS)
    with _output(args.output) as out:
        if args.format == "text":
            report.render_text(result, _stdout_console() if out is sys.stdout else Console(file=out, highlight=False))
            return EXIT_OK
        renderers = {
            "json": report.render_json,
            "html": report.render_html,
            "tmx": report.render_tmx,
            "vecalign": report.render_vecalign,
        }
        out.write(renderers[args.format](result))
    return EXIT_OK


def run_view(args: argparse.Namespace) -> int:
    from align import report

    result = _pair_result(args, progress=not args.quiet)
    console = _stdout_console()
    report.render_view(result, console, bidi=not args.no_bidi, pager=not args.no_pager and console.is_terminal)
    return EXIT_OK


def run_batch_command(args: argparse.Namespace) -> int:
    from align.batch import render_batch_json, render_batch_text, run_batch

    quiet = args.quiet or args.format == "json"
    try:
        result = run_batch(args.paths, args.db, model=args.model, progress=not quiet)
    except sqlite3.DatabaseError as error:  # not a database, unreadable, or damaged
        raise InputError(f"{args.db}: cannot use it as the batch database ({error})") from error
    if args.format == "json":
        sys.stdout.write(render_batch_json(result))
    else:
        render_batch_text(result, _stdout_console())
    for skipped in result.skipped:
        reason = skipped.reason.removeprefix(f"{skipped.path}: ")  # input errors already name the file
        print(f"align: skipped {skipped.path}: {reason}", file=sys.stderr)
    if result.all_skipped:
        return EXIT_INPUT
    return EXIT_PARTIAL if result.skipped else EXIT_OK


OWN_LOGGERS = ("align", "embeddings")
COMMANDS = {"pair": run_pair, "view": run_view, "batch": run_batch_command}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Warnings are align's own; the libraries it reads with (trafilatura's "discarding data: None") speak on errors only.
    logging.basicConfig(level=logging.ERROR, format="align: %(message)s")
    for package in OWN_LOGGERS:
        logging.getLogger(package).setLevel(logging.ERROR if getattr(args, "quiet", False) else logging.WARNING)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub at run time
    try:
        return COMMANDS[args.command](args)
    except AlignError as error:
        print(f"align: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("align: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # a bug: still one line, details only with ALIGN_DEBUG
        if os.environ.get("ALIGN_DEBUG"):
            raise
        print(f"align: internal error: {type(error).__name__}: {error} (set ALIGN_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
