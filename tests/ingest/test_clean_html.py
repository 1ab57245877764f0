from ingest.clean_html import clean_html

PAGE = """<html><head><title>Lào Cai phát triển kinh tế số</title></head><body>
<nav><a href="/">Trang chủ</a> | <a href="/tin">Tin tức</a></nav>
<article><h1>Lào Cai phát triển kinh tế số</h1>
<p>Tỉnh Lào Cai đặt mục tiêu kinh tế số đóng góp tối thiểu 20% GRDP của tỉnh vào năm 2030.
Đây là chỉ tiêu cao so với bình quân cả nước và đòi hỏi nhiều nỗ lực của các cấp, các ngành.</p>
<p>Tỉ lệ sử dụng dịch vụ công trực tuyến của người dân và doanh nghiệp đạt trên 80%,
giao dịch không dùng tiền mặt trong các hoạt động kinh tế - xã hội đạt tỷ lệ 80%.</p>
<p>Tin Liên Quan: Giải bóng chuyền nữ vô địch quốc gia 2024</p>
</article>
<aside><h3>Tin liên quan</h3><ul><li><a href="/a">Phấn đấu tái thiết khu dân cư Làng Nủ</a></li></ul></aside>
<footer>© Văn phòng Tỉnh ủy Lào Cai. Điện thoại: 0214.3840.044</footer>
</body></html>"""


def test_html_keeps_the_article_and_drops_furniture():
    cleaned = clean_html(PAGE)
    assert "kinh tế số đóng góp tối thiểu 20% GRDP" in cleaned.text
    assert "giao dịch không dùng tiền mặt" in cleaned.text
    for noise in ("Trang chủ", "bóng chuyền", "Làng Nủ", "0214.3840.044"):
        assert noise not in cleaned.text
    assert cleaned.title == "Lào Cai phát triển kinh tế số"


def test_html_nested_deeper_than_libxml2_allows_keeps_all_its_text():
    """Issue 14.9: trafilatura's parser stopped ~255 levels deep and the rest vanished."""
    from ingest.clean_html import clean_html
    levels = 600
    html = ("<html><head><title>Kế hoạch</title></head><body>"
            + "".join(f"<div><p>Mức {i}: nội dung về chuyển đổi số cấp xã.</p>" for i in range(levels))
            + "</div>" * levels + "</body></html>")
    cleaned = clean_html(html)
    assert cleaned.text.count("Mức ") == levels and "Mức 599:" in cleaned.text
