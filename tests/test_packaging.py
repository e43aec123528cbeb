"""The wheel carries the data and templates (no symlinks), and runs from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")  # built once per worker, even when xdist interleaves modules
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (whl,) = out.glob("kehoach-*.whl")
    return whl


def test_no_symlinks_in_the_package_source():
    links = [p for p in (ROOT / "src").rglob("*") if p.is_symlink()]
    assert links == []


def test_wheel_holds_data_and_templates(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    plans = sorted(p.name for p in (ROOT / "data" / "plans").glob("*.yaml"))
    assert plans, "the repository has plans"
    for name in plans:
        assert f"kehoach/_bundled/data/plans/{name}" in names
    assert "kehoach/_bundled/data/agencies.yaml" in names
    for kind in ("annual", "midterm", "final"):
        assert f"kehoach/_bundled/templates/{kind}.docx" in names
    progress = sorted(str(p.relative_to(ROOT / "data")) for p in (ROOT / "data" / "progress").rglob("*.yaml"))
    for rel in progress:
        assert f"kehoach/_bundled/data/{rel}" in names
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)


def test_installed_wheel_answers_from_another_directory(wheel: Path, tmp_path: Path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("KEHOACH_DATA", "KEHOACH_TODAY")}
    env["PYTHONPATH"] = str(site)
    code = "import kehoach, sys; print(kehoach.__file__); from kehoach.cli import main; sys.argv[0]='kehoach'; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, "due", "--agency", "Sở Tài chính", "--today", "2026-01-15", "--format", "json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    first, _, body = done.stdout.partition("\n")
    assert first.startswith(str(site)), "the test must import the unpacked wheel, not the checkout"
    assert '"I.13"' in body and "qd74-dai-hoi-xx" in body
