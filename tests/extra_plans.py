"""Plans a user adds beside the bundled ones: the suite must not depend on data/plans holding only those.

``add_extra_plans(data_dir)`` puts two plans more into a data folder (a copy, never the checkout's own):
a bundled plan under a new id and file name, and a small hand-made plan whose tasks go to an agency the
registry did not have (it is added to the registry, as a user would). Used by tests/test_extra_plan.py and
``make test-extra-plan`` (scripts/test_extra_plan.py).
"""

from __future__ import annotations

import re
from pathlib import Path

EXTRA = Path(__file__).resolve().parent / "fixtures" / "extra"
COPIED_FROM = "aec-2026"
COPY_ID = f"{COPIED_FROM}-ban-sao"  # "bản sao": a copy
HAND_MADE_ID = "kh-xuc-tien-2027"
NEW_AGENCY = "Trung tâm Xúc tiến Đầu tư tỉnh Thanh Hóa"
EXTRA_IDS = (COPY_ID, HAND_MADE_ID)


def add_extra_plans(data_dir: Path, copied_from: str = COPIED_FROM) -> tuple[str, ...]:
    """Add the two plans (and the new agency) to ``data_dir``; return the ids added.

    The first is ``copied_from`` (a bundled plan) under the id ``{copied_from}-ban-sao``."""
    plans = data_dir / "plans"
    copy_id = f"{copied_from}-ban-sao"
    source = (plans / f"{copied_from}.yaml").read_text(encoding="utf-8")
    renamed, n = re.subn(rf"(?m)^id: {re.escape(copied_from)}$", f"id: {copy_id}", source)
    assert n == 1, f"{copied_from}.yaml has no top-level id line"
    (plans / f"{copy_id}.yaml").write_text(renamed, encoding="utf-8")
    hand_made = EXTRA / "plans" / f"{HAND_MADE_ID}.yaml"
    (plans / hand_made.name).write_bytes(hand_made.read_bytes())
    registry = data_dir / "agencies.yaml"
    text = registry.read_text(encoding="utf-8")
    entries = "".join(
        line
        for line in (EXTRA / "agencies.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
        if not line.startswith("#")
    )
    registry.write_text(text.rstrip("\n") + "\n" + entries, encoding="utf-8")
    return copy_id, HAND_MADE_ID
