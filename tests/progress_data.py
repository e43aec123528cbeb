"""A small data folder of its own for the progress loop tests: single, double and collective leads, targets."""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "data"

EXTRA_TASKS = """\
      - id: I.6
        content: Rà soát quy hoạch chung đô thị và khu kinh tế.
        lead: [Sở Xây dựng, Sở Tài chính]
        deadline: Tháng 10/2026
      - id: I.7
        content: Cải cách thủ tục hành chính trong lĩnh vực được giao.
        lead: ["Các sở, ban, ngành cấp tỉnh"]
        deadline: Tháng 09/2026
targets:
  - id: CT.1
    name: Tốc độ tăng trưởng GRDP bình quân
    unit: "%"
    value: 11% trở lên
    year: 2030
    lead: [Sở Tài chính]
  - id: CT.2
    name: Tỷ lệ hộ nghèo
    unit: "%"
    value: dưới 1%
    year: 2030
    lead: [Sở Công Thương]
"""


def make_data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(FIXTURE, root)
    plan = root / "plans" / "fx-2026.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + EXTRA_TASKS, encoding="utf-8")
    return root
