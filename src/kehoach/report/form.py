"""Format rules of the document (thể thức): header, number, place and date, signature block.

Two formats, chosen from the issuer's ``level`` in the registry:

- ``state``: Nghị định 30/2020/NĐ-CP, Phụ lục I (cơ quan nhà nước, hiệp hội, đoàn thể);
- ``party``: Hướng dẫn 36-HD/VPTW ngày 03/4/2018 của Văn phòng Trung ương Đảng (cơ quan Đảng).

Plain strings and numbers out; nothing here knows DOCX. What the registry states is printed as
is; what is guessed (a ký hiệu from initials, a signing title from the kind of body) is flagged
so that the template can highlight it as "[kiểm tra: …]".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from kehoach.agencies import Registry
from kehoach.model import Agency
from kehoach.text import ascii_key

PARTY, STATE = "party", "state"

# Header columns of the templates (mm; the text is 3.8 mm narrower: cell margins) and sizes (pt).
HEADER_W = (64.0, 101.0)
PARTY_HEADER_W = (78.0, 87.0)
CELL_MARGINS_MM = 3.8
HEADER_TEXT_MM = HEADER_W[0] - CELL_MARGINS_MM
PARTY_HEADER_TEXT_MM = PARTY_HEADER_W[0] - CELL_MARGINS_MM
HEADER_PT = 13  # NĐ 30, Phụ lục I, mục II.3: tên cơ quan cỡ 12 - 13
PARTY_HEADER_PT = 14  # HD 36, mục III: tên cơ quan ban hành cỡ 14
MOTTO_PT = 14  # "Độc lập - Tự do - Hạnh phúc", cỡ 13 - 14, đậm
PARTY_TITLE_PT = 15  # "ĐẢNG CỘNG SẢN VIỆT NAM", cỡ 15, đậm
ISSUER_RULE_RATIO = 0.4  # NĐ 30: đường kẻ dưới tên cơ quan dài 1/3 - 1/2 dòng chữ trên
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PARTY_TITLE = "ĐẢNG CỘNG SẢN VIỆT NAM"

# ---------------------------------------------------------------------------------- text widths

# Advance widths of Times New Roman (regular, bold) in 1/1000 em; accents do not change them.
_REGULAR = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        [722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722,
         722, 944, 722, 722, 611, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500,
         500, 333, 389, 278, 500, 500, 722, 500, 500, 444],  # fmt: skip
        strict=True,
    )
)
_BOLD = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        [722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722,
         722, 1000, 722, 722, 667, 500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833, 556, 500, 556,
         556, 444, 389, 333, 556, 500, 722, 500, 500, 444],  # fmt: skip
        strict=True,
    )
)
_OTHER = {" ": 250, "-": 333, ",": 250, ".": 250, "&": 778, "(": 333, ")": 333, "/": 278, "*": 500}
PT_MM = 25.4 / 72


def _units(text: str, bold: bool) -> int:
    """Advance width of ``text`` in Times New Roman, in thousandths of the font size."""
    table = _BOLD if bold else _REGULAR
    total = 0
    for ch in text:
        base = unicodedata.normalize("NFD", ch.replace("đ", "d").replace("Đ", "D"))[0]
        total += table.get(base) or _OTHER.get(base) or (500 if base.isdigit() else 600)
    return total


def text_width_mm(text: str, size_pt: float, bold: bool = False) -> float:
    """Printed width of one line in Times New Roman, from the font's advance widths."""
    return _units(text, bold) / 1000 * size_pt * PT_MM


# Words a header line should not end with, and words a new line may well start with.
_NO_END = {"và", "các", "của", "về", "-", "khu", "ban", "sở", "hội", "liên"}
_GOOD_START = {"tỉnh", "và", "chi", "-", "thành"}
_NO_END_KEYS = {ascii_key(w) for w in _NO_END}
_GOOD_START_KEYS = {ascii_key(w) for w in _GOOD_START}
# Two-syllable words and names of the registry's headers: a line never breaks inside them.
_COMPOUNDS = {
    tuple(pair.split())
    for pair in (
        "uy ban", "nhan dan", "kinh te", "doanh nghiep", "hop tac", "tac xa", "thanh hoa", "ninh binh", "viet nam",
        "thuong mai", "cong nghiep", "dan van", "tuyen giao", "quan su", "chi huy", "quan ly", "van hoa", "the thao",
        "du lich", "hiep hoi", "lien doan", "lien minh", "chi nhanh", "tinh uy", "nghi son", "tai chinh",
        "cong thuong", "ngoai vu", "noi vu", "khoa hoc", "cong nghe", "giao duc", "dao tao", "xay dung",
        "nong nghiep", "moi truong", "thanh tra", "van phong", "cong an", "dai hoc", "hong duc", "chap hanh",
        "thuong vu", "dang bo", "tinh thanh", "khu kinh", "khu cong", "van hoc", "nghe thuat", "phat thanh",
        "truyen hinh", "dan toc", "ton giao", "tu phap", "y te", "lao dong", "thuong binh", "xa hoi",
    )
}  # fmt: skip


def split_lines(text: str, max_mm: float, size_pt: float, bold: bool) -> list[str]:
    """Break a name into the fewest lines that fit ``max_mm``, balanced by width at phrase boundaries.

    A line's width is its words' widths plus its spaces (prefix sums of integer font units, so each
    candidate costs a few additions); a name of more than ``_BALANCE_WORDS`` words is filled greedily,
    since the balanced search grows with the cube of the words."""
    words = text.split()
    if len(words) < 2 or text_width_mm(text, size_pt, bold) <= max_mm:
        return [text]
    space = _units(" ", bold)
    prefix = [0]
    for word in words:
        prefix.append(prefix[-1] + _units(word, bold))

    def width(a: int, b: int) -> float:
        return (prefix[b] - prefix[a] + (b - a - 1) * space) / 1000 * size_pt * PT_MM

    if len(words) > _BALANCE_WORDS:
        return _fill(words, max_mm, width)
    keys = [ascii_key(w) for w in words]
    cut_cost = [0] * len(words)  # what a line break before word c costs
    for c in range(1, len(words)):
        cut_cost[c] = (
            60 * ((keys[c - 1], keys[c]) in _COMPOUNDS)
            + 40 * (keys[c - 1] in _NO_END_KEYS)
            - 8 * (keys[c] in _GOOD_START_KEYS)
        )
    best: tuple[float, tuple[int, ...]] | None = None
    for n in range(2, min(4, len(words)) + 1):
        for cuts in _cut_points(len(words), n):
            widths = [width(a, b) for a, b in zip((0, *cuts), (*cuts, len(words)), strict=True)]
            if max(widths) > max_mm:
                continue
            score = max(widths) - min(widths) + 25 * (n - 2) + sum(cut_cost[c] for c in cuts)
            if best is None or score < best[0]:
                best = (score, cuts)
    if best:
        bounds = zip((0, *best[1]), (*best[1], len(words)), strict=True)
        return [" ".join(words[a:b]) for a, b in bounds]
    return [text]  # a single word wider than the column: Word wraps it


_BALANCE_WORDS = 40


def _fill(words: list[str], max_mm: float, width: Callable[[int, int], float]) -> list[str]:
    """As many words on each line as fit, in order."""
    lines, start = [], 0
    for end in range(2, len(words) + 1):
        if width(start, end) > max_mm and end - start > 1:
            lines.append(" ".join(words[start : end - 1]))
            start = end - 1
    lines.append(" ".join(words[start:]))
    return lines


def _cut_points(n_words: int, n_lines: int) -> list[tuple[int, ...]]:
    if n_lines == 1:
        return [()]
    out = []
    for first in range(1, n_words - n_lines + 2):
        for rest in _cut_points(n_words - first, n_lines - 1):
            out.append((first, *(first + r for r in rest)))
    return out


def upper_vn(text: str) -> str:
    """Upper case, keeping "TP." and the like; "ủy" and "Ủy" both become "ỦY"."""
    return text.upper()


# ------------------------------------------------------------------------------------ dates


def vn_date(d: dt.date) -> str:
    return f"{d:%d/%m/%Y}"


def signing_line(place: str, signed: dt.date | None, year: int) -> str:
    """ "Thanh Hóa, ngày 05 tháng 02 năm 2028"; blanks for the day and month of a draft.

    Nghị định 30/2020/NĐ-CP, Phụ lục I: days below 10 and the months 1 and 2 take a leading zero.
    """
    if signed is None:
        blank = "\u00a0" * 6  # non-breaking: Word keeps the gap the signer fills in by hand
        return f"{place}, ngày{blank}tháng{blank}năm {year}"
    month = f"{signed.month:02d}" if signed.month <= 2 else str(signed.month)
    return f"{place}, ngày {signed.day:02d} tháng {month} năm {signed.year}"


# ------------------------------------------------------------------------------- issuer, number

_MINOR_WORDS = {"và", "các", "của", "cho", "về", "tại"}


def abbreviation(agency: Agency) -> tuple[str, bool]:
    """The agency's ký hiệu in "Số: …/BC-STC" and whether it is a guess.

    The registry's ``abbr`` is stated; otherwise the ``short`` name or the initials are a guess.
    """
    if agency.abbr:
        return agency.abbr, False
    if agency.short:
        return agency.short, True
    words = [w for w in re.split(r"[\s,\-–]+", agency.name) if w and w.lower() not in _MINOR_WORDS]
    return "".join(w[0].upper() for w in words if w[0].isalpha())[:10] or "CQ", True


def _expand_ubnd(name: str) -> str:
    return re.sub(r"^UBND\b", "Ủy ban nhân dân", name)


def document_format(agency: Agency) -> str:
    """``party`` for the bodies of the Party (registry level ``party``), else ``state``."""
    return PARTY if agency.level == PARTY else STATE


_STATE_SIGNATURES = [
    (("ubnd ", "uy ban nhan dan "), ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    (("so ", "cong an "), ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
    (("bo chi huy",), ["KT. CHỈ HUY TRƯỞNG", "PHÓ CHỈ HUY TRƯỞNG"]),
    (("bo ",), ["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"]),
    (("ban ",), ["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"]),
    (("van phong",), ["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"]),
    (("thanh tra",), ["KT. CHÁNH THANH TRA", "PHÓ CHÁNH THANH TRA"]),
    (("truong dai hoc", "truong cao dang"), ["KT. HIỆU TRƯỞNG", "PHÓ HIỆU TRƯỞNG"]),
    (("hiep hoi", "lien minh", "hoi "), ["TM. BAN CHẤP HÀNH", "CHỦ TỊCH"]),
]
# HD 36, mục II.7: "T/M" (thay mặt), "K/T" (ký thay) in party documents.
_PARTY_SIGNATURES = [
    (("tinh uy", "ban thuong vu tinh uy", "ban chap hanh dang bo"), ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ"]),
    (("ban ",), ["K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"]),
]


def signature(agency: Agency) -> tuple[list[str], bool]:
    """Lines of quyền hạn and chức vụ above the signature, and whether they are a guess to check."""
    if agency.signature:
        return list(agency.signature), False
    key = ascii_key(agency.name)
    rules = _PARTY_SIGNATURES if document_format(agency) == PARTY else _STATE_SIGNATURES
    for prefixes, lines in rules:
        if key.startswith(prefixes):
            return lines, True
    return ["QUYỀN HẠN, CHỨC VỤ NGƯỜI KÝ"], True


def _complete(name: str, agency: Agency, province_name: str, under_province: bool) -> str:
    """ "Công an tỉnh" -> "Công an tỉnh Thanh Hóa" when no header line above names the province."""
    if province_name and not under_province and re.search(r"\b(?:tỉnh|thành phố)$", name) and agency.level != "central":
        return f"{name} {province_name}"
    return name


def issuer_block(registry: Registry, agency: Agency) -> dict[str, Any]:
    """Header lines, ký hiệu, place, signature and rule lengths of the body that signs the report."""
    from kehoach.agencies import party_committee, place_name, province_committee

    fmt = document_format(agency)
    province = province_committee(registry, agency)  # the agency's own province, from the registry's data
    home = registry.jurisdiction_of(agency)
    province_name = home.short if home else ""
    parent = ""
    if agency.parent:  # vertically managed bodies: Công an tỉnh under Bộ Công an
        parent = agency.parent
    elif fmt == PARTY:
        committee = party_committee(registry, agency)
        if committee is not None and committee.id != agency.id:
            parent = committee.name
    elif agency.level == "province" and province is not None and agency.id != province.id:
        parent = province.name
    under_province = bool(parent) and province is not None and parent == province.name
    size = PARTY_HEADER_PT if fmt == PARTY else HEADER_PT
    column = PARTY_HEADER_TEXT_MM if fmt == PARTY else HEADER_TEXT_MM
    if agency.header_lines:
        lines = list(agency.header_lines)
    else:
        full = _complete(_expand_ubnd(agency.name), agency, province_name, under_province)
        lines = split_lines(upper_vn(full), column, size, bold=True)
    lines = [upper_vn(x) for x in lines]
    parent_lines = split_lines(upper_vn(parent), column, size, bold=False) if parent else []
    place = place_name(registry, agency) or "[Địa danh]"
    sig, sig_guessed = signature(agency)
    abbr, abbr_guessed = abbreviation(agency)
    last = text_width_mm(lines[-1], size, bold=True)
    return {
        "id": agency.id,
        "name": agency.name,
        "format": fmt,
        "header": " ".join(lines),
        "lines": lines,
        "parent": " ".join(parent_lines),
        "parent_lines": parent_lines,
        "abbr": abbr,
        "abbr_guessed": abbr_guessed,
        "place": place,
        "signature": sig,
        "signature_guessed": sig_guessed,
        "level": agency.level,
        "rule_mm": round(last * ISSUER_RULE_RATIO, 1),
        "header_width_mm": round(max(text_width_mm(x, size, True) for x in lines), 1),
    }


def layout() -> dict[str, float]:
    """Lengths of the rules that follow a text: under the Tiêu ngữ (NĐ 30) and the Party title (HD 36)."""
    return {
        "motto_rule_mm": round(text_width_mm(MOTTO, MOTTO_PT, bold=True), 1),
        "party_rule_mm": round(text_width_mm(PARTY_TITLE, PARTY_TITLE_PT, bold=True), 1),
    }
