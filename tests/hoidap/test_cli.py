"""The `hoidap` command as a user runs it: in a subprocess, with real files."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from hoidap.cli import EXIT_BAD_INPUT

pytestmark = pytest.mark.slow   # every test runs the CLI in a subprocess (loads the model)


def run(args, env_extra=None, timeout=600):
    env = {**os.environ, "OMP_NUM_THREADS": "1", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "hoidap", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


@pytest.fixture
def corpus_copy(tmp_path, corpus_index_dir):
    target = tmp_path / "index"
    shutil.copytree(corpus_index_dir, target)
    return target


def test_search_json_has_the_documented_shape(corpus_copy):
    proc = run(["search", "Lào Cai kinh tế số 2045", "-k", "3", "--json", "--index-dir", str(corpus_copy)])
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["query"] == "Lào Cai kinh tế số 2045" and len(data["results"]) == 3
    first = data["results"][0]
    assert set(first) == {"rank", "doc_id", "chunk_id", "score", "title", "date", "province", "text",
                          "doc_type", "number", "issuer", "path"}
    assert first["rank"] == 1 and first["doc_id"] == "001_733eede80dd82f2c" and first["province"] == "Lào Cai"
    assert first["doc_type"] is None and first["path"] == ""   # a news article has no header block
    assert "40% GRDP" in " ".join(r["text"] for r in data["results"])


def test_search_filters_by_province(corpus_copy):
    proc = run(["search", "mục tiêu 2030", "--province", "Lai Châu", "--json", "--index-dir", str(corpus_copy)])
    assert {r["province"] for r in json.loads(proc.stdout)["results"]} == {"Lai Châu"}


def test_search_builds_the_default_index_when_missing(tmp_path, small_corpus):
    proc = run(["search", "trung tâm dữ liệu", "-k", "1"],
               {"HOIDAP_INDEX_DIR": str(tmp_path / "fresh"), "HOIDAP_CORPUS": str(small_corpus)})
    assert proc.returncode == 0, proc.stderr
    assert "Chưa có chỉ mục" in proc.stderr and "Ghi chú Lào Cai" in proc.stdout


def test_ingest_skips_bad_files_with_warnings_and_reports(tmp_path, small_corpus):
    (small_corpus / "empty.txt").write_bytes(b"")
    (small_corpus / "binary.txt").write_bytes(b"\x00\x01\x02\x03")
    (small_corpus / "latin1.txt").write_bytes("Tiêu đề\n\nNội dung".encode("cp1258", errors="replace") + b"\xff\xfe")
    proc = run(["ingest", str(small_corpus), str(tmp_path / "missing.txt"), "--report",
                "--index-dir", str(tmp_path / "index")])
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("Cảnh báo")]
    assert len(warnings) == 4
    assert any("Tệp rỗng" in w for w in warnings) and any("nhị phân" in w for w in warnings)
    assert any("Không giải mã được" in w for w in warnings) and any("Không tìm thấy" in w for w in warnings)
    assert "lai_chau_note: bỏ 0 dòng" in proc.stdout
    assert "Xong: 2 tài liệu" in proc.stdout and "thêm 2" in proc.stdout

    again = run(["ingest", str(small_corpus / "lai_chau_note.txt"), "--index-dir", str(tmp_path / "index")])
    assert "giữ nguyên 1" in again.stdout and "nhúng 0 mục" in again.stdout


@pytest.mark.parametrize("args, message", [
    (["search", "   "], "Lỗi: Câu hỏi trống"),
    (["ingest", "/no/such/file.txt"], "Không tìm thấy tệp hoặc thư mục này"),
    (["ingest", "https://example.invalid/bai.html"], "Hãy lưu trang thành tệp .html"),
    (["search", "x", "--embedder", "word2vec"], "Lỗi: Bộ nhúng 'word2vec' không hợp lệ"),
])
def test_bad_input_gets_a_vietnamese_message_and_nonzero_exit(tmp_path, args, message):
    proc = run([*args, "--index-dir", str(tmp_path / "index")])
    assert proc.returncode == EXIT_BAD_INPUT
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_ingest_and_ask_with_the_qdrant_backend(small_corpus, tmp_path):
    env = {"HOIDAP_QDRANT_PATH": str(tmp_path / "qdrant"), "HOIDAP_QDRANT_COLLECTION": "thu"}
    ingest = run(["ingest", str(small_corpus), "--backend", "qdrant"], env)
    assert ingest.returncode == 0, ingest.stderr
    assert "bộ sưu tập Qdrant 'thu'" in ingest.stdout and "2 tài liệu" in ingest.stdout
    ask = run(["ask", "Lào Cai phấn đấu kinh tế số đạt bao nhiêu GRDP?", "--json"], {**env, "HOIDAP_BACKEND": "qdrant"})
    assert ask.returncode == 0, ask.stderr
    assert "20%" in json.loads(ask.stdout)["answer"]
    bad = run(["search", "5G", "--index-dir", str(tmp_path)], {"HOIDAP_BACKEND": "cassandra"})
    assert bad.returncode == 1 and "HOIDAP_BACKEND phải là một trong local, qdrant" in bad.stderr


def test_targets_table_as_json_and_csv(corpus_copy):
    proc = run(["targets", "--province", "lao cai", "--indicator", "kinh tế số", "--json", "--index-dir",
                str(corpus_copy)])
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)["targets"]
    assert rows and {r["province"] for r in rows} == {"Lào Cai"}
    assert set(rows[0]) == {"province", "indicator", "comparator", "value", "unit", "year", "kind", "doc_id",
                            "date", "quote"}
    by_year = {(r["year"], r["comparator"], r["value"]) for r in rows if r["indicator"] == "Kinh tế số / GRDP"}
    assert by_year == {(2030, "tối thiểu", "20%"), (2045, "trên", "40%")}
    assert all(r["value"].rstrip("%") in r["quote"] for r in rows)
    csv_out = run(["targets", "--year", "2026", "--kind", "target", "--csv", "--index-dir", str(corpus_copy)])
    lines = csv_out.stdout.splitlines()
    assert lines[0] == "province,indicator,comparator,value,unit,year,kind,doc_id,date,quote"
    assert len(lines) > 5 and all(",2026,target," in line for line in lines[1:])
