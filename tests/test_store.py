"""The corpus store on the seeds: round trips, atomic writes, stale indices, the run lock."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from align.errors import InputError
from align.match import Match, PairScore
from align.pipeline import load
from align.store import CorpusLockedError, Store, content_hash
from align.types import Bead

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def seed_docs():
    return [load(path) for path in sorted(SEEDS.glob("*.txt"))]


def fake_vectors(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rows = np.random.default_rng(seed).normal(size=(n, 16)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    mean = rows.mean(axis=0)
    return rows, mean / np.linalg.norm(mean)


def test_document_round_trip_keeps_text_sentences_and_offsets(tmp_path, seed_docs):
    doc = seed_docs[2]
    with Store(tmp_path / "c.db") as store:
        key = store.add_document(doc, "ar-002", content_hash(doc.text))
        assert store.find_document(content_hash(doc.text)) == key
        back = store.load_document(key)
    assert back.text == doc.text and back.lang == doc.lang == "ar"
    assert back.sentences == doc.sentences
    assert back.blocks == doc.blocks and back.furniture == doc.furniture
    assert list(Store(tmp_path / "c.db").sentence_lengths(key)) == [s.end - s.start for s in doc.sentences]


def test_same_content_is_one_document(tmp_path, seed_docs):
    doc = seed_docs[1]
    with Store(tmp_path / "c.db") as store:
        store.add_document(doc, "first", content_hash(doc.text))
        with pytest.raises(sqlite3.IntegrityError):
            store.add_document(doc, "second", content_hash(doc.text))
        assert [d.doc_id for d in store.documents()] == ["first"]


def test_scores_and_scored_flag_commit_together(tmp_path, seed_docs):
    with Store(tmp_path / "c.db") as store:
        keys = [store.add_document(d, f"d{i}", content_hash(d.text)) for i, d in enumerate(seed_docs[:3])]
        for n, key in enumerate(keys):
            store.save_embeddings(key, "enc", *fake_vectors(len(seed_docs[n].sentences), n))
        assert store.unscored("enc") == keys
        beads = (Bead((0,), (0, 1), 0.7), Bead((), (2,), 0.0))
        store.save_scores(keys[1], "enc", [(keys[1], keys[2], PairScore(0.8, 0.7, 0.9, 1, beads))])
        assert store.unscored("enc") == [keys[0], keys[2]]
        assert store.beads(keys[1], keys[2], "enc") == list(beads)
        # A failing write leaves neither the scores nor the flag behind.
        with pytest.raises(sqlite3.IntegrityError):
            store.save_scores(keys[0], "enc", [(keys[0], 999, PairScore(0.1, 0.1, 0.1, 0, ()))])
        assert store.unscored("enc") == [keys[0], keys[2]]
        assert [(m.source, m.target) for m in store.scored_pairs("enc")] == [(keys[1], keys[2])]


def test_matches_are_replaced_as_a_whole(tmp_path, seed_docs):
    with Store(tmp_path / "c.db") as store:
        a, b, c = (store.add_document(d, f"d{i}", content_hash(d.text)) for i, d in enumerate(seed_docs[:3]))
        store.replace_matches("enc", [Match(a, b, 0.9)])
        store.replace_matches("enc", [Match(a, c, 0.8), Match(b, c, 0.7)])
        assert store.matches("enc") == [Match(a, c, 0.8), Match(b, c, 0.7)]


def test_stale_index_is_rebuilt_from_sqlite(tmp_path, seed_docs):
    with Store(tmp_path / "c.db") as store:
        fr = [d for d in seed_docs if d.lang == "fr"]
        keys = [store.add_document(d, f"d{i}", content_hash(d.text)) for i, d in enumerate(fr)]
        for n, key in enumerate(keys[:2]):
            store.save_embeddings(key, "enc", *fake_vectors(3, n))
        assert len(store.load_index("enc", "fr")) == 2
        # Embedded after the index was written (as after a crash): the index must catch up.
        store.save_embeddings(keys[2], "enc", *fake_vectors(3, 2))
        index = store.load_index("enc", "fr")
        assert sorted(index.vectors()[1]) == keys[:3]
        _, found = index.search(fake_vectors(3, 2)[1][None, :], 1)
        assert found[0, 0] == keys[2]


def test_second_run_on_the_same_corpus_fails_clearly(tmp_path):
    with Store(tmp_path / "c.db"), pytest.raises(CorpusLockedError, match="in use by another align batch"):
        Store(tmp_path / "c.db", lock_timeout=0.2)
    Store(tmp_path / "c.db", lock_timeout=0.2).close()  # free again once the first is done


MARKUP = [Path(__file__).resolve().parent / "fixtures" / "ingest" / name for name in ("article.html", "report.md")]


def source_spans(doc) -> list[tuple[int, int]]:
    return [doc.source_span(s.start, s.end) for s in doc.sentences]


@pytest.mark.parametrize("path", MARKUP, ids=lambda p: p.name)
def test_markup_document_keeps_its_offsets_into_the_input_file(tmp_path, path):
    doc = load(path)
    assert doc.source_offsets is not None  # HTML and Markdown: text is extracted from the file
    with Store(tmp_path / "c.db") as store:
        back = store.load_document(store.add_document(doc, "d", content_hash(doc.text)))
    assert back.source_offsets == doc.source_offsets and back.source_ends == doc.source_ends
    original = path.read_text(encoding="utf-8")
    assert source_spans(back) == source_spans(doc)
    assert source_spans(back) != [(s.start, s.end) for s in back.sentences]  # not the identity
    assert all(original[a:b] for a, b in source_spans(back))


def test_database_without_offset_columns_is_upgraded_on_open(tmp_path, seed_docs):
    """A corpus written before the offset columns existed still opens, reads and takes markup."""
    db = tmp_path / "c.db"
    with Store(db) as store:
        old = store.add_document(seed_docs[0], "old", content_hash(seed_docs[0].text))
    with sqlite3.connect(db) as connection:
        connection.execute("ALTER TABLE documents DROP COLUMN source_offsets")
        connection.execute("ALTER TABLE documents DROP COLUMN source_ends")
    markup = load(MARKUP[0])
    with Store(db) as store:
        assert store.load_document(old).sentences == seed_docs[0].sentences
        assert store.load_document(old).source_offsets is None  # plain text: identity
        back = store.load_document(store.add_document(markup, "new", content_hash(markup.text)))
    assert source_spans(back) == source_spans(markup)


@pytest.mark.parametrize("kind", ["text file", "directory"])
def test_path_that_is_not_a_database_is_refused_without_a_lock_file(tmp_path, kind):
    db = tmp_path / "notes.db"
    if kind == "directory":
        db.mkdir()
    else:
        db.write_text("not a corpus\n", encoding="utf-8")
    with pytest.raises(InputError, match="batch database"):
        Store(db)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]
