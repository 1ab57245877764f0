"""What the web app is configured with: set once by the caller (hoidap/runtime.py), frozen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from index import SyncReport
from ingest import IngestResult

# Adds files to the served index: (paths, on_progress(done, total), on_page(source, pages OCR'd,
# pages to OCR)) -> (IngestResult, SyncReport). The caller builds it (hoidap/runtime.py).
Ingest = Callable[..., tuple[IngestResult, SyncReport]]


@dataclass(frozen=True)
class WebConfig:
    feedback_path: Path
    """JSONL file that 👍/👎 feedback is appended to."""
    demo_questions_path: Path
    """Editable file of example questions for "Trình chiếu" (one per line, # comments)."""
    upload_dir: Path
    """Where uploaded documents are kept (their source files, so nothing is lost)."""
    admin_password: str = ""
    """Unlocks the admin tab; empty disables it (there is no default password)."""
    concurrency: int = 4
    """Requests answered at once; more wait in Gradio's queue."""
    max_upload_mb: int = 20
    """Largest file accepted by the upload endpoint (Gradio refuses bigger ones)."""
    max_comment_chars: int = 2000
    """Longest feedback comment."""
    feedback_max_mb: int = 10
    """Feedback file size before it is rotated (5 files kept)."""
    ingest: Ingest | None = None
    """Adds uploaded files to the index (None: the admin tab cannot add)."""
    remove: Callable[[list[str]], SyncReport] | None = None
    """Removes documents from the index."""
