import json

from assistant.records import Answer
from webui.feedback import FeedbackLog


def test_each_rating_is_one_durable_jsonl_line(tmp_path):
    log = FeedbackLog(tmp_path / "sub" / "feedback.jsonl")
    answer = Answer(question="Q?", answer="A [1].", refused=False, grounded=True, backend="extractive")
    log.record(answer, "up", "  rõ ràng ")
    log.record(answer, "down")
    lines = (tmp_path / "sub" / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    first, second = map(json.loads, lines)
    assert (first["rating"], first["comment"], first["question"]) == ("up", "rõ ràng", "Q?")
    assert second["rating"] == "down" and second["answer"] == "A [1]." and "time" in second


def test_long_comments_are_refused_and_the_file_rotates(tmp_path):
    import pytest

    from webui.feedback import FeedbackError
    path = tmp_path / "feedback.jsonl"
    log = FeedbackLog(path, max_comment_chars=100, max_bytes=2000, keep=2)
    answer = Answer(question="Q?", answer="A [1].", refused=False, grounded=True, backend="extractive")
    with pytest.raises(FeedbackError, match="quá dài"):
        log.record(answer, "up", "x" * 101)
    assert not path.exists()
    for i in range(60):
        log.record(answer, "up", f"góp ý {i}")
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["feedback.jsonl", "feedback.jsonl.1", "feedback.jsonl.2"]
    assert all(p.stat().st_size <= 2000 for p in tmp_path.iterdir())
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[-1])["comment"] == "góp ý 59"
