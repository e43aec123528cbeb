"""Pydantic models of plans and agencies.

No I/O here: the loader turns YAML into these models, everything else reads them. Unknown keys
are errors (``extra="forbid"``) so that a typo in a YAML key is caught instead of ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_DAY_MONTH = re.compile(r"^(\d{1,2})/(\d{1,2})$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_JURISDICTION = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CENTRAL = "central"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


def _names(value: object) -> object:
    """Accept one name where a list is expected, but never a comma-split string guess."""
    if isinstance(value, str):
        return [value]
    return value


class Period(Strict):
    start: int = Field(ge=1945, le=2100)
    end: int = Field(ge=1945, le=2100)
    inferred: list[Literal["start", "end"]] = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"giai đoạn kết thúc ({self.end}) trước khi bắt đầu ({self.start})")
        return self

    @property
    def label(self) -> str:
        return f"{self.start} - {self.end}"


class DayMonth(Strict):
    """A recurring calendar day such as "10/11" (10 November every year)."""

    day: int
    month: int

    @classmethod
    def parse(cls, text: str) -> DayMonth:
        m = _DAY_MONTH.match(text.strip())
        if not m:
            raise ValueError(f"ngày hằng năm phải có dạng dd/mm, nhận được {text!r}")
        day, month = int(m.group(1)), int(m.group(2))
        dt.date(2024, month, day)  # raises ValueError on 31/02 etc. (2024: leap year allows 29/02)
        return cls(day=day, month=month)

    def in_year(self, year: int) -> dt.date:
        if self.month == 2 and self.day == 29:
            try:
                return dt.date(year, 2, 29)
            except ValueError:
                return dt.date(year, 2, 28)
        return dt.date(year, self.month, self.day)

    def __str__(self) -> str:
        return f"{self.day:02d}/{self.month:02d}"


class _Report(Strict):
    due: str | None = Field(default=None, description="dd/mm; null khi văn bản không nêu ngày.")
    to: list[str] = Field(default_factory=list)
    via: list[str] = Field(default_factory=list, description="Gửi qua cơ quan này (để tổng hợp).")
    cc: list[str] = Field(default_factory=list, description="Đồng gửi (để theo dõi, tổng hợp).")
    inferred: list[Literal["due", "to", "by"]] = Field(
        default_factory=list, description="Trường do người mã hóa suy ra; lý do ghi ở note."
    )
    note: str | None = None
    source: str | None = None

    _to = field_validator("to", "via", "cc", mode="before")(_names)

    @field_validator("due")
    @classmethod
    def _due(cls, v: str | None) -> str | None:
        if v is not None:
            DayMonth.parse(v)
        return v


class AnnualReporting(_Report):
    """Each agency's yearly report: by which day, to whom."""

    @property
    def day_month(self) -> DayMonth:
        """The stated day, else 31/12: a year's report cannot be later than the year itself."""
        return DayMonth.parse(self.due) if self.due else DayMonth(day=31, month=12)


class ConsolidatedReporting(_Report):
    """The monitoring agency's yearly consolidation of the agencies' reports."""

    by: str | None = None

    @property
    def day_month(self) -> DayMonth | None:
        return DayMonth.parse(self.due) if self.due else None


class ReportRoute(Strict):
    """Where the yearly report of some senders goes, when it differs from ``reporting.annual``."""

    senders: list[str] = Field(min_length=1, description="Cơ quan gửi báo cáo theo đường này.")
    to: list[str] = Field(default_factory=list)
    via: list[str] = Field(default_factory=list)
    cc: list[str] = Field(default_factory=list)
    note: str | None = None
    source: str | None = None

    _lists = field_validator("senders", "to", "via", "cc", mode="before")(_names)


class Reporting(Strict):
    annual: AnnualReporting | None = None
    consolidated: ConsolidatedReporting | None = None
    routes: list[ReportRoute] = Field(
        default_factory=list, description="Báo cáo của một số cơ quan đi đường khác với annual (nơi nhận, đồng gửi)."
    )
    semiannual: list[str] = Field(
        default_factory=list, description="Ngày báo cáo 6 tháng nếu văn bản quy định (dd/mm)."
    )


class Review(Strict):
    kind: Literal["midterm", "final"]
    year: int = Field(ge=1945, le=2100)
    inferred: list[Literal["kind", "year"]] = Field(
        default_factory=list, description="Trường do người mã hóa suy ra; lý do ghi ở note."
    )
    note: str | None = None
    source: str | None = None

    @property
    def cycle(self) -> str:
        return f"{self.kind}-{self.year}"


class RelatedDocument(Strict):
    """A document that forwards or frames the plan (e.g. a ministry's dispatch)."""

    role: str
    kind: str | None = None
    number: str | None = None
    issued: dt.date | None = None
    issuer: str | None = None
    signer: str | None = None
    title: str | None = None
    reporting: AnnualReporting | None = None
    note: str | None = None


class OtherDeadline(Strict):
    """The same task stated elsewhere in the document with another deadline."""

    text: str
    source: str
    note: str | None = None


Inferable = Literal["deadline", "lead", "support", "product", "content", "leader", "value", "year", "unit"]


class Task(Strict):
    id: str
    content: str = Field(min_length=1)
    lead: list[str] = Field(default_factory=list)
    support: list[str] = Field(default_factory=list)
    product: str | None = None
    deadline: str | None = None
    leader: str | None = None
    source: str | None = None
    inferred: list[Inferable] = Field(default_factory=list)
    note: str | None = None
    other_deadlines: list[OtherDeadline] = Field(default_factory=list)
    related: list[str] = Field(default_factory=list, description="Ids of related tasks or body sections.")
    successor: list[str] = Field(
        default_factory=list,
        description="Cơ quan kế nhiệm nhận nhiệm vụ này khi cơ quan chủ trì đã sắp xếp lại, chia theo lĩnh vực.",
    )

    _lists = field_validator("lead", "support", "successor", mode="before")(_names)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError(f"mã nhiệm vụ {v!r} chỉ được gồm chữ, số, '.', '-', '_'")
        return v


class Section(Strict):
    id: str
    title: str
    source: str | None = None
    note: str | None = None
    tasks: list[Task] = Field(default_factory=list)


class Target(Strict):
    id: str
    name: str = Field(min_length=1)
    unit: str | None = None
    value: str | None = None
    year: int | None = Field(default=None, ge=1945, le=2100)
    baseline: str | None = None
    lead: list[str] = Field(default_factory=list)
    support: list[str] = Field(default_factory=list)
    group: str | None = None
    source: str | None = None
    inferred: list[Inferable] = Field(default_factory=list)
    note: str | None = None

    _lists = field_validator("lead", "support", mode="before")(_names)


class Plan(Strict):
    id: str
    kind: str
    number: str | None = None
    issued: dt.date | None = None
    issuer: str
    signer: str | None = None
    title: str
    bases: list[str] = Field(default_factory=list)
    periods: list[Period] = Field(min_length=1)
    monitor: str | None = None
    reporting: Reporting = Field(default_factory=Reporting)
    reviews: list[Review] = Field(default_factory=list)
    related: list[RelatedDocument] = Field(default_factory=list)
    source: str | None = Field(default=None, description="Tệp văn bản gốc.")
    jurisdiction: str | None = Field(
        default=None,
        description=(
            "Địa phương của kế hoạch: mã một tỉnh, thành phố trong sổ (thanh-hoa, ha-noi…) hoặc central; tên cơ"
            " quan trong kế hoạch được hiểu trong địa phương này trước, rồi đến cơ quan Trung ương."
        ),
    )
    notes: list[str] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)

    @field_validator("jurisdiction")
    @classmethod
    def _jurisdiction(cls, v: str | None) -> str | None:
        if v is not None and not _JURISDICTION.match(v):
            raise ValueError(f"mã địa phương {v!r} phải là chữ thường không dấu, số và '-' (ví dụ ha-noi, central)")
        return v

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError(f"mã kế hoạch {v!r} chỉ được gồm chữ, số, '.', '-', '_'")
        return v

    @property
    def tasks(self) -> list[Task]:
        return [t for s in self.sections for t in s.tasks]

    @property
    def start_year(self) -> int:
        return min(p.start for p in self.periods)

    @property
    def end_year(self) -> int:
        return max(p.end for p in self.periods)

    @property
    def start(self) -> dt.date:
        """When the plan's work starts: its date of issue, else 1 January of its first year."""
        return self.issued or dt.date(self.start_year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.end_year, 12, 31)

    @property
    def label(self) -> str:
        """How a Vietnamese reader names the plan: "Kế hoạch số 74/QĐ-UBND ngày 07/01/2026"."""
        date = f" ngày {self.issued:%d/%m/%Y}" if self.issued else ""
        if not self.number:
            return f"{self.kind} (chưa có số){date}"
        if "/QĐ-" in self.number and not self.kind.lower().startswith("quyết định"):
            # A plan promulgated by a decision carries the decision's number.
            return f"{self.kind} ban hành kèm theo Quyết định số {self.number}{date}"
        return f"{self.kind} số {self.number}{date}"

    def section_of(self, task_id: str) -> Section | None:
        for s in self.sections:
            if any(t.id == task_id for t in s.tasks):
                return s
        return None


class Succession(Strict):
    """Which successor took which kind of duty of a dissolved agency (``successions`` in the registry)."""

    to: str = Field(description="Mã cơ quan kế nhiệm.")
    duties: str | None = Field(default=None, description="Lĩnh vực được chuyển giao, như văn bản ghi.")
    keywords: list[str] = Field(
        default_factory=list, description="Cụm từ trong nội dung nhiệm vụ cho thấy nhiệm vụ thuộc lĩnh vực này."
    )
    default: bool = Field(default=False, description="Nhận nhiệm vụ không khớp lĩnh vực nào.")

    _lists = field_validator("keywords", mode="before")(_names)


AgencyLevel = Literal["central", "province", "commune", "party", "mass", "other", "collective"]


class Agency(Strict):
    id: str
    name: str
    short: str | None = Field(default=None, description="Tên viết tắt thường dùng (STC, SCT…).")
    parent: str | None = Field(
        default=None, description="Cơ quan chủ quản ghi trên tiêu đề văn bản, nếu khác UBND tỉnh."
    )
    aliases: list[str] = Field(default_factory=list)
    level: AgencyLevel
    abbr: str | None = Field(
        default=None, description="Chữ viết tắt tên cơ quan trong ký hiệu văn bản (…/BC-STC, …-BC/TU), đã đối chiếu."
    )
    header_lines: list[str] = Field(
        default_factory=list,
        description="Tên cơ quan ở phần đầu văn bản, từng dòng như in (không kể cơ quan chủ quản).",
    )
    signature: list[str] = Field(
        default_factory=list, description="Quyền hạn, chức vụ người ký báo cáo, từng dòng (KT. GIÁM ĐỐC, PHÓ GIÁM ĐỐC)."
    )
    replaced_by: list[str] = Field(default_factory=list)
    replaced_on: dt.date | None = None
    basis: str | None = Field(default=None, description="Văn bản pháp lý của việc hợp nhất, đổi tên.")
    successions: list[Succession] = Field(
        default_factory=list, description="Cơ quan kế nhiệm nào nhận loại nhiệm vụ nào (khi chia cho nhiều cơ quan)."
    )
    covers: list[str] = Field(
        default_factory=list,
        description="Với tập thể: các cấp (central, province, commune…) hoặc mã cơ quan được bao gồm.",
    )
    excludes: list[str] = Field(
        default_factory=list, description="Với tập thể: mã cơ quan không thuộc tập thể dù cùng cấp."
    )
    jurisdiction: str | None = Field(
        default=None,
        description="Địa phương của cơ quan (mã trong jurisdictions); trống: cơ quan Trung ương hoặc chung.",
    )
    standard: str | None = Field(
        default=None, description="Mã mục trong bộ cơ quan chuẩn cấp tỉnh mà cơ quan này là một thể hiện."
    )
    note: str | None = None

    _lists = field_validator(
        "aliases", "replaced_by", "covers", "excludes", "header_lines", "signature", mode="before"
    )(_names)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not re.match(r"^[a-z0-9][a-z0-9-]*$", v):
            raise ValueError(f"mã cơ quan {v!r} phải là chữ thường không dấu, số và '-'")
        return v

    @property
    def is_collective(self) -> bool:
        return self.level == "collective"

    @property
    def current(self) -> bool:
        return not self.replaced_by


class Jurisdiction(Strict):
    """A province or centrally-run city (one of the units after the 2025 merger), or the central level."""

    id: str
    name: str = Field(description="Tên đầy đủ như trên văn bản: Thành phố Hà Nội, Tỉnh Thanh Hóa.")
    kind: Literal["tỉnh", "thành phố", "trung ương"]
    short: str = Field(description="Tên riêng: Hà Nội, Thanh Hóa (dòng địa danh, tên ghép).")
    place: str | None = Field(default=None, description="Địa danh ở dòng ngày tháng, nếu khác tên riêng.")
    aliases: list[str] = Field(default_factory=list)
    formed_from: list[str] = Field(default_factory=list, description="Các tỉnh hợp nhất năm 2025 (tên cũ).")
    note: str | None = None

    _lists = field_validator("aliases", "formed_from", mode="before")(_names)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _JURISDICTION.match(v):
            raise ValueError(f"mã địa phương {v!r} phải là chữ thường không dấu, số và '-'")
        return v

    @property
    def place_name(self) -> str:
        return self.place or self.short

    @property
    def government(self) -> str:
        """The people's committee that governs it: "UBND thành phố Hà Nội"."""
        return f"UBND {self.kind} {self.short}"


class StandardAgency(Strict):
    """One body of the standard set every province has, written with ``{kind}`` (tỉnh / thành phố) and
    ``{short}`` (Hà Nội) where its name carries the province's."""

    id: str
    name: str
    short: str | None = None
    aliases: list[str] = Field(default_factory=list)
    level: AgencyLevel
    parent: str | None = None
    header_lines: list[str] = Field(default_factory=list)
    replaced_by: list[str] = Field(default_factory=list)
    replaced_on: dt.date | None = None
    basis: str | None = None
    covers: list[str] = Field(default_factory=list)
    excludes: list[str] = Field(default_factory=list)
    note: str | None = None

    _lists = field_validator(
        "aliases", "header_lines", "replaced_by", "covers", "excludes", mode="before"
    )(_names)


class RegistryFile(Strict):
    """The content of agencies.yaml as written; ``kehoach.agencies.Registry`` is what answers about it."""

    jurisdictions: list[Jurisdiction] = Field(default_factory=list)
    standard: list[StandardAgency] = Field(
        default_factory=list, description="Bộ cơ quan chuẩn cấp tỉnh, tạo cho từng địa phương có kế hoạch."
    )
    agencies: list[Agency]
