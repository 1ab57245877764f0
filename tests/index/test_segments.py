"""Writes append segments, never rewrite kept ones, and compact when segments pile up."""

from index import HybridIndex, IndexConfig, store
from ingest import Ingestor


def _ingest(folder, name, text):
    path = folder / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return Ingestor().run([str(path)])


def _segment_files(index_dir):
    generation = store.current_generation(index_dir)
    return {f"{p.parent.name}/{p.name}": p.stat().st_ino for p in generation.glob("seg-*/*")}


def test_adding_a_document_writes_only_its_segment(tmp_path, small_corpus, embedder):
    index_dir = tmp_path / "index"
    first = Ingestor().run([str(small_corpus)])
    HybridIndex.open(index_dir, embedder).sync(first.documents, first.chunks)
    before = _segment_files(index_dir)
    extra = _ingest(tmp_path, "extra", "Văn bản thêm\n\nHuyện lắp 45 camera giám sát giao thông.\n")
    index = HybridIndex.open(index_dir, embedder)
    index.sync(extra.documents, extra.chunks)
    after = _segment_files(index_dir)
    kept = {name: inode for name, inode in after.items() if name in before}
    assert kept == before, "the existing segment must be linked, not rewritten"
    assert len({name.split("/")[0] for name in after}) == 2
    assert index.search("camera giám sát giao thông", 1)[0].chunk.doc_id == "extra"
    assert index.search("kinh tế số 20% GRDP", 1)[0].chunk.doc_id == "lao_cai_note"


def test_replaced_documents_never_come_back_and_segments_are_compacted(tmp_path, small_corpus, embedder):
    index_dir = tmp_path / "index"
    config = IndexConfig(max_segments=3, compact_dead_share=0.9)
    first = Ingestor().run([str(small_corpus)])
    HybridIndex.open(index_dir, embedder, config).sync(first.documents, first.chunks)
    index = HybridIndex.open(index_dir, embedder, config)
    counts = []
    for version in range(6):
        # Each write replaces one document and adds another: older segments keep a live
        # document each, so segments pile up until compaction.
        changing = _ingest(tmp_path, "changing", f"Bản {version}\n\nXã đạt {version}7 tài khoản dịch vụ công số.\n")
        extra = _ingest(tmp_path, f"extra{version}", f"Ghi chú {version}\n\nThôn {version} lắp {version}9 camera.\n")
        index.sync(changing.documents + extra.documents, changing.chunks + extra.chunks)
        counts.append(len(index.snapshot.segments))
        texts = [h.chunk.text for h in index.search("tài khoản dịch vụ công số", 10)]
        assert any(f"{version}7 tài khoản" in t for t in texts)
        assert not any(f"{old}7 tài khoản" in t for t in texts for old in range(version))
        # Term statistics count live units only: the old versions' words are gone from them.
        assert index.snapshot.sparse.document_frequency(f"{version}7") > 0
        assert all(index.snapshot.sparse.document_frequency(f"{old}7") == 0 for old in range(version))
    assert max(counts) == 3 and 1 in counts, counts   # grew to the limit, then compacted into one
    reopened = HybridIndex.open(index_dir, embedder, config)
    assert sorted(d.doc_id for d in reopened.documents) == sorted(
        ["changing", "lai_chau_note", "lao_cai_note"] + [f"extra{v}" for v in range(6)])
    assert all(reopened.search(f"Thôn {v} lắp {v}9 camera", 1)[0].chunk.doc_id == f"extra{v}" for v in range(6))


def test_removing_every_document_of_a_segment_drops_it(tmp_path, small_corpus, embedder):
    index_dir = tmp_path / "index"
    first = Ingestor().run([str(small_corpus)])
    index = HybridIndex.open(index_dir, embedder)
    index.sync(first.documents, first.chunks)
    extra = _ingest(tmp_path, "extra", "Văn bản thêm\n\nHuyện lắp 45 camera giám sát giao thông.\n")
    index.sync(extra.documents, extra.chunks)
    index.remove(["extra"])
    assert len(index.snapshot.segments) == 1 and index.snapshot.size == index.snapshot.live_units
    assert "extra" not in {h.chunk.doc_id for h in index.search("camera giám sát", 5)}


def test_the_faster_pieces_vectors_find_the_same_documents(tmp_path, small_corpus, embedder):
    config = IndexConfig(unit_vectors="pieces")
    first = Ingestor().run([str(small_corpus)])
    index = HybridIndex.open(tmp_path / "index", embedder, config)
    report = index.sync(first.documents, first.chunks)
    joint = HybridIndex.open(tmp_path / "joint", embedder, IndexConfig(unit_vectors="joint"))
    assert report.embedded_units < joint.sync(first.documents, first.chunks).embedded_units
    assert index.search("kinh tế số 20% GRDP", 1)[0].chunk.doc_id == "lao_cai_note"
    assert index.search("phủ sóng 5G toàn tỉnh năm 2030", 1)[0].chunk.doc_id == "lai_chau_note"
