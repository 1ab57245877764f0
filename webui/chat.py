"""The "Hỏi đáp" tab: officials ask, answers stream in with their quoted sources, 👍/👎."""

from __future__ import annotations

import logging
from html import escape

import gradio as gr

from assistant import Answer, Assistant, QuestionError
from index import IndexDamagedError
from index.store import REBUILD_HINT
from ingest.normalize import valid_text

from . import render
from .feedback import FeedbackError, FeedbackLog
from .session import CHAT_TURNS_KEPT, SESSION_TTL_S, for_session

log = logging.getLogger("hoidap.webui")
ALL_PROVINCES = "Tất cả"


def as_text(text: str) -> str:
    """Chat message content that displays exactly the given characters."""
    return escape(text, quote=False)


def _province_choices(assistant: Assistant) -> list[str]:
    return [ALL_PROVINCES] + assistant.index.provinces()


def index_banner(assistant: Assistant) -> str:
    """"" normally; a warning when the index on disk changed and cannot be read (the
    generation already loaded keeps answering)."""
    try:
        assistant.index.reload_if_changed()   # a CLI ingest or another worker wrote
    except IndexDamagedError as err:
        log.error("index on disk is damaged: %s", err)
        # The reason, without the server's folders (like the demo tab, the page shows none).
        reason = err.reason.replace(str(err.index_dir.resolve()), "…").replace(str(err.index_dir), "…")
        return (f"<div class='hd-notice' id='index-damaged'>Chỉ mục trên máy chủ bị hỏng ({escape(reason)}); "
                f"người quản trị cần xây lại bằng '{REBUILD_HINT}'. "
                "Trang vẫn trả lời từ bản chỉ mục đã nạp trước đó.</div>")
    return ""


def chat_tab(assistant: Assistant, feedback: FeedbackLog) -> None:
    answers = gr.State([], time_to_live=SESSION_TTL_S)
    with gr.Row():
        with gr.Column(scale=3):
            province = gr.Dropdown(_province_choices(assistant), value=ALL_PROVINCES, label="Tỉnh",
                                   interactive=True, elem_id="province")
            # Messages are escaped by us (as_text): Gradio still renders HTML tags in chat
            # messages even without markdown, and documents/questions must show as text.
            chatbot = gr.Chatbot(label="Hội thoại", height=460, render_markdown=False, sanitize_html=True,
                                 allow_tags=False, feedback_options=None, elem_id="chatbot",
                                 placeholder="Hãy đặt câu hỏi về các văn bản, ví dụ: "
                                             "«Mục tiêu kinh tế số của Lào Cai đến năm 2030?»")
            status = gr.HTML(elem_id="status")
            with gr.Row():
                question = gr.Textbox(placeholder="Nhập câu hỏi rồi bấm Gửi…", show_label=False, scale=5,
                                      elem_id="question", lines=1, max_lines=4)
                send = gr.Button("Gửi", variant="primary", scale=1, elem_id="send")
            with gr.Row():
                new_chat = gr.Button("Cuộc hội thoại mới", elem_id="new-chat")
                up = gr.Button("👍 Hữu ích", elem_id="thumbs-up")
                down = gr.Button("👎 Chưa đúng", elem_id="thumbs-down")
            comment = gr.Textbox(label="Góp ý thêm (không bắt buộc)", lines=1, elem_id="comment")
            thanks = gr.Markdown(elem_id="feedback-status")
        with gr.Column(scale=2):
            gr.Markdown("### Nguồn trích dẫn")
            sources = gr.HTML(render.EMPTY_SOURCES, elem_id="sources")

    def respond(message, history, previous, chosen):
        message = valid_text(message or "").strip()
        if not message:
            yield history, gr.update(), gr.update(), previous, ""
            return
        history = list(history or []) + [{"role": "user", "content": as_text(message[:300])},
                                         {"role": "assistant", "content": ""}]
        banner = index_banner(assistant)
        if assistant.llm is not None:   # an extractive answer takes ~40 ms: no placeholder
            yield history, "<div class='hd-muted'>Đang tìm trong tài liệu…</div>", banner, previous, ""
        try:
            final = None
            for event in assistant.stream(message, history=previous,
                                          province=None if chosen in (None, ALL_PROVINCES) else chosen):
                if isinstance(event, Answer):
                    final = event
                elif assistant.llm is not None:   # an LLM's tokens, shown as they come
                    history[-1]["content"] += as_text(event)
                    yield history, gr.update(), "", previous, ""
            if final is None:   # Assistant.stream's contract: it always ends with the Answer
                raise RuntimeError("the assistant's stream ended without an answer")
            history[-1]["content"] = as_text(final.answer)
            kept = (list(previous or []) + [for_session(final)])[-CHAT_TURNS_KEPT:]
            yield history, render.sources_html(final), banner + render.status_html(final), kept, ""
        except QuestionError as err:   # too long, empty: the user can fix it
            history[-1]["content"] = as_text(str(err))
            yield history, render.EMPTY_SOURCES, banner, previous, message
        except Exception:  # the app keeps serving; the user sees a Vietnamese message
            log.exception("request failed: %r", message)
            history[-1]["content"] = render.ERROR_MESSAGE
            yield history, render.EMPTY_SOURCES, "", previous, ""

    def respond_at_once(message, history, previous, chosen):
        *_, last = respond(message, history, previous, chosen)
        return last

    # Without an LLM there is nothing to stream: a plain function costs Gradio one thread
    # hop per answer instead of one per step of a generator.
    handler = respond if assistant.llm is not None else respond_at_once
    outputs = [chatbot, sources, status, answers, question]
    send.click(handler, [question, chatbot, answers, province], outputs, api_name="ask")
    question.submit(handler, [question, chatbot, answers, province], outputs, api_visibility="private")
    new_chat.click(lambda: ([], render.EMPTY_SOURCES, "", [], "", ""), None,
                   [chatbot, sources, status, answers, question, thanks], api_name="new_conversation")

    def rate(rating):
        def handler(previous, text):
            if not previous:
                return "Chưa có câu trả lời nào để góp ý.", text
            try:
                feedback.record(previous[-1], rating, valid_text(text or ""))
            except FeedbackError as err:
                return str(err), text
            return "Cảm ơn góp ý của bạn!", ""
        return handler

    up.click(rate("up"), [answers, comment], [thanks, comment], api_name="feedback_up")
    down.click(rate("down"), [answers, comment], [thanks, comment], api_name="feedback_down")
