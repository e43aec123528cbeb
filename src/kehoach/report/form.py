"""Format rules of the document (thể thức): header, number, place and date, signature block.

Nghị định 30/2020/NĐ-CP, Phụ lục I for state bodies. Plain strings out; nothing here knows DOCX.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from kehoach.agencies import Registry
from kehoach.model import Agency
from kehoach.text import ascii_key


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


_MINOR_WORDS = {"và", "các", "của", "cho", "về", "tại"}


def abbreviation(agency: Agency) -> str:
    """The agency's ký hiệu in "Số: …/BC-STC": its ``short`` field, else the initials of its name."""
    if agency.short:
        return agency.short
    words = [w for w in re.split(r"[\s,\-–]+", agency.name) if w and w.lower() not in _MINOR_WORDS]
    return "".join(w[0].upper() for w in words if w[0].isalpha())[:10] or "CQ"


def province_of(registry: Registry) -> Agency | None:
    for a in registry:
        if a.level == "province" and a.current and ascii_key(a.name).startswith("ubnd tinh "):
            return a
    return None


def _expand_ubnd(name: str) -> str:
    return re.sub(r"^UBND\b", "Ủy ban nhân dân", name)


def _signature(agency: Agency) -> tuple[list[str], bool]:
    """Lines of quyền hạn and chức vụ above the signature, and whether they are a guess to check."""
    key = ascii_key(agency.name)
    rules = [
        (("ubnd ", "uy ban nhan dan "), ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
        (("so ", "cong an "), ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]),
        (("bo chi huy",), ["KT. CHỈ HUY TRƯỞNG", "PHÓ CHỈ HUY TRƯỞNG"]),
        (("bo ",), ["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"]),
        (("ban ",), ["KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"]),
        (("van phong",), ["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"]),
        (("thanh tra",), ["KT. CHÁNH THANH TRA", "PHÓ CHÁNH THANH TRA"]),
        (("truong dai hoc", "truong cao dang"), ["KT. HIỆU TRƯỞNG", "PHÓ HIỆU TRƯỞNG"]),
    ]
    for prefixes, lines in rules:
        if key.startswith(prefixes):
            return lines, False
    return ["[QUYỀN HẠN, CHỨC VỤ NGƯỜI KÝ]"], True


def issuer_block(registry: Registry, agency: Agency) -> dict[str, Any]:
    """Header, ký hiệu, place and signature lines of the body that signs the report."""
    province = province_of(registry)
    province_name = re.sub(r"^UBND tỉnh\s+", "", province.name) if province else ""
    parent = ""
    if agency.parent:  # vertically managed bodies: Công an tỉnh under Bộ Công an
        parent = agency.parent.upper()
    elif agency.level == "province" and province is not None and agency.id != province.id:
        parent = province.name.upper()
    if agency.level == "central":
        place = "Hà Nội"
    else:
        place = province_name or "[Địa danh]"
    lines, guessed = _signature(agency)
    return {
        "id": agency.id,
        "name": agency.name,
        "header": _expand_ubnd(agency.name).upper(),
        "parent": parent,
        "abbr": abbreviation(agency),
        "place": place,
        "signature": lines,
        "signature_guessed": guessed,
    }
