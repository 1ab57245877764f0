"""The Gradio app: "Hỏi đáp" for officials (chat.py), "Trình chiếu" for trainers (demo.py),
"Chỉ tiêu", the table of targets (targets_tab.py), "Quản trị" for the documents (admin.py).
The assistant, its index and the models are built once by the caller and shared by all
sessions."""

from __future__ import annotations

import gradio as gr

from assistant import Assistant

from .admin import admin_tab
from .chat import chat_tab, index_banner
from .config import WebConfig
from .demo import demo_tab
from .feedback import FeedbackLog
from .targets_tab import targets_on_screen, targets_tab


def build_app(assistant: Assistant, config: WebConfig) -> gr.Blocks:
    feedback = FeedbackLog(config.feedback_path, max_comment_chars=config.max_comment_chars,
                           max_bytes=config.feedback_max_mb * 2**20)

    with gr.Blocks(title="Hỏi đáp tài liệu chính sách") as app:
        gr.Markdown("## Hỏi đáp tài liệu chính sách\nTrả lời từ các văn bản đã lập chỉ mục, có trích dẫn nguồn.")
        with gr.Tab("Hỏi đáp", id="chat"):
            chat_tab(assistant, feedback)
        with gr.Tab("Trình chiếu", id="demo"):
            demo_tab(assistant, config)
            targets_on_screen(assistant.targets)
        with gr.Tab("Chỉ tiêu", id="targets"):
            targets_tab(assistant.targets, lambda: index_banner(assistant))
        with gr.Tab("Quản trị", id="admin"):
            admin_tab(assistant, config)
    return app
