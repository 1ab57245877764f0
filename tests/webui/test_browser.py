"""A person in Chromium: types a question, watches the answer and its sources appear,
uploads a document in the admin tab and finds it by a question."""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from ingest.ocr import missing_tools

from .conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.skipif(not shutil.which("chromium") or not shutil.which("chromedriver"),
                                reason="needs Debian's chromium and chromium-driver (installed by .ci/run)")


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1300,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()


def wait(driver, seconds=60):
    return WebDriverWait(driver, seconds)


def ask(driver, text):
    box = driver.find_element(By.CSS_SELECTOR, "#question textarea")
    box.clear()
    box.send_keys(text)
    driver.find_element(By.ID, "send").click()


def test_chat_answer_streams_in_with_sources(browser, server):
    browser.get(server[0])
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#question textarea")))
    ask(browser, "Lai Châu ban hành Kế hoạch Bình dân học vụ số vào ngày nào?")
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "sources"), "Bình dân học vụ số"))
    chat = browser.find_element(By.ID, "chatbot").text
    assert "5/5/2025" in chat and "[1]" in chat
    assert "Số liệu khớp nguồn" in browser.find_element(By.ID, "status").text
    mark = browser.find_element(By.CSS_SELECTOR, "#sources details mark")
    assert "5/5/2025" in mark.text
    summary = browser.find_element(By.CSS_SELECTOR, "#sources details summary")
    summary.click()  # expanding shows the whole chunk
    assert "Đây là chủ trương quan trọng" in browser.find_element(By.CSS_SELECTOR, "#sources details").text
    browser.save_screenshot(str(server[1] / "chat.png"))


def test_markup_in_questions_is_shown_as_text(browser, server):
    browser.get(server[0])
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#question textarea")))
    ask(browser, "<b>đậm</b> **sao** Lào Cai là gì?")
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "chatbot"), "<b>đậm</b> **sao**"))
    assert not browser.find_elements(By.CSS_SELECTOR, "#chatbot b")


def upload_in_admin(browser, url, path) -> None:
    """Log in to the admin tab of a fresh page, upload one file and wait until it is indexed."""
    browser.get(url)
    wait(browser).until(EC.element_to_be_clickable((By.XPATH,
                                                    "//button[@role='tab'][contains(., 'Quản trị')]"))).click()
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR,
                                                        "#admin-password input"))).send_keys(ADMIN_PASSWORD)
    browser.find_element(By.ID, "admin-login").click()
    upload = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#admin-upload input[type=file]")))
    upload.send_keys(str(path))
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "admin-upload"), Path(path).stem))
    browser.find_element(By.ID, "admin-add").click()
    wait(browser, 300).until(EC.text_to_be_present_in_element((By.ID, "admin-status"), "Đã thêm 1"))


def test_admin_upload_then_the_document_answers(browser, server, tmp_path):
    # A CLI ingest into the running server's index first: the server must answer from it
    # and its upload must not drop it (it used to write from its stale in-memory copy).
    cli_doc = tmp_path / "dien_bien_ghi_chu.txt"
    cli_doc.write_text("Điện Biên phát triển hạ tầng số\n\nTỉnh Điện Biên lắp đặt 320 điểm phát wifi miễn phí "
                       "tại các trường học.\n", encoding="utf-8")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    subprocess.run([sys.executable, "-m", "hoidap", "ingest", str(cli_doc), "--index-dir", str(server[1] / "index")],
                   check=True, capture_output=True, env=env, timeout=300)
    browser.get(server[0])
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#question textarea")))
    ask(browser, "Điện Biên lắp đặt bao nhiêu điểm phát wifi miễn phí?")
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "sources"), "Điện Biên phát triển hạ tầng số"))

    document = tmp_path / "son_la_chuyen_doi_so.txt"
    document.write_text("Sơn La đẩy mạnh chuyển đổi số\n\nTỉnh Sơn La đặt mục tiêu đến năm 2030 có 95% hồ sơ "
                        "thủ tục hành chính được xử lý trực tuyến. Sơn La thành lập 1.250 tổ công nghệ số cộng đồng.\n",
                        encoding="utf-8")
    upload_in_admin(browser, server[0], document)
    listed = browser.find_element(By.ID, "admin-documents").text
    assert "son_la_chuyen_doi_so" in listed and "dien_bien_ghi_chu" in listed
    kept = list((server[1] / "uploads").glob("son_la_chuyen_doi_so-*.txt"))
    assert len(kept) == 1, "an upload is kept under a name of its own (name + content hash)"
    assert json.loads(kept[0].with_name(kept[0].name + ".json").read_text(encoding="utf-8"))[
        "original_name"] == "son_la_chuyen_doi_so.txt"

    browser.find_element(By.XPATH, "//button[@role='tab'][contains(., 'Hỏi đáp')]").click()
    ask(browser, "Sơn La có bao nhiêu tổ công nghệ số cộng đồng?")
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "sources"), "Sơn La đẩy mạnh chuyển đổi số"))
    assert "1.250" in browser.find_element(By.ID, "chatbot").text


@pytest.mark.skipif(bool(missing_tools()), reason="Debian OCR tools missing")
def test_admin_uploads_a_scanned_pdf_and_its_ocr_text_answers(browser, server):
    scan = Path(__file__).resolve().parent.parent / "data" / "docs" / "bct-cv2265-2026-scan.pdf"
    upload_in_admin(browser, server[0], scan)   # OCR of three pages included
    listed = browser.find_element(By.ID, "admin-documents").text
    assert "Công văn" in listed and "BỘ CÔNG THƯƠNG" in listed
    browser.find_element(By.XPATH, "//button[@role='tab'][contains(., 'Hỏi đáp')]").click()
    ask(browser, "Thông tư 15/2026/TT-BCT có hiệu lực từ ngày nào?")
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "sources"), "Công văn"))
    assert "10/4/2026" in browser.find_element(By.ID, "chatbot").text


def test_demo_tab_one_click_asks(browser, server):
    browser.get(server[0])
    wait(browser).until(EC.element_to_be_clickable((By.XPATH,
                                                    "//button[@role='tab'][contains(., 'Trình chiếu')]"))).click()
    example = wait(browser).until(EC.element_to_be_clickable(
        (By.XPATH, "//*[@id='demo-examples']//*[contains(text(), 'Mục tiêu kinh tế số của Lào Cai')]")))
    example.click()
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "demo-answer"), "20% GRDP"))
    assert "Kinh tế số đóng góp tối thiểu 20% GRDP" in browser.find_element(By.ID, "demo-sources").text
    time.sleep(0.5)
    browser.save_screenshot(str(server[1] / "demo.png"))


def test_demo_tab_shows_the_targets_table_in_large_type(browser, server):
    browser.get(server[0])
    wait(browser).until(EC.element_to_be_clickable((By.XPATH,
                                                    "//button[@role='tab'][contains(., 'Trình chiếu')]"))).click()
    wait(browser).until(EC.element_to_be_clickable((By.ID, "demo-targets-show"))).click()
    # Nothing chosen: the indicator set for the most provinces and years is shown.
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "demo-targets"), "Kinh tế số / GRDP"))
    table = browser.find_element(By.CSS_SELECTOR, "#demo-targets table")
    columns = [th.text.replace("\n", " ") for th in table.find_elements(By.CSS_SELECTOR, "thead th")][1:]
    cells = dict(zip(columns, [td.text for td in table.find_elements(By.CSS_SELECTOR, "tbody td")]))
    assert cells["Lai Châu 2026"] == "7%" and cells["Lào Cai 2045"] == "> 40%"
    value = table.find_element(By.CSS_SELECTOR, "tbody td a")
    assert float(value.value_of_css_property("font-size").removesuffix("px")) >= 20   # read across a room
    browser.execute_script("arguments[0].scrollIntoView()", table)
    browser.save_screenshot(str(server[1] / "demo-targets.png"))


def test_targets_tab_compares_provinces_and_years(browser, server):
    browser.get(server[0])
    wait(browser).until(EC.element_to_be_clickable((By.XPATH, "//button[@role='tab' and contains(., 'Chỉ tiêu')]")))
    browser.find_element(By.XPATH, "//button[@role='tab' and contains(., 'Chỉ tiêu')]").click()
    box = wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#targets-indicator textarea")))
    box.send_keys("kinh tế số")
    browser.find_element(By.ID, "targets-show").click()
    wait(browser).until(EC.text_to_be_present_in_element((By.ID, "targets-compare"), "Lào Cai"))
    table = browser.find_element(By.CSS_SELECTOR, "#targets-compare table")
    columns = [th.text.replace("\n", " ") for th in table.find_elements(By.CSS_SELECTOR, "thead th")][1:]
    row = next(tr for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr")
               if tr.find_element(By.TAG_NAME, "th").text == "Kinh tế số / GRDP")
    cells = dict(zip(columns, [td.text.replace("\n", " ") for td in row.find_elements(By.TAG_NAME, "td")]))
    assert cells["Lai Châu 2026"] == "7%" and "9-10%" in cells["Lai Châu 2030"]
    assert cells["Lai Châu 2045"] == "≥ 20%"
    assert cells["Lào Cai 2030"] == "≥ 20%" and cells["Lào Cai 2045"] == "> 40%"
    # Every value links to the sentence it was read from.
    link = row.find_element(By.XPATH, ".//td[last()]/a")
    quote = browser.find_element(By.ID, link.get_attribute("href").split("#")[1])
    assert "40% GRDP" in quote.get_attribute("textContent")
    wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#targets-chart canvas, #targets-chart svg")))
    csv_link = browser.find_element(By.CSS_SELECTOR, "#targets-csv")
    assert csv_link.is_enabled()
    browser.save_screenshot(str(server[1] / "targets.png"))
    browser.execute_script("arguments[0].scrollIntoView()", browser.find_element(By.ID, "targets-chart"))
    browser.save_screenshot(str(server[1] / "targets-chart.png"))
