"""Report drafts: what goes in an annual, mid-term (sơ kết) or final (tổng kết) report, and the DOCX.

Three layers, each usable alone:

- ``kehoach.report.context``: the report context. Pure: loaded data in, a dict of plain strings,
  numbers and lists out, every string already cleaned for Word. No DOCX.
- ``kehoach.report.form``: the format rules (thể thức) of the header, number, date and signature.
- ``kehoach.report.render``: DOCX rendering of a context with a template (``templates/<kind>.docx``,
  which hold the layout and the prose only a person can write, as highlighted placeholders).
"""

from kehoach.report.context import build_context, called, default_year, plan_reference, report_agencies, report_issuer
from kehoach.report.form import abbreviation, signing_line, vn_date
from kehoach.report.kinds import KIND_SLUG, KIND_VN, KINDS, NoDraft, ReportError
from kehoach.report.render import TemplateProblem, default_filename, find_template, render

__all__ = [
    "KINDS",
    "KIND_SLUG",
    "KIND_VN",
    "NoDraft",
    "ReportError",
    "TemplateProblem",
    "abbreviation",
    "build_context",
    "called",
    "default_filename",
    "default_year",
    "find_template",
    "plan_reference",
    "render",
    "report_agencies",
    "report_issuer",
    "signing_line",
    "vn_date",
]
