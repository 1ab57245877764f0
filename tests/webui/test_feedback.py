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
