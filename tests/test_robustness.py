"""Robustness of the ``align`` command: bad input, big input, interrupted and concurrent batches.

Every test runs the real command line in a subprocess and looks only at what a
user sees: the exit status, stdout, and stderr (one line per problem, never a
traceback). Pair runs use the shipped default model, which needs no download;
batch runs go through ``fixtures/robustness/run_align.py``, the same command
line with a hashing encoder in place of the model, so that they take seconds
and can be slowed down to be killed mid-way.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import jsonschema
import pytest

from align.cli import EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_PARTIAL
from align.ingest import MAX_INPUT_BYTES, read_text
from align.segment import MAX_SENTENCE_CHARS

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "robustness"
SEEDS = ROOT / "seeds"
FRENCH = SEEDS / "001_b786fb708fc180cb.txt"
ARABIC = SEEDS / "002_cd5cc42a566c1068.txt"
FRENCH_OTHER = SEEDS / "000_333c28ba6d2e32e8.txt"
SCHEMA = json.loads((ROOT / "align" / "report" / "schema.json").read_text(encoding="utf-8"))
TABLES = ("documents", "sentences", "embeddings", "pair_scores", "matches", "facts")
# Seconds the hashing encoder sleeps per text in runs that a test interrupts.
SLOW_ENCODE = "0.02"


def align_command(*, fake: bool) -> list[str]:
    """The installed ``align`` script (or its module), or the same CLI with the hashing encoder."""
    if fake:
        return [sys.executable, str(FIXTURES / "run_align.py")]
    script = Path(sys.executable).with_name("align")
    return [str(script)] if script.exists() else [sys.executable, "-m", "align.cli"]


def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "ALIGN_CACHE_DIR": str(tmp_path / "cache"), **extra}


@pytest.fixture(scope="module")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedding cache for the runs with the real model: a text embedded once is not embedded again."""
    return tmp_path_factory.mktemp("embedding-cache")


def run_align(tmp_path: Path, *args: object, fake: bool = False, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*align_command(fake=fake), *map(str, args)],
        capture_output=True, text=True, env=cli_env(tmp_path, **env), timeout=300, cwd=tmp_path, check=False,
    )


def start_align(tmp_path: Path, *args: object, **env: str) -> subprocess.Popen[str]:
    """Start align in the background with Ctrl-C at its default: a suite run from a background job
    (no job control) inherits an ignored SIGINT, which would make the interrupt test wait forever."""
    return subprocess.Popen(
        [*align_command(fake=True), *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(tmp_path, **env), cwd=tmp_path,
        preexec_fn=_default_interrupt,  # noqa: PLW1509 (the test suite starts no threads of its own)
    )


def _default_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def assert_one_line_error(proc: subprocess.CompletedProcess[str], code: int, *needles: str) -> str:
    """The failure a user should see: the exit code, one ``align:`` line naming the problem."""
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("align: "), proc.stderr
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


# -- bad input ----------------------------------------------------------------------------


def _binary(path: Path) -> None:
    path.write_bytes(Path(sys.executable).resolve().read_bytes()[:4096])


def _undecodable(path: Path) -> None:
    # No NUL byte (so not sniffed as binary), valid in no encoding as text: every byte value, repeated.
    path.write_bytes(bytes(range(1, 256)) * 8)


BAD_INPUTS = {
    "missing": (lambda path: None, "no such file"),
    "directory": (lambda path: path.mkdir(), "is a directory"),
    "empty": (lambda path: path.write_bytes(b""), "empty"),
    "binary": (_binary, "binary"),
    "undecodable": (_undecodable, "cannot decode"),
    "no letters": (lambda path: path.write_text("2019 2020 2021 2022 2023 2024 2025 2026.\n", encoding="utf-8"), "--src-lang"),
}


@pytest.mark.parametrize("kind", BAD_INPUTS)
def test_bad_input_is_one_clear_line(tmp_path: Path, kind: str) -> None:
    make, reason = BAD_INPUTS[kind]
    bad = tmp_path / f"{kind}.txt"
    make(bad)
    proc = run_align(tmp_path, "pair", FRENCH, bad)
    assert_one_line_error(proc, EXIT_INPUT, str(bad), reason)
    assert proc.stdout == ""


def test_a_page_with_no_visible_text_is_one_clear_line(tmp_path: Path) -> None:
    """Not also the HTML extractor's own warnings, nor a fallback warning for a fallback that finds nothing."""
    page = tmp_path / "page.html"
    page.write_text("<html><head><script>var a = 1;</script></head><body></body></html>", encoding="utf-8")
    proc = run_align(tmp_path, "pair", FRENCH, page, fake=True)
    assert_one_line_error(proc, EXIT_INPUT, str(page), "no text")


def test_legacy_encodings_align_like_utf8(tmp_path: Path, model_cache: Path) -> None:
    """cp1252 French and cp1256 Arabic files, with the real model, align as their UTF-8 originals do."""
    french, arabic = FRENCH.read_text(encoding="utf-8"), ARABIC.read_text(encoding="utf-8")
    (tmp_path / "fr.txt").write_bytes(french.encode("cp1252"))
    (tmp_path / "ar.txt").write_bytes(arabic.encode("cp1256"))
    legacy = run_align(tmp_path, "pair", "fr.txt", "ar.txt", "--format", "json", ALIGN_CACHE_DIR=str(model_cache))
    utf8 = run_align(tmp_path, "pair", FRENCH, ARABIC, "--format", "json", ALIGN_CACHE_DIR=str(model_cache))
    assert legacy.returncode == EXIT_OK and utf8.returncode == EXIT_OK, legacy.stderr + utf8.stderr
    result, reference = json.loads(legacy.stdout), json.loads(utf8.stdout)
    jsonschema.validate(result, SCHEMA)
    assert (result["source"]["lang"], result["target"]["lang"]) == ("fr", "ar")
    for side, text in (("source", french), ("target", arabic)):
        assert result[side]["sentences"] == reference[side]["sentences"]
        for sentence in result[side]["sentences"]:
            assert text[sentence["start"] : sentence["end"]] == sentence["text"]
    assert result["alignment"] == reference["alignment"]
    two_sided = [bead for bead in result["alignment"] if bead["source"] and bead["target"]]
    assert sum(len(bead["source"]) for bead in two_sided) >= len(result["source"]["sentences"]) / 2


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    for seed in (FRENCH, ARABIC):
        text = seed.read_text(encoding="utf-8")
        (tmp_path / seed.name).write_bytes(text.encode(encoding))
        assert read_text(tmp_path / seed.name) == text


def test_text_without_sentence_punctuation_is_aligned(tmp_path: Path) -> None:
    """A report with no punctuation and no line breaks is cut into bounded pieces and aligned with its original."""
    text = FRENCH.read_text(encoding="utf-8")
    bare = " ".join("".join(c for c in text if not unicodedata.category(c).startswith("P")).split())
    (tmp_path / "bare.txt").write_text(bare, encoding="utf-8")
    proc = run_align(tmp_path, "pair", "bare.txt", FRENCH, "--format", "json", fake=True)
    assert proc.returncode == EXIT_OK, proc.stderr
    result = json.loads(proc.stdout)
    jsonschema.validate(result, SCHEMA)
    sentences = result["source"]["sentences"]
    assert len(sentences) > 1
    assert all(len(s["text"]) <= MAX_SENTENCE_CHARS and bare[s["start"] : s["end"]] == s["text"] for s in sentences)
    covered = sorted(i for bead in result["alignment"] for i in bead["source"])
    assert covered == list(range(len(sentences)))
    assert any(bead["source"] and bead["target"] for bead in result["alignment"])


UNSUPPORTED = {
    "hi": "भारत के प्रधानमंत्री ने आज दिल्ली में राज्यों के मुख्यमंत्रियों के साथ बैठक की। उन्होंने कहा कि बाढ़ से प्रभावित "
    "जिलों को अगले सप्ताह तक अतिरिक्त सहायता मिलेगी।\n",
    "am": "የኢትዮጵያ ጠቅላይ ሚኒስትር ዛሬ በአዲስ አበባ ከክልል መሪዎች ጋር ስብሰባ አካሄዱ። በጎርፍ ለተጎዱ አካባቢዎች ተጨማሪ እርዳታ "
    "እንደሚላክ ተናግረዋል።\n",
}


@pytest.mark.parametrize("lang", UNSUPPORTED)
def test_language_the_default_model_lacks_names_it_and_model_option(tmp_path: Path, lang: str) -> None:
    from embeddings.backends import UseEncoder

    assert lang not in UseEncoder.languages  # the premise: the default model was not trained on it
    (tmp_path / "report.txt").write_text(UNSUPPORTED[lang], encoding="utf-8")
    proc = run_align(tmp_path, "pair", FRENCH, "report.txt")
    assert_one_line_error(proc, EXIT_INPUT, "report.txt", f"'{lang}'", "--model")


def test_same_language_on_both_sides_is_aligned_with_a_note(tmp_path: Path) -> None:
    proc = run_align(tmp_path, "pair", FRENCH, FRENCH_OTHER, "--format", "json", fake=True)
    assert proc.returncode == EXIT_OK
    jsonschema.validate(json.loads(proc.stdout), SCHEMA)
    note = assert_one_line_error(proc, EXIT_OK, "'fr'")
    assert "both" in note


def test_unwritable_output_is_bad_input(tmp_path: Path) -> None:
    proc = run_align(tmp_path, "pair", FRENCH, ARABIC, "--src-lang", "fr", "--tgt-lang", "ar", "-o", tmp_path, fake=True)
    assert_one_line_error(proc, EXIT_INPUT, str(tmp_path), "cannot write")


def test_interrupt_exits_130_without_traceback(tmp_path: Path) -> None:
    started = tmp_path / "encoding"
    proc = start_align(tmp_path, "pair", FRENCH, ARABIC, "--src-lang", "fr", "--tgt-lang", "ar",
                       ALIGN_TEST_ENCODE_DELAY="5", ALIGN_TEST_ENCODE_STARTED=str(started))
    deadline = time.monotonic() + 60
    while not started.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)  # a loaded machine may take seconds to import; the encoder then sleeps for minutes
    assert started.exists(), proc.stderr.read() if proc.stderr else ""
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == EXIT_INTERRUPTED
    assert "Traceback" not in stderr and stderr.strip().splitlines()[-1] == "align: interrupted"


# -- big input ----------------------------------------------------------------------------


def test_fifty_megabyte_file_is_refused_by_its_size(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # sparse: the test writes nothing, align must not read it
        handle.truncate(50 * 2**20)
    assert big.stat().st_size > MAX_INPUT_BYTES
    proc = run_align(tmp_path, "pair", big, FRENCH)
    assert_one_line_error(proc, EXIT_INPUT, str(big), "50.0 MB", f"{MAX_INPUT_BYTES // 2**20} MB input limit")


def test_hundred_thousand_character_sentence_is_bounded(tmp_path: Path) -> None:
    """An unpunctuated 100,000-character run: cut into bounded sentences, aligned (facts too) in seconds."""
    words = " ".join(" ".join(FRENCH.read_text(encoding="utf-8").split()) for _ in range(40))
    source = "".join(c for c in words if c not in ".!?")[:100_000]
    (tmp_path / "long.txt").write_text(source, encoding="utf-8")
    started = time.monotonic()
    proc = run_align(tmp_path, "pair", "long.txt", FRENCH, "--src-lang", "fr", "--tgt-lang", "fr", "--format", "json", fake=True)
    assert proc.returncode == EXIT_OK, proc.stderr
    assert time.monotonic() - started < 60
    result = json.loads(proc.stdout)
    sentences = result["source"]["sentences"]
    assert len(sentences) >= len(source) // MAX_SENTENCE_CHARS
    assert all(len(s["text"]) <= MAX_SENTENCE_CHARS and source[s["start"] : s["end"]] == s["text"] for s in sentences)


# -- batch --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds and the small multilingual fixtures, in one folder."""
    folder = tmp_path_factory.mktemp("corpus")
    for path in [*SEEDS.glob("*.txt"), *(FIXTURES / "corpus").glob("*.txt")]:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def clean_run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, int], dict]:
    """Table counts and JSON result of one uninterrupted batch run over ``corpus``."""
    where = tmp_path_factory.mktemp("clean")
    proc = run_align(where, "batch", corpus, "--db", where / "corpus.db", "--format", "json", fake=True)
    assert proc.returncode == EXIT_OK, proc.stderr
    return table_counts(where / "corpus.db"), canonical(json.loads(proc.stdout))


def table_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return {table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in TABLES}


def canonical(result: dict) -> dict:
    """A batch result without what depends on the order things were stored in."""
    return {
        "documents": sorted((d["id"], Path(d["path"]).name, d["lang"]) for d in result["documents"]),
        "pairs": sorted((p["source"], p["target"], p["score"], p.get("facts")) for p in result["pairs"]),
        "unmatched": sorted(result["unmatched"]),
    }


def test_batch_skips_and_names_bad_files_and_exits_partial(tmp_path: Path, corpus: Path, clean_run) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(corpus, folder)
    (folder / "empty.txt").write_bytes(b"")
    _binary(folder / "binary.txt")
    _undecodable(folder / "garbled.txt")
    (folder / "feed.jsonl").write_text('{"text": "Un texte sans fin"\n{"id": 3}\n', encoding="utf-8")
    missing = tmp_path / "not-there"
    proc = run_align(tmp_path, "batch", folder, missing, "--db", tmp_path / "c.db", "--format", "json", fake=True)
    named = [folder / "empty.txt", folder / "binary.txt", folder / "garbled.txt", f"{folder / 'feed.jsonl'}:1",
             f"{folder / 'feed.jsonl'}:2", missing]
    assert_each_skipped_once(proc, EXIT_PARTIAL, named)
    result = json.loads(proc.stdout)
    assert len(result["skipped"]) == len(named)
    assert canonical(result) == clean_run[1]


def assert_each_skipped_once(proc: subprocess.CompletedProcess[str], code: int, named: list[object]) -> None:
    """The batch exit code, and one "skipped" line on stderr per bad input, nothing else."""
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == len(named)
    for path in named:
        assert sum(line.startswith(f"align: skipped {path}: ") for line in lines) == 1, (path, lines)


def wait_for_rows(db: Path, table: str, proc: subprocess.Popen[str], timeout: float = 120) -> None:
    """Poll (read-only) until the running batch has committed a row to ``table``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the batch finished before anything reached {table}: {proc.stderr.read()}"
        if db.exists():
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as connection:
                    if connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]:
                        return
            except sqlite3.OperationalError:
                pass  # schema not created yet, or a write in progress
        time.sleep(0.05)
    raise AssertionError(f"no row reached {table} in {timeout} s")


@pytest.mark.parametrize("stage", ["documents", "pair_scores"])
def test_batch_killed_then_rerun_loses_and_duplicates_nothing(tmp_path: Path, corpus: Path, clean_run, stage: str) -> None:
    """kill -9 while embedding (documents stored, vectors not) or while scoring/finding facts."""
    db = tmp_path / "corpus.db"
    proc = start_align(tmp_path, "batch", corpus, "--db", db, "--format", "json", ALIGN_TEST_ENCODE_DELAY=SLOW_ENCODE)
    try:
        wait_for_rows(db, stage, proc)
    finally:
        proc.kill()
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    interrupted = table_counts(db)
    assert interrupted != clean_run[0]  # the kill did land mid-way
    rerun = run_align(tmp_path, "batch", corpus, "--db", db, "--format", "json", fake=True)
    assert rerun.returncode == EXIT_OK, rerun.stderr
    assert table_counts(db) == clean_run[0]
    assert canonical(json.loads(rerun.stdout)) == clean_run[1]


def test_two_batches_on_one_db_wait_or_fail_clearly(tmp_path: Path, corpus: Path, clean_run) -> None:
    """A second run started while the first is writing waits for it (or says the corpus is in use)."""
    db = tmp_path / "corpus.db"
    first = start_align(tmp_path, "batch", corpus, "--db", db, "--format", "json", ALIGN_TEST_ENCODE_DELAY="0.005")
    wait_for_rows(db, "documents", first)
    second = start_align(tmp_path, "batch", corpus, "--db", db, "--format", "json")
    outcomes = [(proc, *proc.communicate(timeout=300)) for proc in (first, second)]
    assert first.returncode == EXIT_OK, outcomes[0][2]
    for proc, stdout, stderr in outcomes:
        assert "Traceback" not in stderr
        if proc.returncode == EXIT_OK:
            assert canonical(json.loads(stdout)) == clean_run[1]
        else:
            assert_one_line_error(subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr), EXIT_INPUT,
                                  "in use by another align batch run")
    assert table_counts(db) == clean_run[0]


NOTES = "these are my notes, not a corpus\n" * 100
NOT_A_DATABASE = {
    "text file": lambda path: path.write_text(NOTES, encoding="utf-8"),
    "directory": lambda path: (path.mkdir(), (path / "keep.txt").write_text(NOTES, encoding="utf-8")),
}


@pytest.mark.parametrize("kind", NOT_A_DATABASE)
def test_batch_db_that_is_not_a_database_is_bad_input(tmp_path: Path, corpus: Path, kind: str) -> None:
    db = tmp_path / "notes.db"
    NOT_A_DATABASE[kind](db)
    before = sorted(p.name for p in tmp_path.iterdir())
    proc = run_align(tmp_path, "batch", corpus, "--db", db, fake=True)
    assert_one_line_error(proc, EXIT_INPUT, str(db), "batch database")
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no notes.db.lock, no indices
    assert (db if kind == "text file" else db / "keep.txt").read_text(encoding="utf-8") == NOTES
    if kind == "directory":
        assert [p.name for p in db.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize("contents", [[], ["scan.pdf", "notes.docx"]], ids=["empty folder", "no supported files"])
def test_batch_without_reports_is_bad_input(tmp_path: Path, contents: list[str]) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in contents:
        (folder / name).write_text(NOTES, encoding="utf-8")
    proc = run_align(tmp_path, "batch", folder, "--db", tmp_path / "c.db", fake=True)
    assert_one_line_error(proc, EXIT_INPUT, "no reports found", str(folder))
    assert proc.stdout == ""
    assert not (tmp_path / "c.db").exists()


def test_batch_where_every_input_is_bad_is_bad_input(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    _binary(folder / "binary.txt")
    (folder / "feed.jsonl").write_text('{"id": 3}\n', encoding="utf-8")
    missing = tmp_path / "not-there"
    proc = run_align(tmp_path, "batch", folder, missing, "--db", tmp_path / "c.db", "--format", "json", fake=True)
    assert_each_skipped_once(proc, EXIT_INPUT, [folder / "binary.txt", folder / "empty.txt", f"{folder / 'feed.jsonl'}:1", missing])
    assert json.loads(proc.stdout)["documents"] == []
