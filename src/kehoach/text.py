"""Vietnamese text normalisation and matching keys.

Documents mix two tone-mark placements ("hoá"/"hóa", "thuỷ"/"thủy", "Uỷ"/"Ủy"), several dash
characters and stray spaces; users type names without diacritics. Every comparison goes through
one of the keys here so that all of these meet.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Combining tone marks (dấu thanh). Vowel-quality marks (circumflex, breve, horn) are not tones.
_TONES = "\u0301\u0300\u0309\u0303\u0323"
_TONE_RE = re.compile(f"[{_TONES}]")
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_DASHES = re.compile(r"\s*[-‐‑‒–—―]\s*")
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,;:.)])")
# Syllables ending in these vowel pairs take the tone on the first vowel in the placement used by
# Vietnamese administrative documents ("hóa", "thủy", "khỏe"); "qu" + "y" is not such a pair.
_OLD_STYLE_PAIR = re.compile(r"(?<![qQ])([oO][aAeE]|[uU][yY])$")
# Control characters other than tab/newline, which Word cannot store and copy-paste brings in.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _place_tone(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = _TONE_RE.findall(decomposed)
    if len(tones) != 1:
        return word
    bare = _TONE_RE.sub("", decomposed)
    bare_nfc = unicodedata.normalize("NFC", bare)
    m = _OLD_STYLE_PAIR.search(bare_nfc)
    if not m:
        return word
    pos = m.start()
    placed = bare_nfc[: pos + 1] + tones[0] + bare_nfc[pos + 1 :]
    return unicodedata.normalize("NFC", placed)


def normalize(text: str) -> str:
    """NFC, one tone-mark placement, single spaces: the form stored and displayed."""
    text = nfc(text)
    text = _WORD_RE.sub(lambda m: _place_tone(m.group(0)), text)
    return _SPACES.sub(" ", text).strip()


# The same names recur: every province's copy of a standard body, every task naming "các sở, ban, ngành".
@functools.lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Case-insensitive matching key that keeps diacritics ("Sở Tài chính" == "SỞ TÀI CHÍNH")."""
    text = normalize(text).casefold()
    text = _DASHES.sub(" - ", text)
    text = re.sub(r"\s*&\s*", "&", text)  # "KH & ĐT" = "KH&ĐT"
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = text.replace("–", "-")
    return _SPACES.sub(" ", text).strip(" .;")


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D")


@functools.lru_cache(maxsize=8192)
def ascii_key(text: str) -> str:
    """Matching key without diacritics: "So Tai chinh" finds "Sở Tài chính"."""
    return strip_diacritics(fold(text))


def slug(text: str) -> str:
    """ASCII file-name-safe slug: "Sở Tài chính" -> "so-tai-chinh"."""
    s = re.sub(r"[^a-z0-9]+", "-", ascii_key(text))
    return s.strip("-") or "x"


def clean_for_word(text: str) -> str:
    """Drop characters that Word (and python-docx) cannot store, such as a pasted vertical tab."""
    return _CONTROL.sub(" ", text)


def shorten(text: str, width: int = 80) -> str:
    text = _SPACES.sub(" ", text).strip()
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
