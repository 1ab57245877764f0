"""The "Trình chiếu" tab: example questions one click away, large type, handouts."""

from __future__ import annotations

import logging
import re
import tempfile
from html import escape
from pathlib import Path

import gradio as gr

from assistant import Assistant, QuestionError
from ingest.normalize import valid_text

from . import render
from .chat import index_banner
from .config import WebConfig
from .session import SESSION_TTL_S, for_session

log = logging.getLogger("hoidap.webui")


def load_demo_questions(path: Path) -> list[str]:
    if not path.is_file():
        return []
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def demo_tab(assistant: Assistant, config: WebConfig) -> None:
    questions = load_demo_questions(config.demo_questions_path)
    last = gr.State(None, time_to_live=SESSION_TTL_S)
    # The file's name only: the server's folders are nobody's business in a lecture hall.
    gr.Markdown(f"Bấm một câu hỏi mẫu để hỏi. Danh sách lấy từ tệp `{config.demo_questions_path.name}` "
                "(sửa tệp rồi tải lại trang để cập nhật).", elem_classes=["hd-muted"])
    examples = gr.Dataset(components=[gr.Textbox(visible=False)], samples=[[q] for q in questions],
                          label="Câu hỏi mẫu", layout="table", samples_per_page=20, elem_id="demo-examples",
                          elem_classes=["hd-demo"])
    with gr.Row():
        demo_question = gr.Textbox(placeholder="Hoặc nhập câu hỏi…", show_label=False, scale=5,
                                   elem_id="demo-question", elem_classes=["hd-demo"])
        demo_send = gr.Button("Hỏi", variant="primary", scale=1, elem_id="demo-send")
    with gr.Row(equal_height=False):
        answer_view = gr.HTML("<div class='hd-demo hd-muted'>Câu trả lời hiện ở đây.</div>", elem_id="demo-answer")
        source_view = gr.HTML("<div class='hd-demo hd-muted'>Nguồn hiện ở đây.</div>", elem_id="demo-sources")
    with gr.Row():
        export_md = gr.Button("Tải tài liệu phát tay (Markdown)", elem_id="export-md")
        export_html = gr.Button("Tải bản in (HTML)", elem_id="export-html")
    handout = gr.File(label="Tài liệu phát tay", interactive=False, elem_id="handout")

    def ask(text):
        text = valid_text(text or "").strip()
        if not text:
            return gr.update(), gr.update(), None
        banner = index_banner(assistant)
        try:
            answer = assistant.ask(text)
        except QuestionError as err:
            return f"<div class='hd-demo'>{escape(str(err))}</div>", "", None
        except Exception:
            log.exception("demo request failed: %r", text)
            return f"<div class='hd-demo'>{render.ERROR_MESSAGE}</div>", "", None
        return banner + render.demo_answer_html(answer), render.demo_sources_html(answer), for_session(answer)

    examples.click(lambda sample: ask(sample[0]), examples, [answer_view, source_view, last], api_name="demo_example")
    demo_send.click(ask, demo_question, [answer_view, source_view, last], api_name="demo_ask")
    demo_question.submit(ask, demo_question, [answer_view, source_view, last], api_visibility="private")

    def export(answer, kind):
        if answer is None:
            gr.Warning("Hãy hỏi một câu trước khi tải tài liệu phát tay.")
            return None
        folder = Path(tempfile.mkdtemp(prefix="hoidap-handout-"))
        name = re.sub(r"[^\w]+", "-", answer.question.lower()).strip("-")[:50] or "hoi-dap"
        path = folder / f"{name}.{'md' if kind == 'md' else 'html'}"
        path.write_text(render.handout_markdown(answer) if kind == "md" else render.handout_html(answer),
                        encoding="utf-8")
        return str(path)

    export_md.click(lambda a: export(a, "md"), last, handout, api_name="export_markdown")
    export_html.click(lambda a: export(a, "html"), last, handout, api_name="export_html")
