from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from kehoach.dataset import DataSet, load_data

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIXTURE = ROOT / "tests" / "fixtures" / "data"  # a small data set of its own: behaviour tests that need no real plan
# The plans the project bundles (docs/encoding.md): tests about them select them by these ids, since a user's
# data/plans may hold more (make test-extra-plan runs the suite so).
BUNDLED_PLANS = ("aec-2026", "hoi-nhap-quoc-te", "nq13-thanh-hoa", "qd1992-cong-nghiep-hoa", "qd74-dai-hoi-xx")
# How many plans data/ holds: a test that counts must not break when the next plan is encoded.
PLAN_FILES = len(list((DATA / "plans").glob("*.yaml")))

# Every test, in-process or not, caches into a throwaway directory, never the user's cache.
_CACHE = tempfile.mkdtemp(prefix="kehoach-test-cache-")
os.environ["KEHOACH_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, True)

# Tests see output as a pipe sees it (150 columns): pytest-xdist's workers inherit COLUMNS=80 from execnet.
os.environ.pop("COLUMNS", None)
os.environ.pop("LINES", None)


def _build_each_app_once() -> None:
    """typer's CliRunner builds the click command from the app on every call (signature inspection, some 30 ms;
    a thousand calls in the suite). The app does not change while the tests run: each is built once."""
    import typer.testing

    build = getattr(typer.testing, "_get_command", None)
    if build is None:  # another typer: every call builds, as before
        return
    built: dict[int, tuple[object, object]] = {}

    def once(app):  # type: ignore[no-untyped-def]
        hit = built.get(id(app))
        if hit is None or hit[0] is not app:
            hit = built[id(app)] = (app, build(app))
        return hit[1]

    typer.testing._get_command = once


_build_each_app_once()

# `make test` runs the default profile; `make fuzz` the deep one, which is where depth comes from.
settings.register_profile("default", max_examples=100, deadline=None)
settings.register_profile("deep", max_examples=20_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def data() -> DataSet:
    return load_data(DATA)


@pytest.fixture
def settled_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache of its own, with the query index on, where a file written a moment ago counts as settled (else the
    index stands aside for two seconds after a write, and a test would compare the scan with itself)."""
    from kehoach import cache

    monkeypatch.setenv("KEHOACH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("KEHOACH_NO_CACHE", raising=False)
    monkeypatch.delenv("KEHOACH_NO_INDEX", raising=False)
    monkeypatch.setattr(cache, "RACY_NS", 0)
    return tmp_path / "cache"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled data, for tests that break or change files."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def bundled_only(target: Path) -> Path:
    """A copy of ./data at ``target`` with the bundled plans (and their progress) only: for the README's shown
    output, which is the output of the bundled plans whatever else a user added to data/plans."""
    (target / "plans").mkdir(parents=True)
    shutil.copy(DATA / "agencies.yaml", target / "agencies.yaml")
    for plan_id in BUNDLED_PLANS:
        shutil.copy(DATA / "plans" / f"{plan_id}.yaml", target / "plans" / f"{plan_id}.yaml")
        if (DATA / "progress" / plan_id).is_dir():
            shutil.copytree(DATA / "progress" / plan_id, target / "progress" / plan_id)
    return target


def fixture_data(target: Path, progress: str | None = None) -> Path:
    """A writable copy of the small fixture data set at ``target``; ``progress`` (YAML text) replaces its
    2026 progress file. For behaviour tests that build the data they need instead of reading ./data."""
    shutil.copytree(FIXTURE, target)
    if progress is not None:
        (target / "progress" / "fx-2026" / "2026.yaml").write_text(progress, encoding="utf-8")
    return target


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch):
    """Run the CLI in-process; returns the result with stdout and stderr apart."""
    from kehoach.cli import app

    monkeypatch.delenv("KEHOACH_DATA", raising=False)
    monkeypatch.delenv("KEHOACH_TODAY", raising=False)

    def _run(*args: str):
        return CliRunner().invoke(app, list(args), catch_exceptions=False)

    return _run
