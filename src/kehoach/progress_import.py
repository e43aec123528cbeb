"""``kehoach progress import``: results back in from filled forms (.xlsx), CSV and annual report drafts (.docx).

Every file is read into updates, each tied to the cell it came from (``tệp!trang!ô``); the whole
batch is checked against the plans and the recorded results before anything is written, and is
written all together or not at all (``kehoach.progress_write.Batch``). Files are data: a workbook's
formulas are refused, never computed; sizes and row counts are bounded.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kehoach.forms import (
    ESTIMATE_LABEL,
    HEADER_ROW,
    META_SHEET,
    TARGET_SHEET,
    TASK_SHEET,
    meta_checksum,
    target_fingerprint,
    task_fingerprint,
)
from kehoach.progress import STATUS_VN
from kehoach.progress_cells import (
    MAX_BYTES,
    MAX_ROWS,
    MAX_UNZIPPED,
    CellError,
    Defaults,
    FileResult,
    ImportRefused,
    col_letter,
    parse_date,
    parse_status,
    parse_text,
)
from kehoach.progress_write import TargetUpdate, Update

if TYPE_CHECKING:
    from kehoach.agencies import Agency
    from kehoach.dataset import DataSet

TASK_COLUMNS = ("Mã nhiệm vụ", "Tình trạng", "Ngày hoàn thành", "Kết quả thực hiện")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# ------------------------------------------------------------------------------------ rows → updates


@dataclass
class RowAnswer:
    cells: dict[str, str]  # column name -> cell address, for messages
    task: str
    status: str | None
    completed: dt.date | None
    result: str | None
    evidence: str | None


def _answer_updates(
    res: FileResult,
    rows: Iterable[RowAnswer],
    plan: str,
    year: int,
    agency: str,
    allowed: dict[str, bool],
    today: dt.date,
) -> None:
    """Turn answered rows into updates; a row outside ``allowed`` (task → answers) is a problem."""
    for r in rows:
        if r.status is None and not (r.completed or r.result or r.evidence):
            continue  # not answered
        where = r.cells["Mã nhiệm vụ"]
        if r.task not in allowed:
            res.problems.append(f"{where}: {agency} không chủ trì nhiệm vụ {plan}/{r.task} trong năm {year}")
            continue
        if not allowed[r.task]:
            res.problems.append(f"{where}: {plan}/{r.task}: {agency} là cơ quan phối hợp; cơ quan chủ trì báo cáo")
            continue
        if r.status is None:
            res.problems.append(f"{r.cells['Tình trạng']}: thiếu tình trạng cho {r.task}")
            continue
        if r.status == "done" and r.completed is None:
            res.problems.append(f"{r.cells['Ngày hoàn thành']}: {r.task} đã hoàn thành nhưng thiếu ngày hoàn thành")
            continue
        if r.status != "done" and r.completed is not None:
            res.problems.append(
                f"{r.cells['Ngày hoàn thành']}: {r.task} có ngày hoàn thành nhưng tình trạng là {STATUS_VN[r.status]!r}"
            )
            continue
        if r.completed and r.completed > today:
            res.problems.append(f"{r.cells['Ngày hoàn thành']}: ngày {r.completed:%d/%m/%Y} ở tương lai")
            continue
        res.updates.append(
            Update(
                plan=plan,
                task=r.task,
                status=r.status,  # type: ignore[arg-type]
                year=year,
                completed=r.completed,
                result=r.result,
                evidence=r.evidence,
                reported_by=agency,
                reported_on=today,
                source=where,
            )
        )


def _allowed(data: DataSet, plan_id: str, agency: Agency, year: int, today: dt.date) -> dict[str, bool]:
    from kehoach.forms import answered_tasks

    plan = data.plan(plan_id).plan
    return {r.task.id: r.answers for r in answered_tasks(data, plan, agency, year, today)}


# ------------------------------------------------------------------------------------ xlsx


def _open_xlsx(path: Path, raw: bytes) -> tuple[Any, list[str]]:
    name = path.name
    if raw.startswith(_OLE):
        return None, [
            f"{name}: tệp Excel được bảo vệ bằng mật khẩu hoặc ở định dạng cũ (.xls); bỏ mật khẩu, lưu dạng .xlsx"
        ]
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        return None, [f"{name}: không phải tệp Excel (.xlsx)"]
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            infos = zf.infolist()
            if sum(i.file_size for i in infos) > MAX_UNZIPPED:
                return None, [f"{name}: nội dung giải nén quá lớn; không đọc"]
            names = {i.filename for i in infos}
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return None, [f"{name}: tệp có macro; không nhận (lưu lại dạng .xlsx không macro)"]
            if "EncryptedPackage" in names:
                return None, [f"{name}: tệp Excel được bảo vệ bằng mật khẩu; bỏ mật khẩu rồi nhập lại"]
            merges = []
            for n in sorted(names):
                if n.startswith("xl/worksheets/") and n.endswith(".xml"):
                    merges += re.findall(rb'<mergeCell ref="([A-Z0-9:]+)"', zf.read(n))
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
        return None, [f"{name}: không đọc được tệp Excel ({exc})"]
    if merges:
        cells = ", ".join(m.decode() for m in merges[:5])
        return None, [f"{name}: có ô gộp ({cells}); bỏ gộp ô rồi nhập lại"]
    import warnings

    import openpyxl  # type: ignore[import-untyped]

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001 - any failure of the reader is "not a workbook we can read"
        return None, [f"{name}: không đọc được tệp Excel ({type(exc).__name__})"]
    return wb, []


def _sheet_rows(ws: Any, name: str, sheet: str, problems: list[str]) -> list[tuple[Any, ...]] | None:
    """The sheet's cells, bounded; formulas are refused where they are."""
    rows = []
    for i, row in enumerate(ws.iter_rows()):
        if i >= MAX_ROWS + HEADER_ROW:
            problems.append(f"{name}!{sheet}: quá {MAX_ROWS} dòng; không đọc")
            return None
        values: list[Any] = []
        for j, cell in enumerate(row):
            if getattr(cell, "data_type", None) == "f":
                problems.append(f"{name}!{sheet}!{col_letter(j)}{i + 1}: ô chứa công thức; ghi giá trị")
                values.append(None)
            else:
                values.append(getattr(cell, "value", None))
        rows.append(tuple(values))
    while rows and all(v is None or (isinstance(v, str) and not v.strip()) for v in rows[-1]):
        rows.pop()
    return rows


def _header(rows: list[tuple[Any, ...]], needed: tuple[str, ...]) -> tuple[int, dict[str, int]] | None:
    for i, row in enumerate(rows[:10]):
        names = {str(v).strip(): j for j, v in enumerate(row) if isinstance(v, str)}
        if all(n in names for n in needed):
            return i, names
    return None


def read_form(data: DataSet, path: Path, raw: bytes, today: dt.date, expect: Defaults) -> FileResult:
    res = FileResult(path, "form")
    name = path.name
    wb, problems = _open_xlsx(path, raw)
    if wb is None:
        res.problems += problems
        return res
    try:
        sheets = wb.sheetnames
        if META_SHEET not in sheets:
            res.problems.append(f"{name}: không có trang ẩn {META_SHEET}: không phải biểu mẫu do kehoach lập")
            return res
        for needed in (TASK_SHEET, TARGET_SHEET):
            if needed not in sheets:
                res.problems.append(f"{name}: không có trang tính {needed!r} (trang tính bị đổi tên hoặc xóa?)")
        if res.problems:
            return res
        meta_rows = _sheet_rows(wb[META_SHEET], name, META_SHEET, res.problems) or []
        pairs = [(str(r[0]), str(r[1])) for r in meta_rows if len(r) >= 2 and r[0] is not None and r[1] is not None]
        meta = dict(pairs)
        body = [p for p in pairs if p[0] != "checksum"]
        if meta.get("form") != "kehoach-progress-form" or meta.get("checksum") != meta_checksum(body):
            res.problems.append(f"{name}!{META_SHEET}: trang ẩn đã bị sửa; lập lại biểu mẫu (kehoach progress form)")
            return res
        plan_id, agency_name, year = meta["plan"], meta["agency"], int(meta["year"])
        if expect.year is not None and expect.year != year:
            res.problems.append(f"{name}: biểu mẫu năm {year}, không phải năm {expect.year}")
        if expect.agency is not None and expect.agency.name != agency_name:
            res.problems.append(f"{name}: biểu mẫu của {agency_name}, không phải của {expect.agency.name}")
        if expect.plan is not None and expect.plan != plan_id:
            res.problems.append(f"{name}: biểu mẫu của kế hoạch {plan_id}, không phải {expect.plan}")
        try:
            plan = data.plan(plan_id).plan
            agency = data.registry.resolve(agency_name)
        except Exception as exc:  # noqa: BLE001 - UnknownPlan / AgencyError: said with the file
            res.problems.append(f"{name}: {exc}")
            return res
        if res.problems:
            return res
        _read_tasks(data, wb, res, plan, agency, year, meta, today)
        _read_targets(wb, res, plan, agency, year, meta, today)
    finally:
        wb.close()
    return res


def _answer_rows(
    name: str, sheet: str, hrow: int, cols: dict[str, int], data_rows: list[tuple[Any, ...]]
) -> Iterator[tuple[int, dict[str, str], Callable[[str], Any]]]:
    """Each answer row of a sheet: its index, where each column's cell is (``file!sheet!F12``), and a getter
    of a column's value by its header."""
    for i, row in enumerate(data_rows):
        excel_row = hrow + 2 + i
        cells = {c: f"{name}!{sheet}!{col_letter(j)}{excel_row}" for c, j in cols.items()}

        def get(col: str, row: tuple[Any, ...] = row) -> Any:
            j = cols.get(col)
            return row[j] if j is not None and j < len(row) else None

        yield i, cells, get


def _read_tasks(
    data: DataSet, wb: Any, res: FileResult, plan: Any, agency: Agency, year: int, meta: dict[str, str], today: dt.date
) -> None:
    name = res.path.name
    rows = _sheet_rows(wb[TASK_SHEET], name, TASK_SHEET, res.problems)
    if rows is None:
        return
    found = _header(rows, TASK_COLUMNS)
    if found is None:
        res.problems.append(f"{name}!{TASK_SHEET}: không thấy dòng tiêu đề có các cột {', '.join(TASK_COLUMNS)}")
        return
    hrow, cols = found
    expected = [k.split(":", 1)[1] for k in meta if k.startswith("task:")]
    tasks = {t.id: t for t in plan.tasks}
    answers = []
    data_rows = rows[hrow + 1 :]
    for i, cells, get in _answer_rows(name, TASK_SHEET, hrow, cols, data_rows):
        tid = parse_text(get("Mã nhiệm vụ")) or ""
        if i >= len(expected) or tid != expected[i]:
            want = expected[i] if i < len(expected) else "(không có dòng nào)"
            res.problems.append(
                f"{cells['Mã nhiệm vụ']}: dòng thêm, xóa hay đổi thứ tự: "
                f"thấy {tid or '(trống)'!r}, biểu mẫu có {want!r}"
            )
            return
        task = tasks.get(tid)
        if task is None or task_fingerprint(task) != meta.get(f"task:{tid}"):
            res.problems.append(
                f"{cells['Mã nhiệm vụ']}: nhiệm vụ {tid} đã thay đổi (nội dung hay thời hạn) từ khi lập biểu mẫu; "
                "lập lại biểu mẫu"
            )
            continue
        try:
            status = _cell(res, cells["Tình trạng"], parse_status, get("Tình trạng"))
            completed = _cell(res, cells["Ngày hoàn thành"], parse_date, get("Ngày hoàn thành"))
            result = _cell(res, cells["Kết quả thực hiện"], parse_text, get("Kết quả thực hiện"))
            evidence_cell = cells.get("Văn bản chứng minh", cells["Kết quả thực hiện"])
            evidence = _cell(res, evidence_cell, parse_text, get("Văn bản chứng minh"))
        except CellError:
            continue
        answers.append(RowAnswer(cells, tid, status, completed, result, evidence))
    if len(data_rows) < len(expected):
        res.problems.append(
            f"{name}!{TASK_SHEET}: thiếu {len(expected) - len(data_rows)} dòng so với biểu mẫu (dòng bị xóa?)"
        )
        return
    allowed = _allowed(data, plan.id, agency, year, today)
    _answer_updates(res, answers, plan.id, year, agency.name, allowed, today)


def _cell(res: FileResult, where: str, parse: Any, value: Any) -> Any:
    try:
        return parse(value)
    except CellError as exc:
        res.problems.append(f"{where}: {exc}")
        raise


def _read_targets(
    wb: Any, res: FileResult, plan: Any, agency: Agency, year: int, meta: dict[str, str], today: dt.date
) -> None:
    name = res.path.name
    rows = _sheet_rows(wb[TARGET_SHEET], name, TARGET_SHEET, res.problems)
    if rows is None:
        return
    found = _header(rows, ("Mã chỉ tiêu", "Giá trị thực hiện", "Thời điểm"))
    if found is None:
        res.problems.append(
            f"{name}!{TARGET_SHEET}: không thấy dòng tiêu đề có Mã chỉ tiêu, Giá trị thực hiện, Thời điểm"
        )
        return
    hrow, cols = found
    expected = [k.split(":", 1)[1] for k in meta if k.startswith("target:")]
    targets = {t.id: t for t in plan.targets}
    data_rows = rows[hrow + 1 :]
    if len(data_rows) != len(expected):
        res.problems.append(
            f"{name}!{TARGET_SHEET}: {len(data_rows)} dòng, biểu mẫu có {len(expected)} (dòng thêm/xóa?)"
        )
        return
    for i, cells, get in _answer_rows(name, TARGET_SHEET, hrow, cols, data_rows):
        tid = parse_text(get("Mã chỉ tiêu")) or ""
        target = targets.get(tid)
        if tid != expected[i]:
            res.problems.append(f"{cells['Mã chỉ tiêu']}: thấy {tid!r}, biểu mẫu có {expected[i]!r} (dòng bị đổi?)")
            continue
        if target is None or target_fingerprint(target) != meta.get(f"target:{tid}"):
            res.problems.append(f"{cells['Mã chỉ tiêu']}: chỉ tiêu {tid} đã thay đổi từ khi lập biểu mẫu; lập lại")
            continue
        try:
            actual = _cell(res, cells["Giá trị thực hiện"], parse_text, get("Giá trị thực hiện"))
            when = _cell(res, cells["Thời điểm"], _parse_year, get("Thời điểm"))
            est_cell = cells.get("Ước tính", cells["Giá trị thực hiện"])
            estimate = _cell(res, est_cell, parse_text, get("Ước tính"))
            source = _cell(res, cells.get("Nguồn số liệu", est_cell), parse_text, get("Nguồn số liệu"))
        except CellError:
            continue
        if actual is None:
            continue
        if estimate not in (None, ESTIMATE_LABEL):
            res.problems.append(f"{est_cell}: ghi {ESTIMATE_LABEL!r} cho số ước tính, hoặc để trống")
            continue
        res.updates.append(
            TargetUpdate(
                plan=plan.id,
                target=tid,
                year=when or year,
                actual=actual,
                estimate=estimate == ESTIMATE_LABEL,
                data_source=source,
                reported_by=agency.name,
                reported_on=today,
                source=cells["Giá trị thực hiện"],
            )
        )


def _parse_year(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1945 <= value <= 2100:
        return value
    if isinstance(value, str) and value.strip().isdigit() and 1945 <= int(value) <= 2100:
        return int(value)
    raise CellError(f"thời điểm {value!r} phải là năm của số liệu, ví dụ 2026")


# ------------------------------------------------------------------------------------ csv


def read_csv(data: DataSet, path: Path, raw: bytes, today: dt.date, defaults: Defaults) -> FileResult:
    res = FileResult(path, "csv")
    name = path.name
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        res.problems.append(f"{name}: tệp CSV mã UTF-16; lưu lại dạng 'CSV UTF-8'")
        return res
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        res.problems.append(
            f"{name}: byte {exc.start}: không phải UTF-8 (có thể là cp1258/Windows-1258); lưu lại dạng 'CSV UTF-8'"
        )
        return res
    if "\x00" in text:
        res.problems.append(f"{name}: tệp chứa ký tự NUL (có thể là UTF-16 không có BOM); lưu lại dạng 'CSV UTF-8'")
        return res
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows: list[tuple[str, ...]] = []
        for i, fields in enumerate(reader):
            if i > MAX_ROWS:
                res.problems.append(f"{name}: quá {MAX_ROWS} dòng; không đọc")
                return res
            rows.append(tuple(fields))
    except csv.Error as exc:
        res.problems.append(f"{name}: dòng {reader.line_num}: CSV hỏng ({exc})")
        return res
    if not rows:
        res.problems.append(f"{name}: tệp rỗng")
        return res
    cols = {c.strip(): j for j, c in enumerate(rows[0])}
    missing = [c for c in TASK_COLUMNS if c not in cols]
    if missing:
        res.problems.append(f"{name}!1: thiếu cột {', '.join(missing)}")
        return res
    groups: dict[tuple[str, int, str], list[RowAnswer]] = {}
    agencies: dict[str, Agency] = {}
    for i, line in enumerate(rows[1:], start=2):
        row = tuple(line)
        if not any(v.strip() for v in row):
            continue
        cells = {c: f"{name}!{col_letter(j)}{i}" for c, j in cols.items()}

        def get(col: str, row: tuple[str, ...] = row) -> str | None:
            j = cols.get(col)
            return row[j] if j is not None and j < len(row) else None

        plan_id = (get("Kế hoạch") or "").strip() or defaults.plan
        year_text = (get("Năm") or "").strip()
        agency_text = (get("Cơ quan") or "").strip()
        where = cells["Mã nhiệm vụ"]
        if not plan_id:
            res.problems.append(f"{where}: không rõ kế hoạch (cột 'Kế hoạch' hoặc --plan)")
            continue
        try:
            year = int(year_text) if year_text else defaults.year
        except ValueError:
            res.problems.append(f"{cells['Năm']}: năm {year_text!r} không hợp lệ")
            continue
        if year is None:
            res.problems.append(f"{where}: không rõ năm (cột 'Năm' hoặc --year)")
            continue
        agency = defaults.agency
        if agency_text:
            try:
                agency = data.registry.resolve(agency_text)
            except Exception as exc:  # noqa: BLE001 - AgencyError, said with the cell
                res.problems.append(f"{cells['Cơ quan']}: {exc}")
                continue
        if agency is None:
            res.problems.append(f"{where}: không rõ cơ quan (cột 'Cơ quan' hoặc --agency)")
            continue
        try:
            answer = RowAnswer(
                cells,
                parse_text(get("Mã nhiệm vụ")) or "",
                _cell(res, cells["Tình trạng"], parse_status, get("Tình trạng")),
                _cell(res, cells["Ngày hoàn thành"], parse_date, get("Ngày hoàn thành")),
                _cell(res, cells["Kết quả thực hiện"], parse_text, get("Kết quả thực hiện")),
                _cell(res, cells.get("Văn bản chứng minh", where), parse_text, get("Văn bản chứng minh")),
            )
        except CellError:
            continue
        agencies[agency.name] = agency
        groups.setdefault((plan_id, year, agency.name), []).append(answer)
    for (plan_id, year, agency_name), answers in groups.items():
        try:
            allowed = _allowed(data, plan_id, agencies[agency_name], year, today)
        except Exception as exc:  # noqa: BLE001 - UnknownPlan, said with the file
            res.problems.append(f"{name}: {exc}")
            continue
        _answer_updates(res, answers, plan_id, year, agency_name, allowed, today)
    return res


# ------------------------------------------------------------------------------------ batch


def read_files(data: DataSet, paths: list[Path], today: dt.date, defaults: Defaults) -> list[FileResult]:
    out = []
    for path in paths:
        name = path.name
        suffix = path.suffix.lower()
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                out.append(FileResult(path, "?", problems=[f"{name}: tệp {size:,} byte, quá giới hạn {MAX_BYTES:,}"]))
                continue
            raw = path.read_bytes()
        except OSError as exc:
            out.append(FileResult(path, "?", problems=[f"{name}: không đọc được ({exc.strerror or exc})"]))
            continue
        if suffix == ".xlsx":
            out.append(read_form(data, path, raw, today, defaults))
        elif suffix == ".csv":
            out.append(read_csv(data, path, raw, today, defaults))
        elif suffix == ".docx":
            from kehoach.report_import import read_report_docx

            out.append(read_report_docx(data, path, raw, today, defaults))
        elif suffix in (".xlsm", ".xltm"):
            out.append(
                FileResult(path, "?", problems=[f"{name}: tệp có macro (.xlsm) không được nhận; lưu dạng .xlsx"])
            )
        else:
            kinds = "chỉ nhận .xlsx (biểu mẫu), .csv và .docx (dự thảo báo cáo năm)"
            out.append(FileResult(path, "?", problems=[f"{name}: {kinds}"]))
    return out


def import_files(
    data: DataSet,
    paths: list[Path],
    today: dt.date,
    *,
    defaults: Defaults = Defaults(),
    force: bool = False,
    dry_run: bool = False,
) -> tuple[list[FileResult], list[Path]]:
    """Read every file, check the whole batch, then write it all (or, with ``dry_run``, nothing).

    Raises ImportRefused, with nothing written, when any file has a problem.
    """
    from kehoach.progress import progress_path
    from kehoach.progress_write import locked, prepare

    results = read_files(data, paths, today, defaults)
    problems = [p for r in results for p in r.problems]
    if problems:
        raise ImportRefused(problems)
    updates = [u for r in results for u in r.updates]
    targets = {progress_path(Path(data.root), u.plan, u.year) for u in updates}
    with locked(targets if not dry_run else []):
        batch, problems = prepare(data, updates, today, replace=force)
        if problems:
            raise ImportRefused(problems)
        by_source: dict[str, FileResult] = {}
        for r in results:
            for u in r.updates:
                by_source[u.source or ""] = r
        for change in batch.changes:
            by_source[change.source or ""].changes.append(change)
        written = [] if dry_run else batch.write(data)
    return results, written
