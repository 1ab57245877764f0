"""webui: the Gradio chat page for officials, trainers and document maintainers.

Public entry: `serve(settings)` starts the app on settings.host:settings.port;
`serve_workers(settings)` runs several on consecutive ports;
`build_app(assistant, WebConfig(...))` builds it without starting.
"""

from .app import WebConfig, build_app, load_demo_questions
from .serve import serve
from .workers import serve_workers

__all__ = ["serve", "serve_workers", "build_app", "WebConfig", "load_demo_questions"]
