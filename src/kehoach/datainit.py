"""``kehoach init DIR``: a data folder ready for real work, without the bundled examples.

What the folder holds is the list ``LAYOUT`` below: a file is one line (its path and where its
bytes come from), a folder one line with ``None``. Nothing existing is ever overwritten; the
folder is made beside its final place and renamed, so a stopped run leaves nothing half made.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from kehoach.errors import DataError


class InitRefused(DataError):
    """The folder cannot be made: it holds files already, or cannot be written. Nothing was written."""


def _registry() -> bytes:
    from kehoach.resources import bundled_data_dir

    return (bundled_data_dir() / "agencies.yaml").read_bytes()


README = """\
# Dữ liệu kế hoạch của đơn vị

Thư mục do `kehoach init` tạo. Dùng với `kehoach … --data {name}` (hoặc `export KEHOACH_DATA={name}`).

- `agencies.yaml`: sổ đăng ký cơ quan (tên, tên gọi khác, cơ quan kế nhiệm); sửa khi có cơ quan mới.
- `plans/`: mỗi kế hoạch một tệp YAML (tạo bản nháp từ văn bản Word: `kehoach import docx VĂN-BẢN.docx --id MÃ
  -o plans/MÃ.yaml`).
- `progress/`: tiến độ theo kế hoạch và năm, do `kehoach progress set` và `kehoach progress import` ghi.
- `templates/`: mẫu báo cáo riêng (`annual.docx`, `half.docx`, `midterm.docx`, `final.docx`, …); không có
  thì dùng mẫu kèm gói.

Kiểm tra: `kehoach check --data {name}`. Vòng theo dõi hằng năm: docs/progress.md của kehoach.
"""

# path inside the folder -> its bytes (None: an empty folder). Add a file here, in one line.
LAYOUT: tuple[tuple[str, Callable[[str], bytes] | None], ...] = (
    ("agencies.yaml", lambda _name: _registry()),
    ("plans", None),
    ("progress", None),
    ("templates", None),
    ("README.md", lambda name: README.format(name=name).encode("utf-8")),
)


def init_data(target: Path) -> list[Path]:
    """Make the data folder ``target``; returns what was made. Raises InitRefused, with nothing written,
    when ``target`` exists and is not an empty folder."""
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise InitRefused(f"{target} đã có và không rỗng; chọn thư mục mới (không ghi đè dữ liệu đã có)")
    parent = target.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    except OSError as exc:
        raise InitRefused(f"không tạo được {target}: {exc.strerror or exc}") from None
    try:
        for rel, content in LAYOUT:
            path = staging / rel
            if content is None:
                path.mkdir(parents=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content(str(target)))
        os.chmod(staging, 0o755 & ~_umask())
        if target.exists():
            target.rmdir()  # empty, checked above
        staging.rename(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise InitRefused(f"không tạo được {target}: {exc.strerror or exc}") from None
    return [target / rel for rel, _ in LAYOUT]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
