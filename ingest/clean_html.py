"""HTML pages: trafilatura keeps the article body; BeautifulSoup is the fallback."""

from __future__ import annotations

import trafilatura
from bs4 import BeautifulSoup

from .clean_text import clean_scrape
from .records import CleanedText


def clean_html(html: str) -> CleanedText:
    extracted = trafilatura.bare_extraction(html, include_comments=False, include_tables=True,
                                            favor_recall=True, with_metadata=True)
    data = extracted.as_dict() if hasattr(extracted, "as_dict") else (extracted or {})
    body = data.get("text") or _visible_text(html)
    # The same rules as for plain scrapes catch what trafilatura lets through
    # (e.g. a "Tin Liên Quan: ..." paragraph inside the article body).
    title = (data.get("title") or "").strip()
    cleaned = clean_scrape(f"{title}\n\n{body}" if title and not body.startswith(title) else body)
    cleaned.title = title or None
    cleaned.date = data.get("date") or cleaned.date
    cleaned.author = data.get("author") or cleaned.author
    return cleaned


def _visible_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "aside", "form"]):
        tag.decompose()
    return soup.get_text("\n")
