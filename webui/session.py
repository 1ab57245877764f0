"""What a browser session keeps, and for how long (every tab's gr.State uses these)."""

from __future__ import annotations

from dataclasses import replace

from assistant import Answer

CHAT_TURNS_KEPT = 20   # answers a session keeps for follow-ups and feedback
SESSION_TTL_S = 6 * 3600   # a closed tab's state is freed after this long


def for_session(answer: Answer) -> Answer:
    """What a session keeps of an answer (follow-ups, feedback, handouts): without the
    retrieved passages and their scores, ~20× smaller. Sessions live for hours; a server
    keeping every answer whole grew ~130 MiB per 1,000 requests (benchmarks/bench_load.py)."""
    return replace(answer, retrieved=[], related=[])
