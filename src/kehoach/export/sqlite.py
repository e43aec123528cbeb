"""The whole data set as one SQLite file, for publishing with Datasette or querying with any SQL tool.

Normalised tables with foreign keys (plans, sections, tasks, targets, agencies and their successors,
the agencies named on each task with their role, progress records), a full-text index on the tasks
(``tasks_fts``, diacritics-insensitive: "dao me" finds "Đảo Mê"), and views for the usual questions
(``due_by_agency``, ``status_by_agency``). Statuses are the library's, as of the reference day stored
in ``meta``. Built in memory with the standard library's sqlite3 and written in one piece.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from kehoach import __version__
from kehoach.dataset import DataSet
from kehoach.export import tracked
from kehoach.model import Plan

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE plans (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, number TEXT, issued TEXT, issuer TEXT NOT NULL, signer TEXT,
    title TEXT NOT NULL, label TEXT NOT NULL, start_year INTEGER NOT NULL, end_year INTEGER NOT NULL,
    monitor TEXT, annual_report_day TEXT, source TEXT, tasks INTEGER NOT NULL, targets INTEGER NOT NULL
);
CREATE TABLE reviews (
    plan_id TEXT NOT NULL REFERENCES plans(id), kind TEXT NOT NULL, year INTEGER NOT NULL, note TEXT,
    PRIMARY KEY (plan_id, kind, year)
);
CREATE TABLE sections (
    key TEXT PRIMARY KEY, plan_id TEXT NOT NULL REFERENCES plans(id), id TEXT NOT NULL,
    position INTEGER NOT NULL, title TEXT NOT NULL, source TEXT, note TEXT
);
CREATE TABLE agencies (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, short TEXT, level TEXT NOT NULL, parent_id TEXT REFERENCES agencies(id),
    current INTEGER NOT NULL, replaced_on TEXT, basis TEXT, note TEXT
);
CREATE TABLE agency_aliases (
    agency_id TEXT NOT NULL REFERENCES agencies(id), alias TEXT NOT NULL, PRIMARY KEY (agency_id, alias)
);
CREATE TABLE agency_successors (
    agency_id TEXT NOT NULL REFERENCES agencies(id), successor_id TEXT NOT NULL REFERENCES agencies(id),
    PRIMARY KEY (agency_id, successor_id)
);
CREATE TABLE tasks (
    key TEXT PRIMARY KEY, plan_id TEXT NOT NULL REFERENCES plans(id), id TEXT NOT NULL,
    section_key TEXT REFERENCES sections(key), position INTEGER NOT NULL, content TEXT NOT NULL,
    product TEXT, deadline TEXT, deadline_kind TEXT, deadline_start TEXT, deadline_due TEXT,
    recurring INTEGER NOT NULL, recurrence TEXT, lead TEXT, support TEXT, leader TEXT, source TEXT, note TEXT,
    status TEXT, status_label TEXT, search_ascii TEXT NOT NULL
);
CREATE TABLE task_agencies (
    task_key TEXT NOT NULL REFERENCES tasks(key), role TEXT NOT NULL, position INTEGER NOT NULL,
    written TEXT NOT NULL, agency_id TEXT REFERENCES agencies(id)
);
CREATE TABLE assessments (
    task_key TEXT NOT NULL REFERENCES tasks(key), period TEXT NOT NULL, agency TEXT NOT NULL,
    agency_id TEXT REFERENCES agencies(id), reason TEXT NOT NULL, via TEXT, status TEXT NOT NULL,
    status_label TEXT NOT NULL, due TEXT, days_overdue INTEGER, overdue INTEGER NOT NULL, carried_over INTEGER NOT NULL,
    example INTEGER NOT NULL
);
CREATE TABLE agency_tasks (
    agency_id TEXT NOT NULL REFERENCES agencies(id), task_key TEXT NOT NULL REFERENCES tasks(key),
    role TEXT NOT NULL, reason TEXT NOT NULL, via TEXT, PRIMARY KEY (agency_id, task_key)
);
CREATE TABLE targets (
    key TEXT PRIMARY KEY, plan_id TEXT NOT NULL REFERENCES plans(id), id TEXT NOT NULL, position INTEGER NOT NULL,
    name TEXT NOT NULL, unit TEXT, value TEXT, year INTEGER, baseline TEXT, lead TEXT, support TEXT,
    grp TEXT, source TEXT, note TEXT
);
CREATE TABLE progress (
    id INTEGER PRIMARY KEY, plan_id TEXT NOT NULL, year INTEGER NOT NULL, task_id TEXT NOT NULL,
    task_key TEXT REFERENCES tasks(key), status TEXT NOT NULL, completed TEXT, result TEXT, evidence TEXT,
    reported_by TEXT, reported_on TEXT, note TEXT, example INTEGER NOT NULL
);
CREATE TABLE target_progress (
    id INTEGER PRIMARY KEY, plan_id TEXT NOT NULL, year INTEGER NOT NULL, target_id TEXT NOT NULL,
    target_key TEXT REFERENCES targets(key), actual TEXT NOT NULL, source TEXT, note TEXT, example INTEGER NOT NULL
);
CREATE INDEX tasks_plan ON tasks(plan_id);
CREATE INDEX tasks_due ON tasks(deadline_due);
CREATE INDEX task_agencies_task ON task_agencies(task_key);
CREATE INDEX assessments_agency ON assessments(agency);
CREATE INDEX agency_tasks_task ON agency_tasks(task_key);
CREATE INDEX progress_task ON progress(task_key);
CREATE VIRTUAL TABLE tasks_fts USING fts5(
    content, product, note, search_ascii, content="tasks", content_rowid="rowid",
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TABLE due_by_agency (
    agency TEXT NOT NULL, agency_id TEXT NOT NULL REFERENCES agencies(id), due TEXT NOT NULL,
    days_left INTEGER NOT NULL, overdue INTEGER NOT NULL, plan_id TEXT NOT NULL REFERENCES plans(id),
    task_id TEXT NOT NULL, task_key TEXT REFERENCES tasks(key), content TEXT NOT NULL, role TEXT NOT NULL,
    reason TEXT NOT NULL, via TEXT, kind TEXT NOT NULL, status TEXT, status_label TEXT,
    carried_over INTEGER NOT NULL, example INTEGER NOT NULL, note TEXT
);
CREATE INDEX due_by_agency_agency ON due_by_agency(agency_id);
"""



def _status_views() -> str:
    """``status_by_agency`` and ``status_by_plan``: counts per status class, as ``kehoach status`` counts."""
    from kehoach.status import CODES

    typed = ", ".join(f"{c} INTEGER NOT NULL" for c in CODES)
    # Tables, not views: a computed column of a view has no type, and Datasette's filters and facets send
    # text ("?overdue_total__gt=0", "?giao_chung=1"), which only a typed INTEGER column compares as a number.
    return f"""
CREATE TABLE status_by_agency (
    agency TEXT NOT NULL, giao_chung INTEGER NOT NULL, total INTEGER NOT NULL, {typed},
    overdue_total INTEGER NOT NULL, example INTEGER NOT NULL, PRIMARY KEY (agency, giao_chung)
);
CREATE TABLE status_by_plan (
    plan TEXT PRIMARY KEY REFERENCES plans(id), total INTEGER NOT NULL, {typed}, overdue_total INTEGER NOT NULL,
    example INTEGER NOT NULL
);
"""


def _status_rows() -> tuple[str, str]:
    """The two INSERT … SELECT that fill ``status_by_agency`` and ``status_by_plan`` from ``assessments``."""
    from kehoach.status import CODES, OVERDUE_CODES

    counts = ", ".join(f"SUM(status = '{c}')" for c in CODES)
    overdue = ", ".join(f"'{c}'" for c in sorted(OVERDUE_CODES))
    by_agency = f"""
INSERT INTO status_by_agency
SELECT agency, CASE WHEN reason IN ('collective', 'unassigned') THEN 1 ELSE 0 END AS giao_chung,
       COUNT(*), {counts}, SUM(status IN ({overdue})), MAX(example)
FROM assessments GROUP BY agency, giao_chung ORDER BY giao_chung, agency"""
    by_plan = f"""
INSERT INTO status_by_plan
SELECT t.plan_id, COUNT(*), {counts.replace("status", "a.status")},
       SUM(a.status IN ({overdue.replace("status", "a.status")})), MAX(a.example)
FROM (SELECT DISTINCT task_key, status, example FROM assessments) a JOIN tasks t ON t.key = a.task_key
GROUP BY t.plan_id ORDER BY t.plan_id"""
    return by_agency, by_plan


COUNTED = {"kế hoạch": "plans", "nhiệm vụ": "tasks", "chỉ tiêu": "targets", "cơ quan": "agencies",
           "mục tiến độ": "progress"}


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def build(data: DataSet, today: dt.date, *, show_progress: bool = False) -> tuple[bytes, dict[str, int]]:
    """The database file's bytes, and row counts of the main tables (label -> count)."""
    db = sqlite3.connect(":memory:")
    try:
        db.execute("PRAGMA foreign_keys = ON")
        db.executescript(SCHEMA + _status_views())
        with db:
            _fill(db, data, today, show_progress)
            db.execute("INSERT INTO tasks_fts(tasks_fts) VALUES ('rebuild')")
        problems = db.execute("PRAGMA foreign_key_check").fetchall()
        if problems:  # the inserts below only ever link to rows they made: a bug, not a data problem
            raise RuntimeError(f"foreign_key_check: {problems[:3]}")
        counts = {label: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for label, table in COUNTED.items()}
        db.execute("VACUUM")
        return db.serialize(), counts
    finally:
        db.close()


def _fill(db: sqlite3.Connection, data: DataSet, today: dt.date, show_progress: bool) -> None:
    """Every table, in the order their foreign keys need."""
    db.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [("reference_day", today.isoformat()), ("kehoach_version", __version__), ("source", str(data.root.name)),
         ("status_period", f"annual-{today.year}")],
    )
    _fill_agencies(db, data)
    plans: list[Plan] = []
    for lp in data.plans:
        if not any(lp.plan.id == q.id for q in plans):  # a second file with the same id: `check` reports it
            plans.append(lp.plan)
    _fill_plans(db, data, today, plans, show_progress)
    _fill_progress(db, data)
    for statement in _status_rows():
        db.execute(statement)
    current = [a for a in data.registry if a.current and not a.is_collective]
    _fill_due(db, data, today, current, {p.id for p in plans})
    example = bool(db.execute("SELECT 1 FROM progress WHERE example = 1 LIMIT 1").fetchone())
    db.executemany("INSERT INTO meta VALUES (?, ?)", [("example", "true" if example else "false"),
                   ("due_until", (today + dt.timedelta(days=DUE_DAYS)).isoformat())])


def _resolver(data: DataSet) -> Any:
    from kehoach.agencies import AgencyError

    def resolve(name: str) -> str | None:
        try:
            return data.registry.resolve(name).id
        except AgencyError:
            return None

    return resolve


def _fill_agencies(db: sqlite3.Connection, data: DataSet) -> None:
    resolve = _resolver(data)
    agencies = list(data.registry)
    known = {a.id for a in agencies}
    db.executemany(
        "INSERT OR IGNORE INTO agencies VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?)",
        [(a.id, a.name, a.short, a.level, int(a.current), _iso(a.replaced_on), a.basis, a.note) for a in agencies],
    )
    # Parents after every agency exists: a parent may come later in the file.
    db.executemany(
        "UPDATE agencies SET parent_id = ? WHERE id = ?",
        [(parent, a.id) for a in agencies if a.parent and (parent := resolve(a.parent)) in known],
    )
    db.executemany(
        "INSERT OR IGNORE INTO agency_aliases VALUES (?, ?)", [(a.id, x) for a in agencies for x in a.aliases]
    )
    db.executemany(
        "INSERT OR IGNORE INTO agency_successors VALUES (?, ?)",
        [(a.id, s) for a in agencies for s in a.replaced_by if s in known],
    )


def _fill_plans(db: sqlite3.Connection, data: DataSet, today: dt.date, plans: list[Plan], show_progress: bool
                ) -> None:
    """Plans, their reviews, sections, tasks (with who answers for each), assessments and targets."""
    from kehoach.query import Reach, current_label
    from kehoach.status import ReportPeriod, status_codes

    reg = data.registry
    status = status_codes(data, [(p, t) for p in plans for t in p.tasks], today)
    period = ReportPeriod.annual(today.year)  # what `kehoach status` counts
    current = [a for a in reg if a.current and not a.is_collective]
    reach = Reach(reg, current)  # role_of is asked only about the agencies a name can concern
    for p in tracked(plans, "Xuất SQLite", show=show_progress):
        annual = p.reporting.annual
        db.execute(
            "INSERT INTO plans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (p.id, p.kind, p.number, _iso(p.issued), p.issuer, p.signer, p.title, p.label, p.start_year, p.end_year,
             current_label(reg, p.monitor) if p.monitor else None, annual.due if annual else None, p.source,
             len(p.tasks), len(p.targets)),
        )
        db.executemany(
            "INSERT OR IGNORE INTO reviews VALUES (?, ?, ?, ?)", [(p.id, r.kind, r.year, r.note) for r in p.reviews]
        )
        inserted = _fill_tasks(db, data, p, status, current, reach)
        _fill_assessments(db, data, p, period, today, inserted)
        db.executemany(
            "INSERT OR IGNORE INTO targets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(f"{p.id}/{g.id}", p.id, g.id, i, g.name, g.unit, g.value, g.year, g.baseline, "; ".join(g.lead),
              "; ".join(g.support), g.group, g.source, g.note) for i, g in enumerate(p.targets, 1)],
        )


def _fill_tasks(
    db: sqlite3.Connection, data: DataSet, p: Plan, status: dict[tuple[str, str], str], current: list[Any],
    reach: Any,
) -> set[int]:
    """One plan's sections and tasks, the names written in each and the agencies each concerns; the ids of
    the tasks inserted (a duplicate id is skipped: `check` reports it)."""
    from kehoach.responsibility import role_of
    from kehoach.status import STATUS_LABELS
    from kehoach.text import ascii_key

    resolve = _resolver(data)
    inserted: set[int] = set()
    position = 0
    for s_pos, s in enumerate(p.sections, 1):
        section_key = f"{p.id}/{s.id}"
        db.execute(
            "INSERT OR IGNORE INTO sections VALUES (?, ?, ?, ?, ?, ?, ?)",
            (section_key, p.id, s.id, s_pos, s.title, s.source, s.note),
        )
        for t in s.tasks:
            position += 1
            key = f"{p.id}/{t.id}"
            d = data.deadline(p, t)
            code = status.get((p.id, t.id))
            row = (key, p.id, t.id, section_key, position, t.content, t.product, t.deadline,
                   d.kind if d else None, _iso(d.start) if d else None, _iso(d.due) if d else None,
                   int(bool(d and d.recurrence)), d.recurrence if d else None, "; ".join(t.lead),
                   "; ".join(t.support), t.leader, t.source, t.note, code, STATUS_LABELS[code] if code else None,
                   ascii_key(" ".join(x for x in (t.content, t.product, t.note) if x)))
            cur = db.execute(f"INSERT OR IGNORE INTO tasks VALUES ({', '.join('?' * len(row))})", row)
            if cur.rowcount == 0:
                continue
            inserted.add(id(t))
            names = [(key, role, n_pos, name, resolve(name))
                     for role, written in (("lead", t.lead), ("support", t.support))
                     for n_pos, name in enumerate(written, 1)]
            db.executemany("INSERT INTO task_agencies VALUES (?, ?, ?, ?, ?)", names)
            near = reach.of_task(t)
            links = [(a.id, key, r.role, r.reason, r.via) for a in current
                     if a.id in near and (r := role_of(data.registry, t, a, "any", strict=False))]
            db.executemany("INSERT INTO agency_tasks VALUES (?, ?, ?, ?, ?)", links)
    return inserted


def _fill_assessments(
    db: sqlite3.Connection, data: DataSet, p: Plan, period: Any, today: dt.date, inserted: set[int]
) -> None:
    """The status engine's rows of one plan: one per (task, responsible agency), as `kehoach status` counts."""
    from kehoach.status import assess

    for row in assess(data, lambda _plan: period, today, plans=[p.id]):
        j, r = row.judgement, row.responsibility
        if id(j.task) in inserted:
            db.execute(
                "INSERT INTO assessments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (f"{p.id}/{j.task.id}", period.name, r.name, r.agency.id if r.agency else None, r.reason, r.via,
                 j.code, j.label, _iso(j.due), j.days_overdue, int(j.overdue), int(j.carried_over), int(j.example)),
            )


def _fill_progress(db: sqlite3.Connection, data: DataSet) -> None:
    from kehoach.progress import progress_of

    task_keys = {r[0] for r in db.execute("SELECT key FROM tasks")}
    target_keys = {r[0] for r in db.execute("SELECT key FROM targets")}
    for (plan_id, year), pf in sorted(progress_of(data).files.items()):
        db.executemany(
            "INSERT INTO progress (plan_id, year, task_id, task_key, status, completed, result, evidence, "
            "reported_by, reported_on, note, example) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(plan_id, year, tid, k if (k := f"{plan_id}/{tid}") in task_keys else None, r.status, _iso(r.completed),
              r.result, r.evidence, r.reported_by, _iso(r.reported_on), r.note, int(pf.example))
             for tid, r in pf.tasks.items()],
        )
        db.executemany(
            "INSERT INTO target_progress (plan_id, year, target_id, target_key, actual, source, note, example) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(plan_id, year, gid, k if (k := f"{plan_id}/{gid}") in target_keys else None, r.actual, r.source,
              r.note, int(pf.example)) for gid, r in pf.targets.items()],
        )


DUE_DAYS = 90  # the window of `kehoach due` without --within / --until


def _fill_due(db: sqlite3.Connection, data: DataSet, today: dt.date, agencies: list[Any], plans: set[str]) -> None:
    """``due_by_agency``: what ``kehoach due --agency X`` lists on the reference day (its default 90-day window),
    for every current agency, row for row."""
    from kehoach.query import due

    rows = []
    for a in agencies:
        for i in due(data, a, today, until=today + dt.timedelta(days=DUE_DAYS)):
            if i.plan.id not in plans:
                continue
            rows.append((a.name, a.id, i.due.isoformat(), i.days_left, int(i.overdue), i.plan.id, i.id,
                         f"{i.plan.id}/{i.id}" if i.task is not None else None, i.content, i.role, i.reason, i.via,
                         i.kind, i.status, i.judgement.label if i.judgement is not None else None,
                         int(bool(i.judgement and i.judgement.carried_over)), int(i.example), i.why))
    db.executemany(f"INSERT INTO due_by_agency VALUES ({', '.join('?' * 18)})", rows)


def metadata(database: str) -> str:
    """Datasette metadata (`datasette FILE.db --metadata metadata.yml`): Vietnamese titles and column labels.

    Datasette names a database after its file: ``kehoach.db`` is ``kehoach``.
    """
    import json

    return METADATA.replace('"*":', json.dumps(database, ensure_ascii=False) + ":", 1)


METADATA = """\
title: Kế hoạch hành động - nhiệm vụ, thời hạn, tiến độ
description: >-
  Dữ liệu xuất bằng kehoach: kế hoạch, nhiệm vụ, cơ quan chủ trì và phối hợp, thời hạn, chỉ tiêu,
  tiến độ đã báo cáo. Tình trạng tính đến ngày tham chiếu ghi trong bảng meta.
databases:
  "*":
    tables:
      meta:
        title: Thông tin bản xuất
      plans:
        title: Kế hoạch
        label_column: label
        columns:
          id: Mã kế hoạch
          kind: Loại văn bản
          number: Số hiệu
          issued: Ngày ban hành
          issuer: Cơ quan ban hành
          signer: Người ký
          title: Trích yếu
          label: Tên gọi
          start_year: Năm bắt đầu
          end_year: Năm kết thúc
          monitor: Cơ quan theo dõi
          annual_report_day: Ngày báo cáo hằng năm
          source: Tệp văn bản gốc
          tasks: Số nhiệm vụ
          targets: Số chỉ tiêu
      reviews:
        title: Kỳ sơ kết, tổng kết
        columns:
          plan_id: Kế hoạch
          kind: Loại kỳ
          year: Năm
          note: Ghi chú
      sections:
        title: Mục của kế hoạch
        label_column: title
        columns:
          key: Khóa
          plan_id: Kế hoạch
          id: Mã mục
          position: Thứ tự
          title: Tên mục
          source: Nguồn
          note: Ghi chú
      tasks:
        title: Nhiệm vụ
        label_column: content
        fts_table: tasks_fts
        columns:
          key: Khóa
          plan_id: Kế hoạch
          id: Mã nhiệm vụ
          section_key: Mục
          position: Thứ tự
          content: Nội dung
          product: Sản phẩm
          deadline: Thời hạn (nguyên văn)
          deadline_kind: Loại thời hạn
          deadline_start: Bắt đầu
          deadline_due: Hạn
          recurring: Định kỳ (1 khi recurrence có giá trị)
          recurrence: Chu kỳ (monthly, quarterly, annual, semiannual; như JSON)
          lead: Chủ trì (nguyên văn)
          support: Phối hợp (nguyên văn)
          leader: Lãnh đạo phụ trách
          source: Nguồn
          note: Ghi chú
          status: Mã tình trạng
          status_label: Tình trạng
          search_ascii: Nội dung không dấu (để tìm kiếm)
      agencies:
        title: Cơ quan
        label_column: name
        columns:
          id: Mã cơ quan
          name: Tên cơ quan
          short: Viết tắt
          level: Cấp
          parent_id: Cơ quan chủ quản
          current: Còn hoạt động
          replaced_on: Ngày sắp xếp
          basis: Căn cứ
          note: Ghi chú
      agency_aliases:
        title: Tên gọi khác của cơ quan
        columns:
          agency_id: Cơ quan
          alias: Tên gọi khác
      agency_successors:
        title: Cơ quan kế nhiệm
        columns:
          agency_id: Cơ quan đã sắp xếp
          successor_id: Cơ quan kế nhiệm
      task_agencies:
        title: Cơ quan ghi trong nhiệm vụ
        columns:
          task_key: Nhiệm vụ
          role: Vai trò
          position: Thứ tự
          written: Tên ghi trong văn bản
          agency_id: Cơ quan (theo tên ghi)
      assessments:
        title: Tình trạng theo cơ quan chịu trách nhiệm
        description: >-
          Mỗi nhiệm vụ trong kỳ báo cáo năm (bảng meta, status_period) một dòng cho mỗi cơ quan chịu
          trách nhiệm hiện nay: được nêu tên, cơ quan kế nhiệm, hoặc tập thể giao chung.
        columns:
          task_key: Nhiệm vụ
          period: Kỳ báo cáo
          agency: Cơ quan chịu trách nhiệm
          agency_id: Mã cơ quan
          reason: Lý do (direct, successor, collective, unassigned)
          via: Tên ghi trong văn bản
          status: Mã tình trạng
          status_label: Tình trạng
          due: Hạn xét
          days_overdue: Số ngày quá hạn
          overdue: Quá hạn
          carried_over: Chuyển từ kỳ trước
      agency_tasks:
        title: Nhiệm vụ của từng cơ quan
        description: Cả nhiệm vụ giao đích danh, giao cho cơ quan tiền thân và giao chung.
        columns:
          agency_id: Cơ quan
          task_key: Nhiệm vụ
          role: Vai trò
          reason: Cách giao
          via: Tên ghi trong văn bản
      targets:
        title: Chỉ tiêu
        label_column: name
        columns:
          key: Khóa
          plan_id: Kế hoạch
          id: Mã chỉ tiêu
          position: Thứ tự
          name: Chỉ tiêu
          unit: Đơn vị
          value: Giá trị
          year: Năm
          baseline: Giá trị gốc
          lead: Chủ trì
          support: Phối hợp
          grp: Nhóm
          source: Nguồn
          note: Ghi chú
      progress:
        title: Tiến độ nhiệm vụ đã báo cáo
        columns:
          plan_id: Kế hoạch
          year: Năm báo cáo
          task_id: Mã nhiệm vụ
          task_key: Nhiệm vụ
          status: Trạng thái
          completed: Ngày hoàn thành
          result: Kết quả
          evidence: Văn bản chứng minh
          reported_by: Cơ quan báo cáo
          reported_on: Ngày báo cáo
          note: Ghi chú
      target_progress:
        title: Kết quả chỉ tiêu đã báo cáo
        columns:
          plan_id: Kế hoạch
          year: Năm báo cáo
          target_id: Mã chỉ tiêu
          target_key: Chỉ tiêu
          actual: Kết quả đạt được
          source: Nguồn
          note: Ghi chú
      due_by_agency:
        title: Việc đến hạn theo cơ quan
        description: >-
          Như lệnh kehoach due --agency cho từng cơ quan hiện nay, tại ngày tham chiếu, trong 90 ngày tới
          (meta.due_until): việc quá hạn (overdue = 1), đến hạn, báo cáo định kỳ; example = 1 khi tiến độ là
          số liệu minh họa.
      status_by_agency:
        title: Tình trạng theo cơ quan chủ trì
        description: Như lệnh kehoach status; giao_chung = 1 là khối nhiệm vụ giao chung cho tập thể.
      status_by_plan:
        title: Tình trạng theo kế hoạch
"""
