"""webui: the Gradio chat page for officials, trainers and document maintainers.

Public entry: `serve(assistant, settings, ingest)` serves an assistant built by the
caller (hoidap/runtime.py `serve_web` wires settings → index → assistant) on
settings.host:settings.port; `serve_workers(settings, serve_one, build_index)` runs several processes
on consecutive ports; `build_app(assistant, WebConfig(...))` builds the app without
starting it. Nothing here reads the environment or imports the CLI's wiring.
"""

from .app import build_app
from .config import WebConfig
from .demo import load_demo_questions
from .serve import serve
from .workers import serve_workers

__all__ = ["serve", "serve_workers", "build_app", "WebConfig", "load_demo_questions"]
