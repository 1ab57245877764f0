"""Feedback on answers, appended to a JSON Lines file and flushed to disk on every write.

The file is bounded: past `max_bytes` it is rotated (feedback.jsonl → feedback.jsonl.1 …,
the oldest beyond `keep` files dropped), and a comment longer than `max_comment_chars` is
refused with a message rather than cut.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timezone
from pathlib import Path

from assistant import Answer
from hoidap.messages import too_long


class FeedbackError(ValueError):
    """Feedback that is not recorded, with a Vietnamese message."""


class FeedbackLog:
    def __init__(self, path: Path, max_comment_chars: int = 2000, max_bytes: int = 10 * 2**20, keep: int = 5):
        self.path = Path(path)
        self.max_comment_chars = max_comment_chars
        self.max_bytes = max_bytes
        self.keep = keep
        self._lock = threading.Lock()  # several users may rate at once

    def record(self, answer: Answer, rating: str, comment: str = "") -> dict:
        """rating: "up" or "down". Returns the record written."""
        comment = (comment or "").strip()
        if len(comment) > self.max_comment_chars:
            raise FeedbackError(too_long("Góp ý", len(comment), self.max_comment_chars, "Hãy rút gọn rồi gửi lại."))
        entry = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                 "question": answer.question, "resolved_question": answer.resolved_question,
                 "answer": answer.answer, "refused": answer.refused, "grounded": answer.grounded,
                 "backend": answer.backend, "rating": rating, "comment": comment,
                 "citations": [c.to_json() | {"text": None} for c in answer.citations]}
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8", "replace")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists() and self.path.stat().st_size + len(line) > self.max_bytes:
                self._rotate()
            with self.path.open("ab") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())  # a crash right after "Cảm ơn" must not lose it
        return entry

    def _rotate(self) -> None:
        for n in range(self.keep - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{n}")
            if older.exists():
                os.replace(older, self.path.with_name(f"{self.path.name}.{n + 1}"))
        os.replace(self.path, self.path.with_name(f"{self.path.name}.1"))   # the oldest is overwritten
