"""The running app through gradio_client, as another program would drive it."""

import json

import pytest
from gradio_client import Client

from hoidap.messages import GROUNDED
from webui.render import NOTICE_REFUSED


@pytest.fixture(scope="module")
def client(server):
    return Client(server[0], verbose=False)


def text_of(message) -> str:
    content = message["content"]
    return content if isinstance(content, str) else "".join(part.get("text", "") for part in content)


def test_ask_follow_up_and_feedback(client, server):
    chat, sources, status, box = client.predict("Mục tiêu kinh tế số của Lai Châu đến năm 2030 là bao nhiêu?",
                                                [], "Tất cả", api_name="/ask")
    assert "9-10% GRDP [1]" in text_of(chat[-1]) and box == ""
    assert "<mark>kinh tế số chiếm khoảng 9-10% GRDP</mark>" in sources and GROUNDED in status

    chat, sources, status, _ = client.predict("Còn Lào Cai thì sao?", chat, "Tất cả", api_name="/ask")
    assert "20% GRDP" in text_of(chat[-1]) and "Lào Cai" in sources and len(chat) == 4

    thanks, comment = client.predict("rõ ràng, có nguồn", api_name="/feedback_up")
    assert thanks == "Cảm ơn góp ý của bạn!" and comment == ""
    record = json.loads((server[1] / "feedback.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert record["rating"] == "up" and record["comment"] == "rõ ràng, có nguồn"
    assert record["resolved_question"].startswith("Mục tiêu kinh tế số của Lào Cai")


def test_refused_question(client):
    chat, sources, status, _ = client.predict("Dân số tỉnh Lai Châu năm 2024 là bao nhiêu người?", [], "Tất cả",
                                              api_name="/ask")
    assert text_of(chat[-1]) == "Không tìm thấy thông tin này trong các tài liệu hiện có."
    assert NOTICE_REFUSED in status and "Có thể liên quan" in sources


def test_province_filter(client):
    # The province chosen in the page filters what is quoted; which Lào Cai quote answers is
    # the assistant's test (test_province_filter_from_the_caller).
    chat, sources, _, _ = client.predict("Mục tiêu kinh tế số đến năm 2045?", [], "Lào Cai", api_name="/ask")
    assert "Lào Cai" in text_of(chat[-1]) + sources and "Lai Châu ·" not in sources


def test_demo_mode_and_handout_export(client):
    answer_html, sources_html = client.predict("Bình dân học vụ số ban hành ngày nào?", api_name="/demo_ask")
    assert "5/5/2025" in answer_html and "hd-demo" in sources_html
    path = client.predict(api_name="/export_markdown")
    text = open(path, encoding="utf-8").read()
    assert "**Câu hỏi:** Bình dân học vụ số ban hành ngày nào?" in text and "5/5/2025" in text
    printable = open(client.predict(api_name="/export_html"), encoding="utf-8").read()
    assert "@page" in printable and "5/5/2025" in printable


def test_admin_tab_is_disabled_without_a_password(tmp_path, corpus_index_dir):
    import shutil
    import urllib.request

    from .conftest import start_server
    index_dir = tmp_path / "index"
    shutil.copytree(corpus_index_dir, index_dir)
    proc, url = start_server(tmp_path, index_dir, admin_password="")
    try:
        page = urllib.request.urlopen(url + "config", timeout=10).read().decode("utf-8")
        assert "Chức năng quản trị đang" in page and "admin-password" not in page
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_admin_tab_without_a_writable_index_says_so_instead_of_failing_on_upload(corpus_index, tmp_path):
    """A password alone does not make a server writable: with no ingest step the tab
    says it is read-only (it used to show the upload form and fail on the first file)."""
    from assistant import Assistant
    from hoidap.config import Settings
    from webui.app import build_app
    from webui.config import WebConfig

    config = WebConfig(feedback_path=tmp_path / "feedback.jsonl", demo_questions_path=Settings().demo_questions,
                       upload_dir=tmp_path / "uploads", admin_password="mat-khau")
    app = build_app(Assistant(corpus_index), config)
    shown = {block.elem_id: getattr(block, "value", None) for block in app.blocks.values()}
    assert "chế độ chỉ đọc" in shown["admin-disabled"]
    assert "admin-password" not in shown and "admin-upload" not in shown


def test_uploads_over_the_limit_are_refused_and_no_server_path_is_shown(server):
    """Issue 14.7: Gradio's upload endpoint took any size without login; 14.10: the demo
    tab showed the server's absolute path."""
    import urllib.error
    import urllib.request
    import uuid

    from hoidap.config import PROJECT_ROOT
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\n").encode() + b"x" * (2 * 2**20) + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(server[0] + "gradio_api/upload", data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        status = urllib.request.urlopen(request, timeout=30).status
    except urllib.error.HTTPError as err:
        status = err.code
    assert status == 413
    page = urllib.request.urlopen(server[0] + "config", timeout=10).read().decode("utf-8")
    assert "demo_questions.txt" in page and str(PROJECT_ROOT) not in page


def test_an_over_long_question_gets_a_message_not_a_stall(client):
    chat, sources, status, box = client.predict("kinh tế số " * 1000, [], "Tất cả", api_name="/ask")
    assert "quá dài" in text_of(chat[-1]) and "tối đa 1000" in text_of(chat[-1])
