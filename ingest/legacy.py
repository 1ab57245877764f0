"""Vietnamese text in the pre-Unicode encodings still found in provincial archives.

TCVN3 (TCVN 5712:1993 "ABC", the .VnTime fonts) gives every toned lower-case vowel one
byte; VNI-Windows writes a base letter followed by a byte that carries its marks ("a" +
"ù" = "á"). Read as Latin-1 — which is what a Word file in a .VnTime font or a text file
from an old editor yields — both look like "Ch­¬ng tr×nh" or "Chöông trình". Which one a
text is in is decided by measurement: the conversion that makes the most words valid
Vietnamese syllables wins, and only if it makes them Vietnamese.
"""

from __future__ import annotations

import unicodedata

from .quality import vietnamese_share

MIN_SHARE = 0.8   # a converted text must read as Vietnamese at least this well

# TCVN3 (VN3): byte → character, for the bytes that differ from Latin-1.
_TCVN3 = dict(zip(
    "¡¢£¤¥¦§¨©ª«¬\xad®µ¶·¸¹»¼½¾ÆÇÈÉÊËÌÎÏÐÑÒÓÔÕÖ×ØÜÝÞßáâãäåæçèéêëìíîïñòóôõö÷øùúûüýþ",
    "ĂÂÊÔƠƯĐăâêôơưđàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"))
_TCVN3_TABLE = str.maketrans(_TCVN3)

_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"
# VNI-Windows: the byte after a vowel → (vowel mark, tone mark); upper case is 0x20 lower.
_VNI_MARKS = {
    "ù": ("", _ACUTE), "ø": ("", _GRAVE), "û": ("", _HOOK), "õ": ("", _TILDE), "ï": ("", _DOT),
    "â": (_CIRCUMFLEX, ""), "á": (_CIRCUMFLEX, _ACUTE), "à": (_CIRCUMFLEX, _GRAVE),
    "å": (_CIRCUMFLEX, _HOOK), "ã": (_CIRCUMFLEX, _TILDE), "ä": (_CIRCUMFLEX, _DOT),
    "ê": (_BREVE, ""), "é": (_BREVE, _ACUTE), "è": (_BREVE, _GRAVE), "ú": (_BREVE, _HOOK),
    "ü": (_BREVE, _TILDE), "ë": (_BREVE, _DOT),
}
_VNI_MARKS.update({ch.upper(): marks for ch, marks in list(_VNI_MARKS.items())})
# VNI-Windows: bytes that are whole letters by themselves.
_VNI_LETTERS = dict(zip("ôöñìíæóòîÔÖÑÌÍÆÓÒÎ", "ơưđìíỉĩịỵƠƯĐÌÍỈĨỊỴ"))
_VOWELS = set("aeiouyơưAEIOUYƠƯ")


class LegacyEncodingError(ValueError):
    """Bytes that are neither UTF-8 nor a legacy Vietnamese encoding."""


def tcvn3_to_unicode(text: str) -> str:
    return text.translate(_TCVN3_TABLE)


def vni_to_unicode(text: str) -> str:
    out: list[str] = []
    for ch in text:
        marks = _VNI_MARKS.get(ch)
        if marks and out and out[-1] in _VOWELS:
            out[-1] = unicodedata.normalize("NFC", out[-1] + marks[0] + marks[1])
        else:
            out.append(_VNI_LETTERS.get(ch, ch))
    return "".join(out)


_CONVERTERS = (("TCVN3", tcvn3_to_unicode), ("VNI", vni_to_unicode))


def convert(text: str) -> tuple[str, str | None]:
    """(text, encoding it was converted from) — unchanged and None when the text already
    reads as Vietnamese or no conversion makes it so."""
    before = vietnamese_share(text)
    if before is None or before >= MIN_SHARE:
        return text, None
    best = max(((name, converter(text)) for name, converter in _CONVERTERS),
               key=lambda pair: vietnamese_share(pair[1]) or 0.0)
    after = vietnamese_share(best[1]) or 0.0
    return (best[1], best[0]) if after >= MIN_SHARE and after > before else (text, None)


def decode_legacy(data: bytes) -> str:
    """Bytes that failed UTF-8, read as TCVN3 or VNI when one of them makes Vietnamese."""
    text, encoding = convert(data.decode("latin-1"))
    if encoding is None:
        raise LegacyEncodingError("not TCVN3 or VNI")
    return text
