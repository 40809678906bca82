"""``align batch`` end to end on the seeds: matching, incremental runs, inputs, the JSON contract.

Seeds 001 (fr) and 002 (ar) report the same meeting; 000, 003 and 004 (fr) have no
counterpart. Runs use the real default encoder (offline) on these five short reports.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from rich.console import Console

from align.batch import (
    ID_LENGTH,
    BatchResult,
    render_batch_json,
    render_batch_text,
    run_batch,
)
from align.errors import InputError
from align.pipeline import load
from align.store import Store, content_hash
from embeddings import load_encoder

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "batch"
INGEST = FIXTURES.parent / "ingest"

CONTRACT = {
    "type": "object",
    "required": ["documents", "pairs", "unmatched"],
    "properties": {
        "documents": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "path", "lang"],
                "properties": {"id": {"type": "string"}, "lang": {"type": "string"}},
            },
        },
        "pairs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["source", "target", "score"],
                "properties": {"score": {"type": "number"}, "facts": {"type": "integer"}},
            },
        },
        "unmatched": {"type": "array", "items": {"type": "string"}},
    },
}


def by_seed_number(result: BatchResult) -> tuple[set[frozenset[str]], set[str]]:
    """Matched pairs and unmatched documents, named by seed number (000..004)."""
    number = {d.doc_id: Path(d.path).name[:3] for d in result.documents}
    pairs = {frozenset((number[p.source], number[p.target])) for p in result.pairs}
    return pairs, {number[i] for i in result.unmatched}


@pytest.fixture(scope="module")
def once(tmp_path_factory) -> tuple[Path, BatchResult]:
    db = tmp_path_factory.mktemp("once") / "corpus.db"
    result = run_batch([str(SEEDS), str(FIXTURES / "corrupt.txt")], str(db), progress=False)
    return db, result


def test_seeds_match_exactly_001_and_002(once):
    _, result = once
    pairs, unmatched = by_seed_number(result)
    assert pairs == {frozenset({"001", "002"})}
    assert unmatched == {"000", "003", "004"}
    assert {d.lang for d in result.documents} == {"fr", "ar"}


def test_corrupt_file_is_skipped_and_named(once):
    _, result = once
    assert [Path(s.path).name for s in result.skipped] == ["corrupt.txt"]
    assert len(result.documents) == 5


def test_json_follows_the_contract_with_fact_counts(once):
    _, result = once
    payload = json.loads(render_batch_json(result))
    jsonschema.validate(payload, CONTRACT)
    ids = {d["id"] for d in payload["documents"]}
    (pair,) = payload["pairs"]
    assert {pair["source"], pair["target"]} <= ids
    assert isinstance(pair["facts"], int)
    assert set(payload["unmatched"]) | {pair["source"], pair["target"]} == ids


def test_text_summary_names_the_pair_and_the_unmatched(once):
    _, result = once
    console = Console(record=True, width=200)
    render_batch_text(result, console)
    text = console.export_text()
    for doc in result.documents:
        assert doc.doc_id in text
    assert "Unmatched (3)" in text


def test_rerun_is_idempotent(once):
    db, first = once
    again = run_batch([str(SEEDS)], str(db), progress=False)
    assert again.new == [] and again.pairs_scored == 0
    assert again.pairs == first.pairs
    assert [d.doc_id for d in again.documents] == [d.doc_id for d in first.documents]


def test_later_run_scores_only_the_new_report(tmp_path):
    early = tmp_path / "early"
    early.mkdir()
    for file in SEEDS.glob("*.txt"):
        if not file.name.startswith("002"):
            shutil.copy(file, early)
    db = tmp_path / "corpus.db"
    first = run_batch([str(early)], str(db), progress=False, facts=False)
    assert first.pairs == [] and len(first.unmatched) == 4

    later = run_batch([str(SEEDS)], str(db), progress=False, facts=False)
    (new_id,) = later.new
    assert Path(next(d.path for d in later.documents if d.doc_id == new_id)).name.startswith("002")
    pairs, unmatched = by_seed_number(later)
    assert pairs == {frozenset({"001", "002"})}
    assert unmatched == {"000", "003", "004"}
    with Store(db) as store:
        new_key = next(d.key for d in store.documents() if d.doc_id == new_id)
        scored = store.scored_pairs(load_encoder(None, cache_dir=False).name)
    assert scored and all(new_key in (m.source, m.target) for m in scored)


def test_jsonl_reports_with_ids_and_bad_lines_named(tmp_path):
    texts = {name[:3]: (SEEDS / name).read_text(encoding="utf-8") for name in (p.name for p in SEEDS.glob("*.txt"))}
    reports = tmp_path / "reports.jsonl"
    records = [
        {"id": "fr-libya", "text": texts["001"], "lang": "fr", "path": "wire/001.txt"},
        {"id": "ar-libya", "text": texts["002"]},
        {"text": texts["003"]},
    ]
    reports.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    result = run_batch([str(reports), str(FIXTURES / "malformed.jsonl")], str(tmp_path / "c.db"), progress=False, facts=False)

    assert [(p.source, p.target) for p in result.pairs] == [("ar-libya", "fr-libya")]
    docs = {d.doc_id: d for d in result.documents}
    assert docs["fr-libya"].path == "wire/001.txt"
    assert docs["ar-libya"].path == f"{reports}:2" and docs["ar-libya"].lang == "ar"
    assert result.unmatched == [content_hash(texts["003"])[:ID_LENGTH]]  # no "id": the content hash
    skipped = sorted(s.path for s in result.skipped)
    assert skipped == [f"{FIXTURES / 'malformed.jsonl'}:{n}" for n in (1, 2, 3)]


def test_interrupted_run_completes_on_rerun(tmp_path, monkeypatch, once):
    _, clean = once
    db = tmp_path / "corpus.db"
    real_save = Store.save_scores
    calls = []

    def save_then_die(self, *args, **kwargs):
        if calls:
            raise KeyboardInterrupt  # the run dies after one document was scored
        calls.append(1)
        real_save(self, *args, **kwargs)

    monkeypatch.setattr(Store, "save_scores", save_then_die)
    with pytest.raises(KeyboardInterrupt):
        run_batch([str(SEEDS)], str(db), progress=False, facts=False)
    monkeypatch.setattr(Store, "save_scores", real_save)

    resumed = run_batch([str(SEEDS)], str(db), progress=False, facts=False)
    assert resumed.new == []  # embeddings survived the interruption
    assert by_seed_number(resumed) == by_seed_number(clean)


def test_same_report_twice_in_one_run_is_one_document(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for file in SEEDS.glob("00[12]*.txt"):
        shutil.copy(file, folder / file.name)
    shutil.copy(next(SEEDS.glob("001*.txt")), folder / "copy-of-001.txt")
    result = run_batch([str(folder)], str(tmp_path / "c.db"), progress=False, facts=False)
    assert len(result.documents) == len(result.new) == 2
    assert len(result.pairs) == 1 and result.unmatched == []


def test_stored_markup_reports_keep_their_offsets_into_the_input_files(tmp_path):
    """A report read back from the corpus points into its HTML or Markdown file as a fresh ingest does."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("article.html", "report.md"):
        shutil.copy(INGEST / name, folder / name)
    db = tmp_path / "c.db"
    result = run_batch([str(folder)], str(db), progress=False, facts=False)
    assert len(result.documents) == 2 and not result.skipped
    with Store(db) as store:
        for stored in store.documents():
            back, fresh = store.load_document(stored.key), load(stored.path)
            spans = [back.source_span(s.start, s.end) for s in back.sentences]
            assert spans == [fresh.source_span(s.start, s.end) for s in fresh.sentences]
            assert spans != [(s.start, s.end) for s in back.sentences]  # really mapped, not the identity


def test_folder_without_reports_is_bad_input(tmp_path):
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4")
    with pytest.raises(InputError, match="no reports found"):
        run_batch([str(tmp_path)], str(tmp_path / "c.db"), progress=False)
    assert not (tmp_path / "c.db").exists()
