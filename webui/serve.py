"""Start-up: load the index and models once, then serve every session from them."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import render
from .app import build_app
from .config import Ingest, WebConfig

if TYPE_CHECKING:
    from assistant import Assistant
    from hoidap.config import Settings
    from index import SyncReport

QUEUE_SIZE = 512   # waiting requests beyond this are turned away with "server busy"
STATUS_UPDATE_S = 5.0
QUEUE_POLL_S = 0.01
# Gradio keeps every session's state and a copy of every component's config (~90 KiB)
# until this many newer sessions exist; at its default (10,000) a day of page loads holds
# ~1 GiB. Past the limit the oldest idle session forgets its chat (follow-ups restart).
SESSION_CAPACITY = 500


def serve(assistant: Assistant, settings: Settings, ingest: Ingest, remove: Callable[[list[str]], SyncReport], *,
          block: bool = True, log: Callable[[str], None] = print):
    """Serve the assistant on settings.host:settings.port; ingest and remove change its index
    (the admin tab's uploads and deletions). Returns the running app when block is False."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # no outbound calls from the server
    started = time.perf_counter()
    index = assistant.index
    assistant.warm_up()
    config = WebConfig(
        feedback_path=settings.feedback_path, demo_questions_path=settings.demo_questions,
        upload_dir=settings.upload_dir, admin_password=settings.admin_password,
        concurrency=settings.web_concurrency or max(1, os.cpu_count() or 1),
        max_upload_mb=settings.max_upload_mb, max_comment_chars=settings.max_comment_chars,
        feedback_max_mb=settings.feedback_max_mb,
        ingest=ingest, remove=remove)
    app = build_app(assistant, config)
    # Answers are CPU-bound (~40 ms each): more at once than cores only adds contention;
    # the queue holds the rest in order, so a burst waits briefly instead of failing.
    # Queue position updates go to every waiting client whenever any job ends ("auto"):
    # with 50 waiting that is O(n²) messages; every few seconds is enough for a person.
    app.queue(default_concurrency_limit=config.concurrency, max_size=QUEUE_SIZE,
              status_update_rate=STATUS_UPDATE_S)
    # Gradio's dispatcher polls every 1 ms while all workers are busy and requests wait;
    # each wake-up takes the GIL from the answering threads. 10 ms costs a waiting request
    # at most 10 ms and gave ~20% more answers/s at 50 users (bench_load.py). Private
    # attribute: if a Gradio release renames it, nothing breaks, the tuning is just lost.
    if hasattr(app, "_queue") and hasattr(app._queue, "sleep_when_free"):
        app._queue.sleep_when_free = QUEUE_POLL_S
    log(f"Đã nạp {len(index.documents)} tài liệu trong {time.perf_counter() - started:.1f} giây. "
        f"Mở http://{settings.host}:{settings.port} để hỏi đáp.")
    app.launch(server_name=settings.host, server_port=settings.port, css=render.CSS, show_error=False,
               prevent_thread_lock=not block, quiet=True, footer_links=[],
               max_file_size=f"{config.max_upload_mb}mb", state_session_capacity=SESSION_CAPACITY)
    return app
