"""prompts: Vietnamese prompt templates for LLM backends, kept as plain text files.

Public entry: `answer_prompt()` → a langchain `ChatPromptTemplate` with the variables
`question`, `passages` (numbered "[n] ..." blocks) and `refusal` (the fixed refusal message).
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

from langchain_core.prompts import ChatPromptTemplate


def load(name: str) -> str:
    return files(__package__).joinpath(name).read_text(encoding="utf-8").strip()


@lru_cache(maxsize=1)
def answer_prompt() -> ChatPromptTemplate:
    return ChatPromptTemplate.from_messages([("system", load("answer_system.txt")),
                                             ("human", load("answer_user.txt"))])


def number_passages(passages: list[tuple[str, str]]) -> str:
    """[(heading, text)] → "[1] heading\\ntext" blocks, numbered from 1."""
    return "\n\n".join(f"[{n}] {heading}\n{text}" for n, (heading, text) in enumerate(passages, start=1))
