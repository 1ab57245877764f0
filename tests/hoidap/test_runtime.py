"""A long ingest saves as it goes (issue 14.9)."""

import pytest

from hoidap.runtime import ingest_into
from index import HybridIndex


def _docs(folder, n):
    folder.mkdir()
    for i in range(n):
        (folder / f"van_ban_{i}.txt").write_text(f"Văn bản {i}\n\nXã số {i} có {i + 10} tổ công nghệ số.\n",
                                                 encoding="utf-8")
    return folder


def test_an_interrupted_ingest_keeps_the_batches_it_finished(tmp_path, embedder):
    folder = _docs(tmp_path / "docs", 5)
    index_dir = tmp_path / "index"
    saved = []

    def stop_after_first_batch(done, total):
        saved.append((done, total))
        raise KeyboardInterrupt   # Ctrl+C, or the laptop's lid closing

    with pytest.raises(KeyboardInterrupt):
        ingest_into(HybridIndex.open(index_dir, embedder), [str(folder)], batch_files=2,
                    on_batch=stop_after_first_batch)
    assert saved == [(2, 5)]
    assert {d.doc_id for d in HybridIndex.open(index_dir, embedder).documents} == {"van_ban_0", "van_ban_1"}

    result, report = ingest_into(HybridIndex.open(index_dir, embedder), [str(folder)], batch_files=2)
    assert len(result.documents) == 5 and sorted(report.unchanged) == ["van_ban_0", "van_ban_1"]
    assert len(report.added) == 3 and report.chunks == 5
