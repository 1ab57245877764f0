"""`hoidap eval` end to end on a small question file, against a copy of the corpus index."""

import json
import os
import shutil
import subprocess
import sys


def run(args):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "hoidap", "eval", *args], capture_output=True, text=True,
                          env=env, timeout=600)


def test_eval_writes_reports_gates_and_compares(tmp_path, corpus_index_dir):
    index_dir = tmp_path / "index"
    shutil.copytree(corpus_index_dir, index_dir)
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join([
        json.dumps({"id": "a", "question": "Mục tiêu kinh tế số của Lào Cai đến năm 2030 là bao nhiêu?",
                    "facts": [["20%"]], "sources": ["001_733eede80dd82f2c"], "answerable": True, "tags": ["percent"]},
                   ensure_ascii=False),
        "{ không phải json",
        json.dumps({"id": "b", "question": "Dân số Lai Châu năm 2024?", "facts": [], "sources": [],
                    "answerable": False}, ensure_ascii=False),
    ]), encoding="utf-8")
    out = tmp_path / "out"
    proc = run(["--questions", str(questions), "--out", str(out), "--index-dir", str(index_dir),
                "--min", "fact_recall=1.0", "--min", "refusal_accuracy=1.0"])
    assert proc.returncode == 0, proc.stderr
    assert "dòng 2: JSON không hợp lệ" in proc.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert set(report["summary"]) == {
        "n_questions", "n_answerable", "hit_at_1", "hit_at_5", "mrr_at_10", "fact_chunk_at_5", "fact_recall",
        "citation_precision", "refusal_accuracy", "false_refusal_rate", "numeric_faithfulness",
        "median_answer_words", "latency_p50_ms", "latency_p95_ms", "embedder", "backend", "index_backend", "k",
        "corpus_hash", "created_at"}
    assert report["summary"]["index_backend"] == "local"
    assert report["summary"]["n_questions"] == 2 and report["summary"]["fact_recall"] == 1.0
    assert set(report["questions"][0]) == {
        "id", "question", "answer", "refused", "grounded", "retrieved_doc_ids", "cited_doc_ids", "fact_recall",
        "hit_at_1", "hit_at_5", "fact_chunk_at_5", "citation_precision", "refusal_correct", "answer_words",
        "latency_ms"}
    assert (out / "report.md").is_file() and "<svg" in (out / "report.html").read_text(encoding="utf-8")

    gated = run(["--questions", str(questions), "--out", str(tmp_path / "out2"), "--index-dir", str(index_dir),
                 "--min", "fact_recall=1.01", "--compare", str(out / "report.json")])
    assert gated.returncode == 3 and "fact_recall = 1.0 thấp hơn ngưỡng tối thiểu 1.01" in gated.stderr
    assert "So sánh" in (tmp_path / "out2" / "report.md").read_text(encoding="utf-8")

    bad = run(["--questions", str(questions), "--min", "fact_recall", "--index-dir", str(index_dir)])
    assert bad.returncode == 1 and "CHỈ_SỐ=GIÁ_TRỊ" in bad.stderr
