"""Refresh the example output shown in README.md from the command itself (`make readme`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = ["due", "--agency", "Sở Tài chính", "--today", "2026-01-15"]


def main() -> None:
    env = {**os.environ, "COLUMNS": "150", "PYTHONIOENCODING": "utf-8"}
    env.pop("KEHOACH_DATA", None)
    out = subprocess.run([sys.executable, "-m", "kehoach", *COMMAND], capture_output=True, text=True, env=env,
                         cwd=ROOT, check=True).stdout
    shown = "\n".join(line.rstrip() for line in out.rstrip().splitlines())
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    new = re.sub(r"```text\n.*?\n```", lambda _: f"```text\n{shown}\n```", text, count=1, flags=re.S)
    if new != text:
        readme.write_text(new, encoding="utf-8")
        print("README.md: đã cập nhật đầu ra ví dụ")


if __name__ == "__main__":
    main()
