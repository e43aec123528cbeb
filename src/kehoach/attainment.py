"""Does a target's actual value reach the target? ``Đạt`` / ``Chưa đạt`` / ``Không đánh giá được``.

Only where both the target and the actual hold exactly one number and the target states a
direction (docs/progress.md, "Chỉ tiêu"):

- "trở lên", "ít nhất", "tối thiểu", "không dưới", "không thấp hơn", "≥": reached when actual ≥ target;
  "trên", ">": actual > target;
- "trở xuống", "không quá", "tối đa", "không vượt", "không cao hơn", "≤": reached when actual ≤ target;
  "dưới", "<": actual < target;
- "khoảng" alone: reached when the actual is within 5 % of the target.

Numbers are written the Vietnamese way: "1.200" is one thousand two hundred, "11,2" eleven point two.
"""

from __future__ import annotations

import re
from typing import Any

REACHED = "Đạt"
NOT_REACHED = "Chưa đạt"
UNKNOWN = "Không đánh giá được"
ABOUT_TOLERANCE = 0.05

_NUMBER = re.compile(r"(?<![\d.,])\d+(?:\.\d{3})*(?:,\d+)?(?![\d])|(?<![\d.,])\d+\.\d+(?![\d])")
_WORDS = (  # the first that matches decides; "không dưới" before "dưới"
    (("không dưới", "không thấp hơn", "trở lên", "ít nhất", "tối thiểu"), "min"),
    (("không quá", "không vượt", "không cao hơn", "trở xuống", "tối đa"), "max"),
    (("trên",), "above"),
    (("dưới",), "below"),
)
_SIGNS = (("≥", "min"), ("≤", "max"), (">=", "min"), ("<=", "max"), (">", "above"), ("<", "below"))


def number(text: str | None) -> float | None:
    """The one number in ``text`` ("11,2%", "1.200 doanh nghiệp"); None for none or several."""
    if not text:
        return None
    found = _NUMBER.findall(text)
    if len(found) != 1:
        return None
    raw = found[0]
    if "," in raw or re.fullmatch(r"\d+(?:\.\d{3})+", raw):
        raw = raw.replace(".", "").replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        return None


def direction(text: str | None) -> str | None:
    """``"min"``, ``"above"``, ``"max"``, ``"below"``, ``"about"`` or None, from the target's wording."""
    if not text:
        return None
    low = text.casefold()
    for words, kind in _WORDS:
        if any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", low) for w in words):
            return kind
    for sign, kind in _SIGNS:
        if sign in low:
            return kind
    if re.search(r"(?<!\w)khoảng(?!\w)", low):
        return "about"
    return None


def attainment(target: str | None, actual: str | None) -> str:
    """Compare the latest actual with the target's value (see the module's rules)."""
    goal, got, how = number(target), number(actual), direction(target)
    if goal is None or got is None or how is None:
        return UNKNOWN
    reached = {
        "min": got >= goal,
        "above": got > goal,
        "max": got <= goal,
        "below": got < goal,
    }.get(how)
    if reached is not None:
        return REACHED if reached else NOT_REACHED
    return REACHED if abs(got - goal) <= abs(goal) * ABOUT_TOLERANCE else NOT_REACHED


def actual_text(found: tuple[int, Any] | None, target: str | None) -> str:
    """The appendix's "Thực hiện" cell: value, its year ("ước" for an estimate) and the attainment."""
    if found is None:
        return ""
    year, rec = found
    when = f"ước năm {year}" if getattr(rec, "estimate", False) else f"năm {year}"
    return f"{rec.actual} ({when}); {attainment(target, rec.actual)}"
