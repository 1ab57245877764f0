"""Feedback on answers, appended to a JSON Lines file and flushed to disk on every write."""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path

from assistant import Answer


class FeedbackLog:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()  # several users may rate at once

    def record(self, answer: Answer, rating: str, comment: str = "") -> dict:
        """rating: "up" or "down". Returns the record written."""
        entry = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                 "question": answer.question, "resolved_question": answer.resolved_question,
                 "answer": answer.answer, "refused": answer.refused, "grounded": answer.grounded,
                 "backend": answer.backend, "rating": rating, "comment": comment.strip(),
                 "citations": [c.to_json() | {"text": None} for c in answer.citations]}
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())  # a crash right after "Cảm ơn" must not lose it
        return entry
