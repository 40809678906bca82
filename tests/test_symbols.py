"""Reading what sentences state (numbers, dates, names) beside the encoder, in a child process."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import align.symbols
import embeddings.encoder
from align.pipeline import load, prepare
from align.symbols import BESIDE_MIN_SENTENCES, read_beside, read_symbols
from align.types import Document
from embeddings.encoder import encoding_threads

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def long_report(name: str, lang: str) -> Document:
    """A seed's sentences, one a line, repeated until reading them is worth a process."""
    sentences = [s.text for s in load(SEEDS / name).sentences]
    copies = BESIDE_MIN_SENTENCES // len(sentences) + 1
    return prepare("\n".join(sentences * copies) + "\n", lang=lang, presegmented=True)


def test_seed_symbols_state_the_meetings_names_and_dates() -> None:
    arabic = read_symbols(load(SEEDS / "002_cd5cc42a566c1068.txt"))
    assert any(atom.kind == "date" for atoms in arabic.atoms for atom in atoms)
    assert any(key.startswith("name:") for keys in arabic.keys for key in keys)
    assert len(arabic.keys) == len(arabic.profiles) == len(arabic.atoms)


def test_symbols_read_in_a_child_equal_those_read_here(monkeypatch: pytest.MonkeyPatch) -> None:
    if not align.symbols.sys.platform.startswith("linux"):
        pytest.skip("the child process is only forked on Linux")
    french = long_report("001_b786fb708fc180cb.txt", "fr")
    arabic = long_report("002_cd5cc42a566c1068.txt", "ar")
    # Two cores even on a one-core runner, and a child slow enough to be seen at work.
    for module in (align.symbols, embeddings.encoder):
        monkeypatch.setattr(module, "available_cores", lambda: 2)
    real_read = align.symbols.read_symbols

    def slowly(doc: Document) -> align.symbols.Symbols:
        time.sleep(0.5)
        return real_read(doc)

    monkeypatch.setattr(align.symbols, "read_symbols", slowly)
    with read_beside([french, arabic]) as read:
        assert encoding_threads() == 1  # the encoder leaves the child its core
    assert encoding_threads() == 2
    assert read() == [real_read(french), real_read(arabic)]


def test_a_child_that_dies_leaves_the_reading_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    if not align.symbols.sys.platform.startswith("linux"):
        pytest.skip("the child process is only forked on Linux")
    french = long_report("001_b786fb708fc180cb.txt", "fr")
    for module in (align.symbols, embeddings.encoder):
        monkeypatch.setattr(module, "available_cores", lambda: 2)
    parent, real_read = os.getpid(), align.symbols.read_symbols

    def dies_in_the_child(doc: Document) -> align.symbols.Symbols:
        if os.getpid() != parent:
            os._exit(1)
        return real_read(doc)

    monkeypatch.setattr(align.symbols, "read_symbols", dies_in_the_child)
    with read_beside([french]) as read:
        pass
    assert read() == [real_read(french)]


def test_no_process_to_start_leaves_the_reading_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    french = long_report("001_b786fb708fc180cb.txt", "fr")
    for module in (align.symbols, embeddings.encoder):
        monkeypatch.setattr(module, "available_cores", lambda: 2)

    def no_semaphores(*args: object, **kwargs: object) -> None:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(align.symbols, "ProcessPoolExecutor", no_semaphores)
    with read_beside([french]) as read:
        assert encoding_threads() == 2  # nothing runs beside the encoder
    assert read() == [read_symbols(french)]
