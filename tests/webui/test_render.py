from assistant.records import Answer, Citation
from webui import render


def citation(**overrides):
    text = "Mở đầu <b>đậm</b>. Kinh tế số đóng góp tối thiểu 20% GRDP của tỉnh. Kết."
    quote = "Kinh tế số đóng góp tối thiểu 20% GRDP của tỉnh."
    start = text.index(quote)
    values = dict(n=1, doc_id="001", chunk_id="001#007", title="Mục tiêu <script>x</script>", date="2025-05-19",
                  province="Lào Cai", text=text, quote=quote, quote_start=start, quote_end=start + len(quote),
                  context="Các mục tiêu cụ thể đến năm 2030 được xác định:")
    return Citation(**{**values, **overrides})


def answer(**overrides):
    values = dict(question="Câu hỏi **đậm** <i>?</i>", answer="Kinh tế số … 20% GRDP [1].", refused=False,
                  grounded=True, backend="extractive", citations=[citation()])
    return Answer(**{**values, **overrides})


def test_sources_escape_document_text_and_highlight_the_quote():
    html = render.sources_html(answer())
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;đậm&lt;/b&gt;" in html
    assert "<mark>Kinh tế số đóng góp tối thiểu 20% GRDP của tỉnh.</mark>" in html
    assert "Lào Cai · 19/05/2025" in html and "<details" in html
    assert "Các mục tiêu cụ thể đến năm 2030" in html  # the whole chunk in context


def test_status_badge_and_notices():
    assert render.BADGE_GROUNDED in render.status_html(answer())
    assert render.BADGE_UNGROUNDED in render.status_html(answer(grounded=False))
    fallback = render.status_html(answer(notice="Không dùng được mô hình ngôn ngữ"))
    assert "hd-notice" in fallback and "Không dùng được" in fallback
    refused = render.status_html(answer(refused=True, citations=[], notice="x"))
    assert render.NOTICE_REFUSED in refused and render.BADGE_GROUNDED not in refused


def test_handouts():
    md = render.handout_markdown(answer())
    assert "**Câu hỏi:** Câu hỏi **đậm** <i>?</i>" in md and "> Kinh tế số đóng góp" in md
    page = render.handout_html(answer())
    assert page.startswith("<!doctype html>") and "@page" in page and "<script>" not in page
    assert "&lt;i&gt;?&lt;/i&gt;" in page and "http" not in page
