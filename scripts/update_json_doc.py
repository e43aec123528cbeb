"""Write the field tables of docs/json.md again from kehoach.present (the one presentation schema)."""

from __future__ import annotations

from pathlib import Path

from kehoach.present import json_doc

DOC = Path(__file__).resolve().parent.parent / "docs" / "json.md"

if __name__ == "__main__":
    text = DOC.read_text(encoding="utf-8")
    new = json_doc(text)
    if new != text:
        DOC.write_text(new, encoding="utf-8")
        print(f"đã cập nhật {DOC}")
