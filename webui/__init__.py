"""webui: the Gradio chat page for officials, trainers and document maintainers.

Public entry: `serve(settings)` starts the app on settings.host:settings.port;
`build_app(assistant, WebConfig(...))` builds it without starting.
"""

from .app import WebConfig, build_app, load_demo_questions
from .serve import serve

__all__ = ["serve", "build_app", "WebConfig", "load_demo_questions"]
