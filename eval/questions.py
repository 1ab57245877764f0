"""Question sets: JSON Lines, one question per line (see eval/README.md for the format)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    facts: list[list[str]]
    sources: list[str]
    answerable: bool
    reference: str | None = None
    tags: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)   # earlier turns, for follow-ups


@dataclass(frozen=True)
class LoadProblem:
    line_no: int
    message: str            # Vietnamese, shown to the evaluator


def load_questions(path: Path) -> tuple[list[EvalQuestion], list[LoadProblem]]:
    """Every well-formed line becomes a question; each malformed one a problem."""
    questions, problems, seen = [], [], set()
    with Path(path).open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                question = _parse(json.loads(line))
            except json.JSONDecodeError as err:
                problems.append(LoadProblem(line_no, f"dòng {line_no}: JSON không hợp lệ ({err.msg})."))
                continue
            except (TypeError, ValueError) as err:
                problems.append(LoadProblem(line_no, f"dòng {line_no}: {err}"))
                continue
            if question.id in seen:
                problems.append(LoadProblem(line_no, f"dòng {line_no}: mã câu hỏi '{question.id}' bị trùng."))
                continue
            seen.add(question.id)
            questions.append(question)
    return questions, problems


def _parse(row) -> EvalQuestion:
    if not isinstance(row, dict):
        raise ValueError("mỗi dòng phải là một đối tượng JSON.")
    for key in ("id", "question", "answerable"):
        if key not in row:
            raise ValueError(f"thiếu trường bắt buộc '{key}'.")
    if not isinstance(row["question"], str) or not row["question"].strip():
        raise ValueError("trường 'question' phải là chuỗi khác rỗng.")
    if not isinstance(row["answerable"], bool):
        raise ValueError("trường 'answerable' phải là true hoặc false.")
    facts = row.get("facts", [])
    if not isinstance(facts, list) or not all(
            isinstance(g, list) and g and all(isinstance(a, str) and a for a in g) for g in facts):
        raise ValueError("trường 'facts' phải là danh sách các nhóm chuỗi, ví dụ [[\"20%\"]].")
    if row["answerable"] and not facts:
        raise ValueError("câu hỏi trả lời được cần ít nhất một nhóm 'facts'.")
    if not row["answerable"] and facts:
        raise ValueError("câu hỏi phải từ chối ('answerable': false) không được có 'facts'.")
    sources = row.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise ValueError("trường 'sources' phải là danh sách mã tài liệu.")
    return EvalQuestion(id=str(row["id"]), question=row["question"], facts=facts, sources=sources,
                        answerable=row["answerable"], reference=row.get("reference"),
                        tags=list(row.get("tags", [])), history=list(row.get("history", [])))
