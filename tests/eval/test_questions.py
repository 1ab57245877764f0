from pathlib import Path

from eval.questions import load_questions

PUBLIC = Path(__file__).resolve().parents[2] / "eval" / "questions" / "public.jsonl"


def test_malformed_lines_are_reported_with_line_numbers_and_the_rest_loads(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join([
        '{"id": "a", "question": "Câu một?", "facts": [["1"]], "sources": ["d"], "answerable": true}',
        '{"id": "b", "question": "thiếu dấu đóng"',
        '{"id": "c", "question": "", "answerable": false}',
        '{"id": "d", "question": "Câu bốn?", "facts": "20%", "answerable": true}',
        '',
        '{"id": "e", "question": "Phải từ chối?", "facts": [], "sources": [], "answerable": false}',
        '{"id": "a", "question": "Trùng mã?", "facts": [["x"]], "answerable": true}',
        '[1, 2]',
    ]), encoding="utf-8")
    questions, problems = load_questions(path)
    assert [q.id for q in questions] == ["a", "e"]
    assert [p.line_no for p in problems] == [2, 3, 4, 7, 8]
    assert problems[0].message.startswith("dòng 2: JSON không hợp lệ")
    assert "'question'" in problems[1].message and "'facts'" in problems[2].message
    assert "bị trùng" in problems[3].message


def test_public_set_is_well_formed_and_covers_what_the_assistant_must_do():
    questions, problems = load_questions(PUBLIC)
    assert problems == [] and len(questions) >= 60
    assert sum(not q.answerable for q in questions) >= 10
    tags = {t for q in questions for t in q.tags}
    assert {"percent", "number", "date", "person", "list", "per-province", "follow-up", "accentless"} <= tags
    sources = {s for q in questions for s in q.sources}
    assert len(sources) == 5  # every bundled article is asked about
    assert all(q.history for q in questions if "follow-up" in q.tags)
