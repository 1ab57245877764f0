"""Our segment BM25 gives bm25s's scores, across segments and with dead documents."""

import bm25s
import numpy as np
import pytest

from index.records import RetrievalUnit
from index.segment import UnitRows, load_segment, write_segment
from index.snapshot import Snapshot
from ingest import Chunk, Document

TEXTS = [
    "kinh_tế số chiếm 20% grdp năm 2030",
    "chuyển_đổi số và kinh_tế số của tỉnh",
    "dịch_vụ công trực_tuyến toàn_trình đạt 80%",
    "tỉnh phấn_đấu kinh_tế số chiếm 9-10% grdp",
    "",
    "ngân_sách khoa_học công_nghệ tăng dần",
    "kinh_tế số kinh_tế số kinh_tế số",
    "sóng di_động băng_rộng phủ 100% thôn bản",
]
QUERIES = [["kinh_tế", "số"], ["grdp", "2030"], ["số", "số"], ["không_có"], ["tỉnh", "80%", "thôn"]]


def _segment(folder, name, texts, first_doc):
    documents, chunks, units = [], [], []
    for i, text in enumerate(texts):
        doc_id = f"d{first_doc + i}"
        documents.append(Document(doc_id=doc_id, source=f"{doc_id}.txt", title=doc_id, text=text or "x"))
        chunks.append(Chunk(chunk_id=f"{doc_id}#0", doc_id=doc_id, position=0, start=0, end=len(text), text=text))
        units.append(RetrievalUnit(row=-1, chunk_id=f"{doc_id}#0", doc_id=doc_id, kind="chunk", start=0,
                                   end=len(text), tokens=text.split()))
    vectors = np.eye(len(texts), 8, dtype=np.float32)
    write_segment(folder / name, documents, chunks, UnitRows.from_units(units, chunks), vectors, ann_threshold=10**9)
    return load_segment(folder / name, 8)


def _bm25s(texts, query):
    model = bm25s.BM25()
    model.index([t.split() or [""] for t in texts], show_progress=False)
    known = [t for t in query if t in model.vocab_dict]
    return np.asarray(model.get_scores(known), dtype=np.float32) if known else np.zeros(len(texts), np.float32)


@pytest.mark.parametrize("query", QUERIES)
def test_one_segment_scores_like_bm25s(tmp_path, query):
    snapshot = Snapshot.of([_segment(tmp_path, "seg-000001", TEXTS, 0)], {})
    assert np.allclose(snapshot.sparse.scores(query), _bm25s(TEXTS, query), atol=1e-5)


@pytest.mark.parametrize("query", QUERIES)
def test_segments_and_dead_documents_score_like_one_index_of_the_live_units(tmp_path, query):
    first = _segment(tmp_path, "seg-000001", TEXTS[:5], 0)
    second = _segment(tmp_path, "seg-000002", TEXTS[5:], 5)
    snapshot = Snapshot.of([first, second], {"seg-000001": {"d0", "d3"}})
    live = [i for i in range(len(TEXTS)) if i not in (0, 3)]
    scores = snapshot.sparse.scores(query)
    assert np.all(scores[[0, 3]] == 0)
    assert np.allclose(scores[live], _bm25s([TEXTS[i] for i in live], query), atol=1e-5)


def test_a_large_index_leaves_common_terms_out_of_a_query_with_rarer_ones(tmp_path, monkeypatch):
    from index import sparse
    monkeypatch.setattr(sparse, "PRUNE_ABOVE_UNITS", len(TEXTS))    # as if this index were large
    monkeypatch.setattr(sparse, "COMMON_SHARE", 0.3)                 # "số" is in 4 of 8 units, "grdp" in 2
    snapshot = Snapshot.of([_segment(tmp_path, "seg-000001", TEXTS, 0)], {})
    assert np.allclose(snapshot.sparse.scores(["số", "grdp"]), _bm25s(TEXTS, ["grdp"]), atol=1e-5)
    # With no rarer term, the common ones still count.
    assert np.allclose(snapshot.sparse.scores(["số"]), _bm25s(TEXTS, ["số"]), atol=1e-5)


@pytest.mark.parametrize("query", QUERIES)
def test_segments_merged_as_arrays_score_like_one_index_of_their_live_units(tmp_path, query):
    # A merge joins the segments' unit arrays (no Python unit objects): dead documents'
    # units, tokens and vectors must go, and every other unit keep its own tokens.
    first = _segment(tmp_path, "seg-000001", TEXTS[:5], 0)
    second = _segment(tmp_path, "seg-000002", TEXTS[5:], 5)
    documents, chunks, parts, rows = [], [], [], []
    for segment, gone in ((first, {"d0", "d3"}), (second, {"d6"})):
        kept_documents, kept_chunks, units, kept_rows = segment.live_part(gone)
        parts.append((units, len(chunks)))
        documents += kept_documents
        chunks += kept_chunks
        rows.append(segment.dense.vectors(kept_rows))
    write_segment(tmp_path / "merged", documents, chunks, UnitRows.joined(parts), np.vstack(rows), 10**9)
    merged = load_segment(tmp_path / "merged", 8)
    live = [1, 2, 4, 5, 7]
    assert [c.doc_id for c in merged.chunks] == [f"d{i}" for i in live]
    assert [merged.unit_tokens(r) for r in range(merged.size)] == [TEXTS[i].split() for i in live]
    assert np.array_equal(merged.dense.vectors(), np.eye(5, 8, dtype=np.float32)[[1, 2, 4, 0, 2]])
    scores = Snapshot.of([merged], {}).sparse.scores(query)
    assert np.allclose(scores, _bm25s([TEXTS[i] for i in live], query), atol=1e-5)
