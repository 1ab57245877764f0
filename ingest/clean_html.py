"""HTML pages: trafilatura keeps the article body; BeautifulSoup is the fallback."""

from __future__ import annotations

import re

import trafilatura
from bs4 import BeautifulSoup

from .clean_text import clean_scrape
from .records import CleanedText

# libxml2 (under trafilatura) stops building the tree ~255 elements deep and silently
# drops everything below; such pages go to Python's html.parser, which has no limit.
LXML_SAFE_DEPTH = 200
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def clean_html(html: str) -> CleanedText:
    if _nesting_depth(html) > LXML_SAFE_DEPTH:
        title_tag = BeautifulSoup(html, "html.parser").title if "<title" in html.lower() else None
        data = {"title": title_tag.get_text() if title_tag is not None else ""}
    else:
        extracted = trafilatura.bare_extraction(html, include_comments=False, include_tables=True,
                                                favor_recall=True, with_metadata=True)
        data = extracted if isinstance(extracted, dict) else (extracted.as_dict() if extracted is not None else {})
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


def _nesting_depth(html: str) -> int:
    depth = deepest = 0
    for closing, name, self_closing in _TAG.findall(html):
        if name.lower() in _VOID or self_closing:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest
