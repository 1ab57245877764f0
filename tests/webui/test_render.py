from assistant.records import Answer, Citation
from hoidap.messages import GROUNDED, UNGROUNDED
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
    assert GROUNDED in render.status_html(answer())
    assert UNGROUNDED in render.status_html(answer(grounded=False))
    fallback = render.status_html(answer(notice="Không dùng được mô hình ngôn ngữ"))
    assert "hd-notice" in fallback and "Không dùng được" in fallback
    refused = render.status_html(answer(refused=True, citations=[], notice="x"))
    assert render.NOTICE_REFUSED in refused and GROUNDED not in refused


def test_handouts():
    md = render.handout_markdown(answer())
    assert "**Câu hỏi:** Câu hỏi \\*\\*đậm\\*\\* &lt;i&gt;?&lt;/i&gt;" in md and "> Kinh tế số đóng góp" in md
    page = render.handout_html(answer())
    assert page.startswith("<!doctype html>") and "@page" in page and "<script>" not in page
    assert "&lt;i&gt;?&lt;/i&gt;" in page and "http" not in page


HOSTILE = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "[bấm](javascript:alert(1))",
           "![x](http://evil/x.png)", "`code` *em* _em_ <b>b</b>", "<a href='javascript:alert(1)'>a</a>",
           "1. danh sách\n- mục\n# tiêu đề", "\\<script>alert(1)</script>", "<!-- x --><style>*{}</style>"]


def test_markdown_handout_renders_hostile_text_literally():
    """Rendered as CommonMark (raw HTML allowed, as most viewers do), nothing the question or
    a document says becomes a tag, a link, an image or formatting (issue 14.5)."""
    from markdown_it import MarkdownIt
    renderer = MarkdownIt("commonmark")
    for hostile in HOSTILE:
        hostile_citation = citation(title=hostile, quote=hostile, text=hostile, quote_start=0,
                                    quote_end=len(hostile), doc_id=hostile, province=hostile)
        page = renderer.render(render.handout_markdown(answer(question=hostile, answer=hostile,
                                                              notice=hostile, citations=[hostile_citation])))
        for tag in ("<img", "<script", "<a ", "<b>", "<em>em", "<code>", "<style", "<!--", "<ol", "<h2>tiêu"):
            assert tag not in page, (hostile, tag, page)
        flat = " ".join(hostile.split())
        assert __import__("html").escape(flat, quote=False) in page.replace("&quot;", '"').replace("&#x27;", "'")


def test_damaged_index_banner_gives_the_reason_but_no_server_path(tmp_path, small_corpus, embedder):
    from assistant import Assistant
    from index import HybridIndex
    from index.store import current_generation
    from ingest import Ingestor
    from webui.chat import index_banner
    index_dir = tmp_path / "index"
    first = Ingestor().run([str(small_corpus)])
    HybridIndex.open(index_dir, embedder).sync(first.documents, first.chunks)
    assistant = Assistant(HybridIndex.open(index_dir, embedder))
    assert index_banner(assistant) == ""
    HybridIndex.open(index_dir, embedder).remove(["lao_cai_note"])
    (current_generation(index_dir) / "manifest.json").unlink()   # segments it already has are not read again
    banner = index_banner(assistant)
    assert "bị hỏng" in banner and "hoidap ingest --rebuild" in banner and str(tmp_path) not in banner
    assert "manifest.json" in banner
