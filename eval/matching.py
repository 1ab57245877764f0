"""How an answer is matched against expected facts.

Both sides are normalised before a fact is looked for in the answer:
1. Unicode NFC, case-folded, one tone-mark placement ("uỷ" = "ủy", "hoà" = "hòa");
2. white space collapsed to single spaces;
3. numbers written one way: thousands separators dropped ("2.191" = "2,191" = "2191"),
   decimal comma as a dot ("56,7" = "56.7"), no spaces inside ranges or before "%"
   ("9 - 10 %" = "9-10%").
A fact matches when its normalised text, without closing punctuation ("sứa lược." as
"sứa lược", as SQuAD's own scorer drops punctuation), occurs in the normalised answer on
word boundaries ("20%" does not match inside "120%").
"""

from __future__ import annotations

import re

from ingest.normalize import NUMBER, canonical_number, collapse_spaces, match_key

_CLOSING = " .,;:!?"   # a fact's closing punctuation (see contains)


def normalize(text: str) -> str:
    text = collapse_spaces(match_key(text))
    text = re.sub(r"(?<=\d)\s*([-–/])\s*(?=\d)", r"\1", text).replace("–", "-")
    text = re.sub(r"(?<=\d)\s+%", "%", text)
    return NUMBER.sub(lambda m: canonical_number(m.group()), text)


def contains(haystack: str, needle: str) -> bool:
    # A fact's closing punctuation ("sứa lược.", "Amazon,") is where the span was cut, not
    # part of the fact; the answer puts its citation there ("sứa lược [1].").
    needle, haystack = normalize(needle.rstrip(_CLOSING)), normalize(haystack)
    if not needle:
        return False
    pattern = r"(?<![\w.,])" + re.escape(needle) + r"(?![\w]|[.,]\d)"
    return re.search(pattern, haystack) is not None


def matches_facts(text: str, facts: list[list[str]]) -> bool:
    """True when every group has at least one alternative in the text."""
    return all(any(contains(text, alternative) for alternative in group) for group in facts)
