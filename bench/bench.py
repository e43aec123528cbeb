"""Wall time of the commands users run most, as ratios to a bare interpreter start.

Run with `make bench`; it is kept out of `make test` because timings depend on the machine.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
ENV = {**os.environ, "PYTHONIOENCODING": "utf-8"}
ENV.pop("KEHOACH_DATA", None)


def wall(args: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        subprocess.run(args, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    py = sys.executable
    base = wall([py, "-c", "pass"])
    cases = {
        "import kehoach.cli": [py, "-c", "import kehoach.cli"],
        "kehoach check": [py, "-m", "kehoach", "check"],
        'kehoach due --agency "Sở Tài chính"': [py, "-m", "kehoach", "due", "--agency", "Sở Tài chính",
                                                "--today", "2026-01-15"],
        "kehoach tasks --format json": [py, "-m", "kehoach", "tasks", "--format", "json"],
        "kehoach status": [py, "-m", "kehoach", "status", "--today", "2026-11-21"],
    }
    print(f"{'lệnh':45s} {'giây (trung vị)':>16s} {'× python -c pass':>18s}")
    print(f"{'python -c pass':45s} {base:16.3f} {1:18.1f}")
    for name, args in cases.items():
        t = wall(args)
        print(f"{name:45s} {t:16.3f} {t / base:18.1f}")


if __name__ == "__main__":
    main()
