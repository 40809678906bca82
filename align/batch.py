"""``align batch``: match new reports against a stored corpus and align the matched pairs.

The stages are pure functions over shards of documents, so that a distributed engine
could run them as they are; only :func:`run_batch` touches the store:

    list_inputs      paths -> input items (files, one item per JSONL line)
    read_shard       input items -> their texts (files read; the unreadable skipped, with why)
    ingest_shard     texts new to the corpus -> prepared documents (+ the ones skipped)
    embed_shard      documents -> sentence vectors and document vectors
    find_candidates  document vectors + per-language indices -> candidate pairs
    score_shard      candidate pairs + vectors -> pair scores (sentence alignment)
    resolve          (align.match.resolve_one_to_one) all pair scores -> matches

A run embeds only documents whose content is new to the corpus, scores only the
documents not yet scored, then re-decides the one-to-one matches over every stored
pair score, so the outcome does not depend on which run a report arrived in.

JSONL input: one report per line, a JSON object with ``"text"`` (required) and
optionally ``"id"`` (kept as the document id), ``"lang"`` (ISO 639-1, skips language
identification), ``"path"`` (where the report came from; default ``FILE.jsonl:LINE``)
and ``"format"`` (``text``, ``markdown`` or ``html``; default ``text``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from threadpoolctl import threadpool_limits

from align.anchors import document_keys
from align.errors import AlignError, InputError
from align.ingest import guess_format, read_text
from align.match import (
    CANDIDATES,
    UNALIGNED,
    Background,
    Match,
    PairScore,
    Side,
    background,
    could_match,
    document_vector,
    orient,
    resolve_one_to_one,
    score_alignment,
)
from align.pipeline import (
    align_embedded,
    check_language,
    embed_many,
    one_sided,
    prepare,
)
from align.store import Store, StoredDocument, content_hash
from align.symbols import Symbols, read_symbols
from align.types import Document
from embeddings import Encoder, VectorIndex, load_encoder

log = logging.getLogger(__name__)

REPORT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml"})
JSONL_SUFFIX = ".jsonl"
ID_LENGTH = 12  # hex digits of the content hash used as a document id
EMBED_SHARD = 32  # documents per encoder call: big batches are what make encoders fast


@dataclass(frozen=True)
class InputItem:
    """One report to read: a file, or one JSONL record already parsed."""

    path: str
    text: str | None = None  # None: read the file at ``path``
    doc_id: str | None = None
    lang: str | None = None
    fmt: str | None = None


@dataclass(frozen=True)
class Skipped:
    """An input that could not be used, and why (the CLI names it on stderr)."""

    path: str
    reason: str


@dataclass(frozen=True)
class Prepared:
    """A segmented document with its identity in the corpus."""

    doc: Document
    doc_id: str
    digest: str


@dataclass(frozen=True)
class PairEntry:
    """A matched pair as reported (ids are document ids)."""

    source: str
    target: str
    score: float
    source_coverage: float
    target_coverage: float
    facts: int | None


@dataclass
class BatchResult:
    """The corpus after a run: every document, the matches, what stayed unmatched."""

    documents: list[StoredDocument]
    pairs: list[PairEntry]
    unmatched: list[str]
    skipped: list[Skipped] = field(default_factory=list)
    new: list[str] = field(default_factory=list)  # ids of documents this run embedded
    pairs_scored: int = 0  # candidate pairs this run scored
    pairs_aligned: int = 0  # of which passed the prefilter and were sentence-aligned
    inputs: int = 0  # reports given (files and JSONL records), the skipped ones included

    @property
    def all_skipped(self) -> bool:
        """Every input was bad, so the run added nothing: bad input, not a partial run."""
        return bool(self.skipped) and len(self.skipped) >= self.inputs


# -- stages ------------------------------------------------------------------------------


def list_inputs(paths: Sequence[str]) -> tuple[list[InputItem], list[Skipped]]:
    """Expand folders (recursively, sorted) and JSONL files into input items."""
    items: list[InputItem] = []
    skipped: list[Skipped] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES | {JSONL_SUFFIX})
        elif path.exists():
            files = [path]
        else:
            skipped.append(Skipped(raw, "no such file or folder"))
            continue
        for file in files:
            if file.suffix.lower() == JSONL_SUFFIX:
                records, bad = _jsonl_items(file)
                items.extend(records)
                skipped.extend(bad)
            else:
                items.append(InputItem(str(file)))
    return items, skipped


def _jsonl_items(file: Path) -> tuple[list[InputItem], list[Skipped]]:
    items: list[InputItem] = []
    skipped: list[Skipped] = []
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        return [], [Skipped(str(file), f"cannot read JSONL: {err}")]
    for number, line in enumerate(lines, start=1):
        where = f"{file}:{number}"
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            skipped.append(Skipped(where, f"not JSON: {err.msg}"))
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            skipped.append(Skipped(where, 'a JSONL record needs a "text" string'))
            continue
        fields = {name: record.get(name) for name in ("id", "lang", "path", "format")}
        if any(value is not None and not isinstance(value, str) for value in fields.values()):
            skipped.append(Skipped(where, '"id", "lang", "path" and "format" must be strings'))
            continue
        items.append(InputItem(fields["path"] or where, record["text"], fields["id"], fields["lang"], fields["format"]))
    return items, skipped


def read_shard(items: Sequence[InputItem]) -> tuple[list[InputItem], list[Skipped]]:
    """Give every item its text and format (reading files); unreadable files are skipped."""
    read: list[InputItem] = []
    skipped: list[Skipped] = []
    for item in items:
        if item.text is not None:
            read.append(item)
            continue
        try:
            text = read_text(item.path)
        except AlignError as err:
            skipped.append(Skipped(item.path, str(err)))
            continue
        read.append(replace(item, text=text, fmt=item.fmt or guess_format(item.path, text)))
    return read, skipped


def ingest_shard(items: Sequence[InputItem]) -> tuple[list[Prepared], list[Skipped]]:
    """Clean, identify and segment each read item; bad inputs are skipped, not fatal.

    A document's identity is the hash of its input text, so a report seen before is
    recognised before this (costlier) stage.
    """
    prepared: list[Prepared] = []
    skipped: list[Skipped] = []
    for item in items:
        try:
            doc = prepare(item.text or "", path=item.path, lang=item.lang, fmt=item.fmt or "text")
        except AlignError as err:
            skipped.append(Skipped(item.path, str(err)))
            continue
        if not doc.sentences:
            skipped.append(Skipped(item.path, "no sentences to align"))
            continue
        digest = content_hash(item.text or "")
        prepared.append(Prepared(doc, item.doc_id or digest[:ID_LENGTH], digest))
    return prepared, skipped


def embed_shard(docs: Sequence[Document], encoder: Encoder) -> list[tuple[np.ndarray, np.ndarray]]:
    """(sentence vectors, document vector) of each document, in one encoder call."""
    return [(vectors, document_vector(vectors)) for vectors in embed_many(docs, encoder)]


def find_candidates(
    queries: Mapping[int, tuple[str, np.ndarray]], indices: Mapping[str, VectorIndex], k: int = CANDIDATES
) -> dict[int, dict[str, list[int]]]:
    """For each query document (key -> (lang, document vector)): its nearest documents in
    every *other* language, best first."""
    out: dict[int, dict[str, list[int]]] = {key: {} for key in queries}
    for lang, index in indices.items():
        keys = [key for key, (query_lang, _) in queries.items() if query_lang != lang]
        if not keys:
            continue
        _, ids = index.search(np.stack([queries[key][1] for key in keys]), k)
        for key, row in zip(keys, ids):
            out[key][lang] = [int(i) for i in row if i >= 0]
    return out


@dataclass(frozen=True)
class Embedded:
    """What scoring needs of one document."""

    doc: Document
    vectors: np.ndarray
    lengths: np.ndarray

    @cached_property
    def keys(self) -> list[frozenset[str]]:
        """The sentences' anchor keys, all that aligning needs: read once for every pair the document is in."""
        return document_keys(self.doc)

    @cached_property
    def symbols(self) -> Symbols:
        """What the sentences state, for the one-sided facts of the document's matches."""
        return read_symbols(self.doc)


def score_shard(
    pairs: Sequence[tuple[int, int]],
    embedded: Mapping[int, Embedded],
    backgrounds: Mapping[tuple[int, str], Background],
) -> list[tuple[int, int, PairScore]]:
    """Sentence-align each (source, target) pair and score how much of it is translated
    (pairs that cannot reach the threshold are ruled out before aligning).

    ``backgrounds[(key, lang)]`` is what report ``key``'s margins are measured against
    in ``lang`` (see :class:`align.match.Background`).
    """
    out = []
    for source, target in pairs:
        s, t = embedded[source], embedded[target]
        s_side = Side(s.vectors, s.lengths, backgrounds[source, t.doc.lang])
        t_side = Side(t.vectors, t.lengths, backgrounds[target, s.doc.lang])
        if could_match(s_side, t_side):
            beads = align_embedded(s.doc, t.doc, s.vectors, t.vectors, (s.keys, t.keys))
            out.append((source, target, score_alignment(beads, s_side, t_side)))
        else:
            out.append((source, target, UNALIGNED))
    return out


# -- the run (store at the edges) ---------------------------------------------------------


def run_batch(
    paths: list[str], db_path: str, *, model: str | None = None, progress: bool = True, facts: bool = True
) -> BatchResult:
    """Add the reports under ``paths`` to the corpus in ``db_path``, match and align them.

    ``facts=False`` skips looking for one-sided facts (the costly part on a large first
    batch); a later run with facts on fills them in for every match that lacks them.
    Paths holding no report at all (an empty folder, only unsupported files) are bad
    input: they raise before the encoder is loaded or the corpus is opened.
    """
    items, skipped = list_inputs(paths)
    if not items and not skipped:
        suffixes = ", ".join(sorted(REPORT_SUFFIXES | {JSONL_SUFFIX}))
        raise InputError(f"no reports found in {', '.join(paths)} (looking for {suffixes} files)")
    encoder = load_encoder(model, cache_dir=False)
    with Store(db_path) as store, _progress(progress) as bar:
        inputs = len(items) + len(skipped)
        new_ids = _add_documents(store, items, encoder, skipped, bar)
        indices = {lang: index for lang in store.embedded_languages(encoder.name) if (index := store.load_index(encoder.name, lang))}
        # Scoring multiplies small matrices: BLAS threads cost more than they save there,
        # and on a shared machine they spin against other processes.
        with threadpool_limits(limits=1, user_api="blas"):
            scored, aligned = _score_pending(store, encoder.name, indices, bar)
        languages = store.languages()
        store.replace_matches(encoder.name, resolve_one_to_one(store.scored_pairs(encoder.name), languages))
        if facts:
            _add_facts(store, encoder, bar)
        return _result(store, encoder.name, skipped, new_ids, scored, aligned, inputs)


def _add_documents(store: Store, items: Sequence[InputItem], encoder: Encoder, skipped: list[Skipped], bar: Progress) -> list[str]:
    """Ingest and embed whatever is not in the corpus yet; one commit per document."""
    task = bar.add_task("Reading and embedding", total=len(items))
    new_ids: list[str] = []
    for start in range(0, len(items), EMBED_SHARD):
        shard = items[start : start + EMBED_SHARD]
        read, unreadable = read_shard(shard)
        prepared, bad = ingest_shard(_unseen(store, read, encoder.name))
        skipped.extend(unreadable + bad)
        todo: list[tuple[int, Prepared]] = []
        for item in prepared:
            key = store.find_document(item.digest)
            if key is None:
                if store.id_taken(item.doc_id):
                    skipped.append(Skipped(item.doc.path or item.doc_id, f"id {item.doc_id!r} is already used by another document"))
                    continue
                try:
                    check_language(item.doc, encoder)
                except AlignError as err:
                    skipped.append(Skipped(item.doc.path or item.doc_id, str(err)))
                    continue
                key = store.add_document(item.doc, item.doc_id, item.digest)
            todo.append((key, item))
        for (key, item), (vectors, doc_vector) in zip(todo, embed_shard([p.doc for _, p in todo], encoder) if todo else []):
            store.save_embeddings(key, encoder.name, vectors, doc_vector)
            new_ids.append(item.doc_id)
        bar.advance(task, len(shard))
    log.info("embedded %d new documents, skipped %d inputs", len(new_ids), len(skipped))
    return new_ids


def _unseen(store: Store, items: Sequence[InputItem], encoder: str) -> list[InputItem]:
    """Items whose text is not yet in the corpus with vectors (first occurrence only)."""
    fresh: dict[str, InputItem] = {}
    for item in items:
        digest = content_hash(item.text or "")
        key = store.find_document(digest)
        if digest not in fresh and (key is None or not store.has_embeddings(key, encoder)):
            fresh[digest] = item
    return list(fresh.values())


def _score_pending(store: Store, encoder: str, indices: Mapping[str, VectorIndex], bar: Progress) -> tuple[int, int]:
    """Score every unscored document against the corpus; one commit per document.

    Returns (candidate pairs scored, pairs sentence-aligned).
    """
    pending = store.unscored(encoder)
    if not pending:
        return 0, 0
    languages = store.languages()
    done = {(m.source, m.target) for m in store.scored_pairs(encoder)}
    cache = _EmbeddedCache(store, encoder)
    backgrounds = _Backgrounds(cache, indices)
    queries = {key: (languages[key], document_vector(cache[key].vectors)) for key in pending}
    candidates = find_candidates(queries, indices)
    task = bar.add_task("Matching", total=len(pending))
    computed = aligned = 0
    for key in pending:
        pairs = sorted(
            {orient(key, languages[key], other, languages[other]) for found in candidates[key].values() for other in found}
            - done
        )
        scores = score_shard(pairs, cache, backgrounds.for_pairs(pairs, languages))
        store.save_scores(key, encoder, scores)
        done.update(pairs)
        computed += len(pairs)
        aligned += sum(1 for *_, score in scores if score.beads)
        bar.advance(task)
    log.info("scored %d candidate pairs (%d aligned) for %d documents", computed, aligned, len(pending))
    return computed, aligned


class _EmbeddedCache(dict):
    """Documents and vectors read from the store on first use, kept for the run."""

    def __init__(self, store: Store, encoder: str) -> None:
        super().__init__()
        self._store = store
        self._encoder = encoder

    def __missing__(self, key: int) -> Embedded:
        doc = self._store.load_document(key)
        vectors = self._store.sentence_vectors([key], self._encoder)[key]
        value = Embedded(doc, vectors, self._store.sentence_lengths(key))
        self[key] = value
        return value


class _Backgrounds:
    """Margin backgrounds per (document, other language), built from the document's
    nearest reports in that language. The nearest reports and the sentence backgrounds
    are kept for the run; the pools themselves are rebuilt when needed (they are large)."""

    def __init__(self, cache: _EmbeddedCache, indices: Mapping[str, VectorIndex]) -> None:
        self._cache = cache
        self._indices = indices
        self._known: dict[tuple[int, str], tuple[list[int], np.ndarray]] = {}

    def for_pairs(self, pairs: Sequence[tuple[int, int]], languages: Mapping[int, str]) -> dict[tuple[int, str], Background]:
        needed = {(s, languages[t]) for s, t in pairs} | {(t, languages[s]) for s, t in pairs}
        return {need: self._get(*need) for need in needed}

    def _get(self, key: int, lang: str) -> Background:
        if (key, lang) in self._known:
            nearest, sentences = self._known[key, lang]
            return Background(self._pool(nearest), sentences)
        vectors = self._cache[key].vectors
        _, ids = self._indices[lang].search(document_vector(vectors)[None, :], CANDIDATES)
        nearest = [int(i) for i in ids[0] if i >= 0]
        found = background(vectors, self._pool(nearest))
        self._known[key, lang] = (nearest, found.sentences)
        return found

    def _pool(self, keys: Sequence[int]) -> np.ndarray:
        return np.concatenate([self._cache[k].vectors for k in keys])


def _add_facts(store: Store, encoder: Encoder, bar: Progress) -> None:
    """One-sided facts of every match that has none stored yet."""
    todo = [m for m in store.matches(encoder.name) if store.fact_count(m.source, m.target, encoder.name) is None]
    if not todo:
        return
    cache = _EmbeddedCache(store, encoder.name)
    task = bar.add_task("Finding one-sided facts", total=len(todo))
    for match in todo:
        s, t = cache[match.source], cache[match.target]
        beads = store.beads(match.source, match.target, encoder.name)
        facts, _ = one_sided(s.doc, t.doc, beads, encoder, s.vectors, t.vectors, (s.symbols, t.symbols))
        store.save_facts(match.source, match.target, encoder.name, facts)
        bar.advance(task)


def _result(
    store: Store, encoder: str, skipped: list[Skipped], new_ids: list[str], scored: int, aligned: int, inputs: int
) -> BatchResult:
    documents = store.documents()
    ids = {doc.key: doc.doc_id for doc in documents}
    matches: list[Match] = store.matches(encoder)
    pairs = []
    for match in matches:
        coverage = store.coverage(match.source, match.target, encoder)
        pairs.append(
            PairEntry(
                ids[match.source],
                ids[match.target],
                match.score,
                *coverage,
                store.fact_count(match.source, match.target, encoder),
            )
        )
    matched = {m.source for m in matches} | {m.target for m in matches}
    unmatched = [doc.doc_id for doc in documents if doc.key not in matched]
    return BatchResult(documents, pairs, unmatched, skipped, new_ids, scored, aligned, inputs)


# -- output ---------------------------------------------------------------------------------


def render_batch_json(result: BatchResult) -> str:
    """The JSON contract: documents, pairs (with coverage and fact counts), unmatched, skipped."""
    payload = {
        "documents": [{"id": d.doc_id, "path": d.path, "lang": d.lang} for d in result.documents],
        "pairs": [
            {
                "source": p.source,
                "target": p.target,
                "score": p.score,
                "source_coverage": p.source_coverage,
                "target_coverage": p.target_coverage,
                **({"facts": p.facts} if p.facts is not None else {}),
            }
            for p in result.pairs
        ],
        "unmatched": result.unmatched,
        "skipped": [{"path": s.path, "reason": s.reason} for s in result.skipped],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def render_batch_text(result: BatchResult, console: Console) -> None:
    """A summary table of the matched pairs, then the unmatched reports."""
    docs = {d.doc_id: d for d in result.documents}
    table = Table(title="Matched reports", show_lines=False)
    for column in ("source", "lang", "target", "lang", "score", "facts"):
        table.add_column(column, justify="right" if column in ("score", "facts") else "left")
    for p in result.pairs:
        s, t = docs[p.source], docs[p.target]
        table.add_row(_label(s), s.lang, _label(t), t.lang, f"{p.score:.2f}", "" if p.facts is None else str(p.facts))
    console.print(table)
    if result.unmatched:
        console.print(f"[bold]Unmatched[/bold] ({len(result.unmatched)}): " + ", ".join(_label(docs[i]) for i in result.unmatched))
    console.print(
        f"{_count(len(result.documents), 'document')} ({len(result.new)} new), {_count(len(result.pairs), 'pair')}, "
        f"{len(result.unmatched)} unmatched, {len(result.skipped)} skipped"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _label(doc: StoredDocument) -> str:
    return f"{doc.doc_id} ({Path(doc.path).name})" if doc.path else doc.doc_id


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress]:
    """Progress bars on stderr (stdout carries the result)."""
    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), disable=not enabled, transient=True,
    )
    with bar:
        yield bar
