"""`kehoach import docx` on Word files built from the bundled plans: tasks imported, matching, to review, time.

Run with `make bench`. For each bundled plan a Word file shaped like a real appendix is built (the shapes
of tests/docx_fixtures.py), imported in-process (best CPU time of several runs) and as a whole process
(`kehoach import docx`), and the draft is compared with the encoded plan on content, lead, support,
deadline and product.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from docx_fixtures import build_docx  # noqa: E402
from kehoach.dataset import load_data  # noqa: E402
from kehoach.importer import import_docx  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
FIELDS = ("content", "lead", "support", "deadline", "product")


def _same(mine: dict, task) -> bool:  # type: ignore[no-untyped-def]
    return all(mine.get(f, [] if isinstance(getattr(task, f), list) else None) == getattr(task, f) for f in FIELDS)


def main() -> None:
    data = load_data(ROOT / "data")
    print(f"{'kế hoạch':<24} {'nhiệm vụ':>8} {'nhập':>5} {'khớp':>5} {'rà soát':>8} {'CPU (ms)':>9} {'lệnh (s)':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for lp in data.plans:
            plan = lp.plan
            doc = build_docx(plan, Path(tmp) / f"{plan.id}.docx")
            times = []
            for _ in range(RUNS):
                t0 = time.process_time()
                result = import_docx(doc, plan.id, data.registry)
                times.append(time.process_time() - t0)
            got = {t["id"]: t for s in result.plan["sections"] for t in s["tasks"]}
            matching = sum(1 for t in plan.tasks if t.id in got and _same(got[t.id], t))
            reviewed = {r.where.removeprefix("nhiệm vụ ") for r in result.review if r.where.startswith("nhiệm vụ ")}
            out = Path(tmp) / "out" / f"{plan.id}.yaml"
            out.parent.mkdir(exist_ok=True)
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "kehoach", "import", "docx", str(doc), "--id", plan.id, "-o", str(out),
                 "--force", "--data", str(ROOT / "data")],
                check=True, capture_output=True,
            )
            wall = time.perf_counter() - t0
            print(
                f"{plan.id:<24} {len(plan.tasks):>8} {result.tasks:>5} {matching:>5} {len(reviewed):>8} "
                f"{min(times) * 1000:>9.0f} {wall:>9.2f}"
            )


if __name__ == "__main__":
    main()
