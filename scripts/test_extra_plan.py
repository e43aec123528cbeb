"""Run the test suite on a copy of this checkout whose data/ holds two plans more, as a user's data folder does.

    .venv/bin/python scripts/test_extra_plan.py          # the tests not marked slow, then `kehoach check`
    .venv/bin/python scripts/test_extra_plan.py --all    # every test
    .venv/bin/python scripts/test_extra_plan.py --copy qd74-dai-hoi-xx tests/test_query.py   # another copy; some tests

The copy holds the files git knows (tracked, and new ones not ignored) as they are in the work tree, like a
fresh clone of them; tests/extra_plans.py adds the plans. The copy's own src/ is imported (PYTHONPATH), so
its data/ is the one the package and the tests read. Exit code: pytest's, or check's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from extra_plans import add_extra_plans  # noqa: E402


def copy_checkout(target: Path) -> None:
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / os.fsdecode(name)
        if source.is_file():  # a file deleted in the work tree is not in the copy
            (target / os.fsdecode(name)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / os.fsdecode(name))


def main(argv: list[str]) -> int:
    args = list(argv)
    every = "--all" in args
    if every:
        args.remove("--all")
    copied_from = "aec-2026"
    if "--copy" in args:
        at = args.index("--copy")
        copied_from = args[at + 1]
        del args[at : at + 2]
    with tempfile.TemporaryDirectory(prefix="kehoach-extra-plan-") as tmp:
        copy = Path(tmp) / "kehoach"
        copy_checkout(copy)
        added = add_extra_plans(copy / "data", copied_from)
        env = dict(os.environ, PYTHONPATH=str(copy / "src"))
        env.pop("KEHOACH_DATA", None)
        env.setdefault("KEHOACH_SEEDS", str(ROOT.parent / "shared" / "seeds"))
        where = subprocess.run(
            [sys.executable, "-c", "import kehoach, kehoach.resources as r; print(r.bundled_data_dir())"],
            cwd=copy, env=env, capture_output=True, text=True, check=True,
        ).stdout.strip()
        if Path(where).resolve() != (copy / "data").resolve():
            print(f"the copy's package reads {where}, not the copy's data", file=sys.stderr)
            return 1
        print(f"{copy}: data/plans + {', '.join(added)} ({added[0]} = {copied_from})", flush=True)
        pytest = [sys.executable, "-m", "pytest", "-n", "auto", "-q", "-p", "no:cacheprovider"]
        if not every:
            pytest += ["-m", "not slow"]
        pytest += args  # test files or pytest options, if any
        code = subprocess.run(pytest, cwd=copy, env=env).returncode
        if code:
            return code
        check = [sys.executable, "-m", "kehoach", "check", "--data", str(copy / "data")]
        return subprocess.run(check, cwd=copy, env=env, stdout=subprocess.DEVNULL).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
