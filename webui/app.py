"""The Gradio app: chat for officials, "Trình chiếu" for trainers, "Quản trị" for the
documents. The index and models are loaded once by the caller and shared by all sessions."""

from __future__ import annotations

import hmac
import logging
from html import escape
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr

from assistant import Answer, Assistant

from . import render
from .feedback import FeedbackLog

log = logging.getLogger("hoidap.webui")
ALL_PROVINCES = "Tất cả"
UPLOAD_TYPES = [".txt", ".html", ".htm"]


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
    ingest: object = None
    """Callable(paths, on_progress) -> (IngestResult, SyncReport) adding files to the index."""
    remove: object = None
    """Callable(doc_ids) -> SyncReport removing documents from the index."""


@dataclass
class _Shared:
    """State shared by every session: one writer at a time for the index."""
    write_lock: threading.Lock = field(default_factory=threading.Lock)


def as_text(text: str) -> str:
    """Chat message content that displays exactly the given characters."""
    return escape(text, quote=False)


def load_demo_questions(path: Path) -> list[str]:
    if not path.is_file():
        return []
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def build_app(assistant: Assistant, config: WebConfig) -> gr.Blocks:
    feedback = FeedbackLog(config.feedback_path)
    shared = _Shared()

    with gr.Blocks(title="Hỏi đáp tài liệu chính sách") as app:
        gr.Markdown("## Hỏi đáp tài liệu chính sách\nTrả lời từ các văn bản đã lập chỉ mục, có trích dẫn nguồn.")
        with gr.Tab("Hỏi đáp", id="chat"):
            _chat_tab(assistant, feedback)
        with gr.Tab("Trình chiếu", id="demo"):
            _demo_tab(assistant, config)
        with gr.Tab("Quản trị", id="admin"):
            _admin_tab(assistant, config, shared)
    return app


# ---- chat ------------------------------------------------------------------------------
def _province_choices(assistant: Assistant) -> list[str]:
    return [ALL_PROVINCES] + assistant.index.provinces()


def _chat_tab(assistant: Assistant, feedback: FeedbackLog) -> None:
    answers = gr.State([])
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
        message = (message or "").strip()
        if not message:
            yield history, gr.update(), gr.update(), previous, ""
            return
        history = list(history or []) + [{"role": "user", "content": as_text(message)},
                                         {"role": "assistant", "content": ""}]
        yield history, "<div class='hd-muted'>Đang tìm trong tài liệu…</div>", "", previous, ""
        try:
            final = None
            for event in assistant.stream(message, history=previous,
                                          province=None if chosen in (None, ALL_PROVINCES) else chosen):
                if isinstance(event, Answer):
                    final = event
                else:
                    history[-1]["content"] += as_text(event)
                    yield history, gr.update(), "", previous, ""
            history[-1]["content"] = as_text(final.answer)
            yield history, render.sources_html(final), render.status_html(final), previous + [final], ""
        except Exception:  # the app keeps serving; the user sees a Vietnamese message
            log.exception("request failed: %r", message)
            history[-1]["content"] = render.ERROR_MESSAGE
            yield history, render.EMPTY_SOURCES, "", previous, ""

    outputs = [chatbot, sources, status, answers, question]
    send.click(respond, [question, chatbot, answers, province], outputs, api_name="ask")
    question.submit(respond, [question, chatbot, answers, province], outputs, api_name=False)
    new_chat.click(lambda: ([], render.EMPTY_SOURCES, "", [], "", ""), None,
                   [chatbot, sources, status, answers, question, thanks], api_name="new_conversation")

    def rate(rating):
        def handler(previous, text):
            if not previous:
                return "Chưa có câu trả lời nào để góp ý.", text
            feedback.record(previous[-1], rating, text or "")
            return "Cảm ơn góp ý của bạn!", ""
        return handler

    up.click(rate("up"), [answers, comment], [thanks, comment], api_name="feedback_up")
    down.click(rate("down"), [answers, comment], [thanks, comment], api_name="feedback_down")


# ---- demo (trainers) -------------------------------------------------------------------
def _demo_tab(assistant: Assistant, config: WebConfig) -> None:
    questions = load_demo_questions(config.demo_questions_path)
    last = gr.State(None)
    gr.Markdown(f"Bấm một câu hỏi mẫu để hỏi. Danh sách lấy từ tệp `{config.demo_questions_path}` "
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
        text = (text or "").strip()
        if not text:
            return gr.update(), gr.update(), None
        try:
            answer = assistant.ask(text)
        except Exception:
            log.exception("demo request failed: %r", text)
            return f"<div class='hd-demo'>{render.ERROR_MESSAGE}</div>", "", None
        return render.demo_answer_html(answer), render.demo_sources_html(answer), answer

    examples.click(lambda sample: ask(sample[0]), examples, [answer_view, source_view, last], api_name="demo_example")
    demo_send.click(ask, demo_question, [answer_view, source_view, last], api_name="demo_ask")
    demo_question.submit(ask, demo_question, [answer_view, source_view, last], api_name=False)

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


# ---- admin -----------------------------------------------------------------------------
def _documents_table(assistant: Assistant) -> list[list]:
    index = assistant.index
    return [[d.doc_id, d.title, ", ".join(d.provinces) or "—", d.date or "—", len(index.chunks_of(d.doc_id))]
            for d in sorted(index.documents, key=lambda d: d.doc_id)]


def _admin_tab(assistant: Assistant, config: WebConfig, shared: _Shared) -> None:
    if not config.admin_password:
        gr.Markdown("Chức năng quản trị đang **tắt**. Đặt biến môi trường `HOIDAP_ADMIN_PASSWORD` "
                    "rồi khởi động lại để bật.", elem_id="admin-disabled")
        return
    unlocked = gr.State(False)
    with gr.Column(visible=True) as login_box:
        password = gr.Textbox(label="Mật khẩu quản trị", type="password", elem_id="admin-password")
        login = gr.Button("Đăng nhập", elem_id="admin-login")
        login_status = gr.Markdown(elem_id="admin-login-status")
    with gr.Column(visible=False) as panel:
        documents = gr.Dataframe(headers=["Mã tài liệu", "Tiêu đề", "Tỉnh", "Ngày", "Số đoạn"],
                                 value=_documents_table(assistant), interactive=False, wrap=True,
                                 label="Tài liệu đã lập chỉ mục", elem_id="admin-documents")
        uploads = gr.File(file_count="multiple", file_types=UPLOAD_TYPES, label="Tải lên tệp .txt/.html",
                          elem_id="admin-upload")
        add = gr.Button("Thêm vào chỉ mục", variant="primary", elem_id="admin-add")
        with gr.Row():
            to_remove = gr.Dropdown([d.doc_id for d in assistant.index.documents], label="Tài liệu cần xóa",
                                    elem_id="admin-remove-choice")
            remove = gr.Button("Xóa tài liệu", variant="stop", elem_id="admin-remove")
        admin_status = gr.Markdown(elem_id="admin-status")

    def do_login(text):
        ok = hmac.compare_digest((text or "").encode(), config.admin_password.encode())
        if not ok:
            return False, "Sai mật khẩu.", gr.update(), gr.update(visible=False), ""
        return True, "", gr.update(visible=False), gr.update(visible=True), ""

    login.click(do_login, password, [unlocked, login_status, login_box, panel, password], api_name=False)

    def refreshed(message):
        ids = [d.doc_id for d in assistant.index.documents]
        return _documents_table(assistant), gr.update(choices=ids, value=None), message

    def do_add(is_unlocked, files, progress=gr.Progress()):
        if not is_unlocked:
            return gr.update(), gr.update(), "Cần đăng nhập quản trị."
        if not files:
            return gr.update(), gr.update(), "Chưa chọn tệp nào."
        config.upload_dir.mkdir(parents=True, exist_ok=True)
        kept = []
        for item in files:
            source = Path(getattr(item, "name", item))
            if source.suffix.lower() not in UPLOAD_TYPES:
                continue
            target = config.upload_dir / (re.sub(r"[^\w.-]+", "_", source.stem) + source.suffix.lower())
            shutil.copyfile(source, target)  # keep the source: the index never owns the only copy
            kept.append(str(target))
        if not kept:
            return gr.update(), gr.update(), "Chỉ nhận tệp .txt, .html, .htm."
        progress(0, desc="Đang làm sạch và lập chỉ mục…")
        with shared.write_lock:
            result, report = config.ingest(kept, lambda done, total: progress((done, total), desc="Nhúng đoạn văn"))
            assistant.refresh()
        lines = [f"Đã thêm {len(report.added)}, cập nhật {len(report.updated)}, giữ nguyên {len(report.unchanged)} "
                 f"tài liệu ({report.embedded_units} mục được nhúng)."]
        lines += [f"- Bỏ qua {Path(p.source).name}: {p.message}" for p in result.problems]
        return refreshed("\n".join(lines))

    def do_remove(is_unlocked, doc_id):
        if not is_unlocked:
            return gr.update(), gr.update(), "Cần đăng nhập quản trị."
        if not doc_id:
            return gr.update(), gr.update(), "Hãy chọn tài liệu cần xóa."
        with shared.write_lock:
            report = config.remove([doc_id])
            assistant.refresh()
        return refreshed(f"Đã xóa {doc_id}." if report.removed else f"Không có tài liệu {doc_id}.")

    add.click(do_add, [unlocked, uploads], [documents, to_remove, admin_status], api_name=False)
    remove.click(do_remove, [unlocked, to_remove], [documents, to_remove, admin_status], api_name=False)
