"""Hostile report templates: nothing escapes the sandbox, nothing runs unbounded, every failure is a message."""

from __future__ import annotations

import hashlib
import importlib
import io
import zipfile
from pathlib import Path

import pytest
from docx import Document

from kehoach.report import TemplateProblem, build_context, render

render_mod = importlib.import_module("kehoach.report.render")  # the package exports a function of that name


@pytest.fixture(scope="session")  # built once per worker, even when xdist interleaves modules
def context(data):
    return build_context(data, "aec-2026", "midterm", 2028, None, today=__import__("datetime").date(2026, 11, 21))


def _template(tmp_path: Path, *paragraphs: str, name: str = "mau.docx") -> Path:
    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    path = tmp_path / name
    doc.save(str(path))
    return path


def _digest(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


ESCAPES = [
    "{{ counts[0].swatch.tpl.docx.save('TARGET') }}",
    "{{ counts[0].swatch.tpl.replace_zipname('word/document.xml', '/etc/passwd') }}",
    "{{ counts[0].swatch.tpl.write_xml('TARGET') }}",
    "{{ counts[0].swatch.tpl.template_file }}",
    "{{ chart.rows[0].bar.tpl.docx.save('TARGET') }}",
    "{{ subject.__class__.__mro__[1].__subclasses__() }}",
    "{{ subject.encode('utf-8') }}",
    "{{ plan.items.__self__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ namespace() }}",
    "{{ lipsum.__globals__['os'].system('touch TARGET') }}",
    "{{ ''|attr('__class__') }}",
    "{% include '/etc/passwd' %}",
    "{% import '/etc/passwd' as x %}",
    "{% from '/etc/passwd' import x %}",
    "{% extends '/etc/passwd' %}",
]


@pytest.mark.parametrize("attempt", ESCAPES[:3] + ESCAPES[-4:-3])
def test_escape_attempts_from_the_cli_touch_no_file(run, data_copy: Path, tmp_path: Path, attempt: str):
    """Finding 1: the template reached a live DocxTemplate through the context's images."""
    target = data_copy / "agencies.yaml"
    template = _template(tmp_path, "Trước", attempt.replace("TARGET", str(target)), "Sau")
    before = _digest(data_copy)
    out = tmp_path / "out" / "bc.docx"
    result = run("report", "annual", "--plan", "aec-2026", "--year", "2026", "--template", str(template),
                 "--data", str(data_copy), "-o", str(out), "--today", "2026-11-21")  # fmt: skip
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exit_code == 1, result.stdout
    assert "mau.docx" in result.stderr
    assert _digest(data_copy) == before
    assert not out.exists() and not (tmp_path / "out").exists()


@pytest.mark.parametrize("attempt", ESCAPES)
def test_escape_attempts_are_refused_and_write_nothing(context, tmp_path: Path, attempt: str):
    victim = tmp_path / "victim" / "agencies.yaml"
    victim.parent.mkdir()
    victim.write_text("agencies: []\n", encoding="utf-8")
    template = _template(tmp_path, "Trước", attempt.replace("TARGET", str(victim)), "Sau")
    before = _digest(tmp_path)
    with pytest.raises(TemplateProblem, match="^mẫu mau.docx: "):
        render(context, template)
    assert _digest(tmp_path) == before


def test_nothing_from_outside_appears_even_when_rendering_succeeds(context, tmp_path: Path):
    template = _template(tmp_path, "{{ counts[0].swatch }} {{ subject }}")
    out = render(context, template)
    with zipfile.ZipFile(__import__("io").BytesIO(out)) as z:
        everything = b"".join(z.read(n) for n in z.namelist())
    assert b"root:" not in everything and str(template).encode() not in everything
    assert b"KEHOACHIMG" not in everything  # the marker became a picture
    assert b"<w:drawing>" in everything or b"<w:drawing " in everything


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ 1/0 }}", "chia cho 0"),
        ("{{ '%s %s' % (1,) }}", "%"),
        ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "macro"),
        ("{{ lipsum(min=1000, max=1000) }}", "lipsum"),
        ("{{ range(10**9) }}", "range"),
        ("{{ 'a' * 10**10 }}", "lặp"),
        ("{{ [1] * 10**9 }}", "lặp"),
        ("{{ 10**(10**8) }}", "lũy thừa"),
        ("{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}", "range"),
        ("{{ subject|center(10**9) }}", "center"),
        ("{{ subject|format(1) }}", "format"),
        ("{{ '{0:>999999999}'.format(1) }}", "format"),
        ("{{ subject.ljust(10**9) }}", "ljust"),
        ("{{ subject|replace('', subject)|replace('', subject)|replace('', subject) }}", "dài quá"),
        ("{{ (counts|list) + (counts|list) * 999999 }}", "lặp"),
        ("{% for x in 5 %}{% endfor %}", "int"),
        ("{{ plan.title[10**20] }}", ""),
        ("{{ tasks[0] }}{{ ten_co_quan }}", "ten_co_quan"),
        ("{% if %}", "cú pháp"),
    ],
)
def test_template_errors_are_messages_naming_the_template(context, tmp_path: Path, source: str, expected: str):
    """Finding 2: each of these printed a traceback or ran until killed."""
    template = _template(tmp_path, "Đoạn đầu", source, name="xau.docx")
    with pytest.raises(TemplateProblem) as err:
        render(context, template)
    message = str(err.value)
    assert message.startswith("mẫu xau.docx: ")
    assert expected in message
    assert "Traceback" not in message


def test_the_message_shows_the_paragraph_with_the_failing_tag(context, tmp_path: Path):
    template = _template(tmp_path, "Đoạn đầu {{ subject }}", "Tỷ lệ hoàn thành {{ total / 0 }} phần trăm")
    with pytest.raises(TemplateProblem, match="Tỷ lệ hoàn thành"):
        render(context, template)


@pytest.mark.slow
def test_a_template_that_loops_without_end_hits_the_time_limit(context, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(render_mod, "RENDER_CPU_SECONDS", 1)
    loops = "{% for i in range(9999) %}{% for j in range(9999) %}{% for k in range(9999) %}"
    loops += "{% endfor %}{% endfor %}{% endfor %}"
    template = _template(tmp_path, loops)
    with pytest.raises(TemplateProblem, match="vượt giới hạn thời gian/bộ nhớ"):
        render(context, template)


@pytest.mark.slow
def test_a_template_that_allocates_without_end_hits_the_memory_limit(context, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(render_mod, "RENDER_MEMORY_BYTES", 300 * 2**20)
    hog = "{% for i in range(9999) %}{{ 'ab' * 499999 }}{% endfor %}"
    template = _template(tmp_path, hog)
    with pytest.raises(TemplateProblem, match="vượt giới hạn thời gian/bộ nhớ"):
        render(context, template)


def test_no_marker_is_left_in_headers_and_footers(context, tmp_path: Path):
    doc = Document()
    doc.add_paragraph("Thân {{ counts[0].swatch }}")
    doc.sections[0].header.paragraphs[0].text = "Đầu trang {{ counts[1].swatch }}"
    doc.sections[0].footer.paragraphs[0].text = "Chân trang {{ counts[2].swatch }}"
    path = tmp_path / "dau-chan.docx"
    doc.save(str(path))
    with zipfile.ZipFile(io.BytesIO(render(context, path))) as z:
        xml = {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}
    assert not any("KEHOACHIMG" in x for x in xml.values())
    assert "<w:drawing>" in xml["word/document.xml"]
    assert "Đầu trang" in xml["word/header1.xml"] and "Chân trang" in xml["word/footer1.xml"]


def test_harmless_template_features_still_work(context, tmp_path: Path):
    source = (
        "{% for c in counts %}{{ loop.index }}. {{ c.label|upper }} {{ c.count }}{{ loop.cycle(';', '.') }}{% endfor %}"
        "{% macro hello(name) %}Kính gửi {{ name }}{% endmacro %}{{ hello(issuer.name) }}"
        "{% for k, v in cycle.items() %}{{ k }}={{ v }} {% endfor %}{{ subject.upper() }}{{ 2**10 }}{{ 'ab' * 3 }}"
    )
    out = render(context, _template(tmp_path, source))
    text = "\n".join(p.text for p in Document(__import__("io").BytesIO(out)).paragraphs)
    assert "1024" in text and "ababab" in text and "Kính gửi" in text
    assert context["counts"][0]["label"].upper() in text


def test_the_context_holds_plain_data_only(context):
    render_mod._plain_only(context)
    with pytest.raises(TypeError):
        render_mod._plain_only({**context, "x": object()})


def test_a_template_beside_the_data_is_announced(run, data_copy: Path, tmp_path: Path):
    (data_copy.parent / "templates").mkdir()
    beside = data_copy.parent / "templates" / "annual.docx"
    beside.write_bytes((Path(__file__).parents[1] / "templates" / "annual.docx").read_bytes())
    result = run("report", "annual", "--plan", "aec-2026", "--year", "2026", "--data", str(data_copy),
                 "-o", str(tmp_path / "bc.docx"), "--today", "2026-11-21")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert str(beside) in result.stderr
