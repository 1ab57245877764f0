"""SQuAD files as a corpus and question set; `hoidap eval --squad` end to end on a tiny one."""

import json
import os
import subprocess
import sys

import pytest

from eval.squad import SquadFormatError, load_squad, split_by_article

SQUAD = {"version": "v2.0", "data": [
    {"title": "Sàn_thương_mại", "paragraphs": [
        {"context": "Năm 2005, tỉnh Lào Cai khai trương Sàn thương mại điện tử. Sàn thu hút trên 7.300 doanh nghiệp.",
         "qas": [{"id": "a1", "question": "Lào Cai khai trương Sàn thương mại điện tử năm nào?",
                  "answers": [{"text": "2005", "answer_start": 4}, {"text": "Năm 2005", "answer_start": 0}]},
                 {"id": "a2", "question": "Sàn có bao nhiêu sản phẩm nước ngoài?", "answers": [],
                  "is_impossible": True}]}]},
    {"title": "Hội thảo", "paragraphs": [
        {"context": "Các doanh nghiệp viễn thông trao tặng 81 điện thoại thông minh cho hộ nghèo.",
         "qas": [{"id": "b1", "question": "Bao nhiêu điện thoại thông minh được trao tặng?",
                  "answers": [{"text": "81", "answer_start": 38}]}]}]},
]}


def test_articles_become_documents_and_answers_become_facts(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(SQUAD, ensure_ascii=False), encoding="utf-8")
    squad = load_squad(path)
    assert [d.title for d in squad.documents] == ["Sàn thương mại", "Hội thảo"] and squad.total_questions == 3
    a1, a2, b1 = squad.questions
    assert a1.facts == [["2005", "Năm 2005"]] and a1.sources == [squad.documents[0].doc_id] and a1.answerable
    assert not a2.answerable and a2.facts == [] and b1.sources == [squad.documents[1].doc_id]
    assert squad.chunks and all(c.doc_id in {d.doc_id for d in squad.documents} for c in squad.chunks)
    sampled = load_squad(path, sample=2, seed=1)
    assert len(sampled.questions) == 2 and sampled.questions == load_squad(path, sample=2, seed=1).questions
    assert len(sampled.documents) == 2  # unsampled articles stay: they are the distractors
    train, test = split_by_article(squad.questions[:1] + squad.questions[2:], test_share=0.5)
    assert {s for q in train for s in q.sources}.isdisjoint({s for q in test for s in q.sources})


@pytest.mark.parametrize("content, message", [("{}", "khóa 'data'"), ("not json", "không phải tệp SQuAD")])
def test_a_file_that_is_not_squad_says_why(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SquadFormatError, match=message):
        load_squad(path)


@pytest.mark.slow   # runs the CLI (loads the model)
def test_cli_eval_squad_builds_its_own_index_and_reports(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(SQUAD, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "hoidap", "eval", "--squad", str(path), "--out", str(tmp_path / "out"),
           "--index-dir", str(tmp_path / "index")]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["n_questions"] == 3 and report["summary"]["n_answerable"] == 2
    assert {q["id"] for q in report["questions"]} == {"a1", "a2", "b1"}
    assert report["summary"]["fact_recall"] == 1.0, [q["answer"] for q in report["questions"]]
    bad = subprocess.run(cmd[:-2] + ["--sample", "0"], capture_output=True, text=True, env=env, timeout=600)
    assert bad.returncode == 1 and "--sample" in bad.stderr
