"""Shared by the site tests: a hostile copy of the bundled data."""

from __future__ import annotations

import json
from pathlib import Path

TODAY = "2026-11-21"
# Markup, script, template code and bidirectional controls, as a plan or the registry might carry them.
HOSTILE = (
    '<script>window.__pwned = 1</script> "><img src=x onerror="window.__pwned = 2"> '
    "{{ 7*7 }} {% if true %}X{% endif %} \u202eRTL-override\u202c \u200fmark Đảo Mê"
)


def make_hostile(data: Path) -> None:
    """Task qd74 I.14's content, the qd74 title and Sở Tài chính's note become HOSTILE (as YAML strings)."""
    quoted = json.dumps(HOSTILE, ensure_ascii=False)  # a JSON string is a YAML double-quoted string
    plan = data / "plans" / "qd74-dai-hoi-xx.yaml"
    text = plan.read_text(encoding="utf-8")
    old = "        content: Đề án Phát triển Khu Kinh tế Nghi Sơn gắn kết với Đảo Mê\n"
    assert old in text
    text = text.replace(old, f"        content: {quoted}\n")
    text = text.replace("title: >-\n", f"title: {quoted}\nold_title: >-\n", 1)
    lines = text.splitlines(keepends=True)
    # Drop the old folded title (the lines indented under "old_title:").
    out, skipping = [], False
    for line in lines:
        if line.startswith("old_title:"):
            skipping = True
            continue
        if skipping and line.startswith("  "):
            continue
        skipping = False
        out.append(line)
    plan.write_text("".join(out), encoding="utf-8")
    reg = data / "agencies.yaml"
    rtext = reg.read_text(encoding="utf-8")
    old_note = "    note: Từ 01/3/2025 tiếp nhận chức năng của Sở Kế hoạch và Đầu tư.\n"
    assert old_note in rtext
    reg.write_text(rtext.replace(old_note, f"    note: {quoted}\n"), encoding="utf-8")
