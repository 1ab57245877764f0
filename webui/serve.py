"""Start-up: load the index and models once, then serve every session from them."""

from __future__ import annotations

import os
import time

from . import render
from .app import WebConfig, build_app


def serve(settings, *, block: bool = True, log=print):
    """settings: hoidap.config.Settings. Returns the running app when block is False."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # no outbound calls from the server
    from hoidap.runtime import build_assistant, ingest_into, open_or_build_index
    started = time.perf_counter()
    index = open_or_build_index(settings, log=log)
    assistant = build_assistant(settings, index)
    assistant.ask("Chuyển đổi số là gì?")  # loads the word segmenter before the first user
    config = WebConfig(
        feedback_path=settings.feedback_path, demo_questions_path=settings.demo_questions,
        upload_dir=settings.upload_dir, admin_password=settings.admin_password,
        ingest=lambda paths, on_progress: ingest_into(index, paths, on_progress=on_progress),
        remove=index.remove)
    app = build_app(assistant, config)
    app.queue(default_concurrency_limit=config.concurrency, max_size=64)
    log(f"Đã nạp {len(index.documents)} tài liệu trong {time.perf_counter() - started:.1f} giây. "
        f"Mở http://{settings.host}:{settings.port} để hỏi đáp.")
    app.launch(server_name=settings.host, server_port=settings.port, css=render.CSS, show_error=False,
               prevent_thread_lock=not block, quiet=True, footer_links=[])
    return app
