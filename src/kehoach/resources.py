"""Where the bundled data and report templates are: inside an installed wheel, or in a source checkout.

The wheel carries ``data/`` and ``templates/`` as ``kehoach/_bundled/…`` (see pyproject.toml); an editable or
source checkout uses the repository's own folders, two levels above this file.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _first_dir(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[0]


def bundled_data_dir() -> Path:
    """The example data shipped with the package."""
    return _first_dir(_HERE / "_bundled" / "data", _HERE.parent.parent / "data")


def bundled_templates_dir() -> Path:
    """The report templates shipped with the package."""
    return _first_dir(_HERE / "_bundled" / "templates", _HERE.parent.parent / "templates")
