"""`due`, `tasks` and `status` give the same answer, byte for byte, whichever way they read the data.

Three ways: with the cache on (the query index once it exists, built by the first call and used by the next),
with ``KEHOACH_NO_INDEX=1`` (the same cache, the answer computed from the models) and without any cache
(``--no-cache`` or ``KEHOACH_NO_CACHE=1``). A seeded random sample of commands over the bundled plans is asked
all three ways and stdout, stderr and the exit code are compared; then the files are changed under a warm
cache (a progress record, a deadline, a lead agency, the registry, the data folder's jurisdiction, a plan added
and removed, a same-size rewrite in the same second) and a damaged cache folder is read.

Environment: ``KEHOACH_PARITY_SEED`` (default: today's UTC date as YYYYMMDD, printed in every failure),
``KEHOACH_PARITY_N`` commands over the bundled plans (default 30), ``KEHOACH_PARITY_CORPUS_N`` commands over
``KEHOACH_PARITY_COPIES`` copies of the plans (defaults 6 and 20; the test is marked slow). ``make parity``
asks thousands.
"""

from __future__ import annotations

import datetime as dt
import difflib
import importlib.util
import math
import os
import random
import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import BUNDLED_PLANS, ROOT, bundled_only
from kehoach.cache import RACY_NS

SEED = int(os.environ.get("KEHOACH_PARITY_SEED") or dt.datetime.now(dt.UTC).strftime("%Y%m%d"))
N = int(os.environ.get("KEHOACH_PARITY_N") or 30)
CORPUS_N = int(os.environ.get("KEHOACH_PARITY_CORPUS_N") or 6)
COPIES = int(os.environ.get("KEHOACH_PARITY_COPIES") or 20)
# Each chunk is one test (pytest-xdist spreads them over the cores) with a cache folder of its own: its first
# indexed call is cold (it builds the cache and the index), the later ones warm.
CHUNKS = max(2, math.ceil(N / 25))
CORPUS_CHUNKS = max(1, math.ceil(CORPUS_N / 25))

MODES = ("index", "noindex", "nocache")
FORMATS = ("table", "json", "csv")
COMMANDS = ("due", "tasks", "status")
# Days around which periods turn: year ends, the report days of mid-December, mid-year.
EDGES = ((31, 12), (1, 1), (14, 12), (15, 12), (30, 6), (1, 7), (2, 1), (30, 12))
REVIEW_YEARS = (2028, 2030, 2032, 2035)  # mid-term and final reviews of the bundled plans' periods
KINDS = ("date", "month", "quarter", "year", "range", "annual", "semiannual", "ongoing", "plan", "event")
# Kinds of agency a user asks about: any named in a task; a dissolved one and its successor ("heir", which
# inherits the dissolved one's tasks); a collective; a central body; an abbreviation ("STC"); a name as a task
# writes it (also without diacritics); any agency of the registry; a name no registry holds.
AGENCY_KINDS = (
    "named", "dissolved", "heir", "collective", "central", "abbreviation", "written", "registry", "unknown"
)


# ------------------------------------------------------------------------------------------------ running


@dataclass(frozen=True)
class Answer:
    code: int
    stdout: bytes
    stderr: bytes
    crash: str | None = None  # an exception that escaped the command: never right


@dataclass
class Calls:
    """What ``load_data`` saw in each mode: the proof that each mode really is the mode it says."""

    seen: dict[str, list[tuple[str | None, str | None, Any]]] = field(default_factory=lambda: {m: [] for m in MODES})
    asked: set[str] = field(default_factory=set)
    # How many times the query index gave an agency's list (kehoach.qindex.agency_entries), in each mode.
    indexed: dict[str, int] = field(default_factory=lambda: {m: 0 for m in MODES})


@dataclass(frozen=True)
class Command:
    args: tuple[str, ...]
    columns: int
    no_cache_by_env: bool  # the model-only mode spelled KEHOACH_NO_CACHE=1 instead of --no-cache

    def shell(self, mode: str, data: Path) -> str:
        env = [f"COLUMNS={self.columns}"]
        pre: list[str] = []
        if mode == "noindex":
            env.append("KEHOACH_NO_INDEX=1")
        elif mode == "nocache":
            if self.no_cache_by_env:
                env.append("KEHOACH_NO_CACHE=1")
            else:
                pre = ["--no-cache"]
        return " ".join(env) + " kehoach " + shlex.join([*pre, *self.args, "--data", str(data)])


class Asker:
    """Runs a command in-process in one of the three modes, with the environment each mode means."""

    def __init__(self, calls: Calls) -> None:
        from kehoach.cli import app

        self.app = app
        self.calls = calls
        self.runner = CliRunner()
        self.mode = ""

    def __call__(self, cmd: Command, mode: str, data: Path) -> Answer:
        env: dict[str, str | None] = {
            "COLUMNS": str(cmd.columns),
            "KEHOACH_NO_INDEX": "1" if mode == "noindex" else None,
            "KEHOACH_NO_CACHE": "1" if mode == "nocache" and cmd.no_cache_by_env else None,
            "KEHOACH_DATA": None,
            "KEHOACH_TODAY": None,
        }
        pre = ["--no-cache"] if mode == "nocache" and not cmd.no_cache_by_env else []
        self.mode = mode
        self.calls.asked.add(mode)
        try:
            result = self.runner.invoke(self.app, [*pre, *cmd.args, "--data", str(data)], env=env)
        finally:
            self.mode = ""
        crash = None
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            crash = f"{type(result.exception).__name__}: {result.exception}"
        return Answer(result.exit_code, result.stdout_bytes, result.stderr_bytes, crash)


@pytest.fixture
def ask(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[tuple[Asker, Calls]]:
    """An ``Asker`` with a fresh cache folder, and two spies: on ``load_data``, the environment each command
    saw while it loaded the data (KEHOACH_NO_INDEX set in the model mode and unset in the indexed one, the
    cache off in the no-cache mode); on the query index, whether it gave the answer (never in the model and
    no-cache modes; ``compare_all`` and ``seen_at_once`` check that it did in the indexed one).

    Files written a moment ago count as settled (``RACY_NS = 0``, as tests/test_qindex.py does): else the index
    stands aside for two seconds after every write, and the comparison would compare the models with
    themselves. The same-size rewrite on a coarse clock puts the real value back."""
    import kehoach.dataset as dataset
    from kehoach import cache, qindex

    monkeypatch.setattr(cache, "RACY_NS", 0)
    monkeypatch.setenv("KEHOACH_CACHE_DIR", str(tmp_path / "cache"))
    for var in ("KEHOACH_NO_CACHE", "KEHOACH_NO_INDEX", "COLUMNS"):
        monkeypatch.delenv(var, raising=False)
    calls = Calls()
    asker = Asker(calls)
    real = dataset.load_data

    def spy(root: Path, cache: bool | None = None, *args: Any, **kwargs: Any) -> Any:
        if asker.mode:
            calls.seen[asker.mode].append(
                (os.environ.get("KEHOACH_NO_INDEX"), os.environ.get("KEHOACH_NO_CACHE"), cache)
            )
        return real(root, cache, *args, **kwargs)

    real_entries = qindex.agency_entries

    def entries_spy(data: Any, agency: Any) -> Any:
        found = real_entries(data, agency)
        if asker.mode and found is not None:
            calls.indexed[asker.mode] += 1
        return found

    monkeypatch.setattr(dataset, "load_data", spy)
    monkeypatch.setattr(qindex, "agency_entries", entries_spy)
    yield asker, calls
    check_modes(calls)


def check_modes(calls: Calls) -> None:
    """Each mode ran as it says (the comparison never compares a path with itself)."""
    for mode in calls.asked - {"index"}:
        assert calls.seen[mode], f"the {mode} mode never loaded the models: the spy on load_data is blind"
        assert calls.indexed[mode] == 0, f"the query index answered in the {mode} mode"
    assert all(no_index == "1" for no_index, _, _ in calls.seen["noindex"]), calls.seen["noindex"]
    assert all(no_index is None and no_cache is None for no_index, no_cache, _ in calls.seen["index"]), calls.seen[
        "index"
    ]
    assert all(
        cache is False or no_cache == "1" for _, no_cache, cache in calls.seen["nocache"]
    ), calls.seen["nocache"]


def explain(cmd: Command, data: Path, answers: dict[str, Answer], context: str) -> str | None:
    """None when every mode gave the same answer, else what differs, with the commands to ask again."""
    first = answers[MODES[0]]
    crashed = [m for m, a in answers.items() if a.crash]
    if not crashed and all(a == first for a in answers.values()):
        return None
    lines = [f"{context}: the answers differ (seed {SEED}: KEHOACH_PARITY_SEED={SEED} KEHOACH_PARITY_N={N})"]
    for mode, a in answers.items():
        lines.append(f"  [{mode}] exit {a.code}{' CRASH ' + a.crash if a.crash else ''}: {cmd.shell(mode, data)}")
    for mode, a in answers.items():
        if mode == MODES[0]:
            continue
        for name, x, y in (("stdout", first.stdout, a.stdout), ("stderr", first.stderr, a.stderr)):
            if x != y:
                diff = difflib.unified_diff(
                    x.decode("utf-8", "replace").splitlines(), y.decode("utf-8", "replace").splitlines(),
                    f"{MODES[0]} {name}", f"{mode} {name}", lineterm="", n=1,
                )
                lines.extend("    " + d for d in list(diff)[:30])
    return "\n".join(lines)


def compare_all(asker: Asker, commands: list[Command], data: Path, context: str, *, no_cache_every: int = 1) -> int:
    """Ask each command in the three modes (the first one indexed twice: cold, then warm) and fail with every
    difference found; returns how many answers were compared. ``no_cache_every``: the no-cache mode for one
    command in that many (it parses every YAML file each time: slow on a big corpus)."""
    problems = []
    compared = 0
    for i, cmd in enumerate(commands):
        answers: dict[str, Answer] = {}
        if i == 0:
            cold = asker(cmd, "index", data)
            answers["index"] = asker(cmd, "index", data)  # warm
            answers["first index"] = cold  # cold: it builds the index (after the snapshot, in odd chunks)
        else:
            answers["index"] = asker(cmd, "index", data)
        answers["noindex"] = asker(cmd, "noindex", data)
        if i % no_cache_every == 0:
            answers["nocache"] = asker(cmd, "nocache", data)
        compared += len(answers)
        problem = explain(cmd, data, answers, f"{context}, command {i}")
        if problem:
            problems.append(problem)
    assert not problems, f"{len(problems)} of {len(commands)} commands differ\n" + "\n\n".join(problems[:5])
    if any(uses_index(c) for c in commands):
        assert asker.calls.indexed["index"], "the query index answered none of the indexed calls"
    return compared


def uses_index(cmd: Command) -> bool:
    """Whether the command is one the query index answers (``due``, ``tasks --agency``)."""
    return cmd.args[0] == "due" or (cmd.args[0] == "tasks" and "--agency" in cmd.args)


# ------------------------------------------------------------------------------------------------ sampling


@dataclass
class Pool:
    """What the sampler draws from, taken from the data itself."""

    agencies: dict[str, list[str]]  # kind (AGENCY_KINDS) -> names as a user may type them
    spelled: dict[str, list[str]]  # an agency named in a task -> its name, aliases and abbreviation
    plans: list[str]  # ids and numbers ("74/QĐ-UBND")
    words: list[str]  # words and phrases of task contents, for --search
    first_year: int
    last_year: int


def make_pool(root: Path) -> Pool:
    from kehoach.agencies import AgencyError
    from kehoach.dataset import load_data
    from kehoach.text import strip_diacritics

    data = load_data(root, cache=False)
    reg = data.registry
    named: dict[str, Any] = {}
    often: list[str] = []  # the agency of every name a task writes: agencies drawn as often as they are named
    written: set[str] = set()
    words: set[str] = set()
    for lp in data.plans:
        holders = [*lp.plan.tasks, *lp.plan.targets]
        for t in holders:
            for name in [*t.lead, *t.support, *getattr(t, "successor", [])]:
                written.add(str(name))
                try:
                    a = reg.resolve(name)
                except AgencyError:
                    continue
                named[a.id] = a
                often.append(a.name)
        for t in lp.plan.tasks:
            found = re.findall(r"\w{4,}", t.content)
            words.update(found[:3])
            if len(found) >= 2:
                words.add(" ".join(found[:2]))

    def spellings(agencies: list[Any]) -> list[str]:
        return sorted({n for a in agencies for n in reg.names_of(a)})

    everyone = list(named.values())
    kinds = {
        "named": often,
        "dissolved": spellings([a for a in everyone if a.replaced_by]),
        "heir": spellings([reg.get(h) for a in everyone for h in a.replaced_by if h in reg.agencies]),
        "collective": spellings([a for a in everyone if a.level == "collective"]),
        "central": spellings([a for a in everyone if a.level == "central"]),
        "abbreviation": sorted({a.short for a in everyone if a.short} | {
            n for a in everyone for n in a.aliases if len(n.split()) <= 2
        }),
        "written": sorted(written | {strip_diacritics(n) for n in written}),
        "registry": spellings(list(reg)),
        "unknown": ["Sở Không Có Thật", "Bộ Mơ Hồ", "Ban Chỉ đạo 999"],
    }
    plans = sorted({lp.plan.id for lp in data.plans} | {lp.plan.number for lp in data.plans if lp.plan.number})
    years = [y for lp in data.plans for y in (lp.plan.start_year, lp.plan.end_year)]
    spelled = {a.name: spellings([a]) for a in everyone}
    return Pool(kinds, spelled, plans, sorted(words), min(years), max(years))


def draw_day(rng: random.Random) -> dt.date:
    r = rng.random()  # most days within the bundled plans' busiest years, every year up to 2036 still drawn
    year = rng.choice(REVIEW_YEARS) if r < 0.3 else rng.randrange(2025, 2031) if r < 0.8 else rng.randrange(2031, 2037)
    r = rng.random()
    if r < 0.6:
        d, m = rng.choice(EDGES)
        return dt.date(year, m, d)
    if r < 0.65 and year % 4 == 0:
        return dt.date(year, 2, 29)
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))


def spell_day(rng: random.Random, day: dt.date) -> str:
    return day.isoformat() if rng.random() < 0.5 else day.strftime("%d/%m/%Y")


def draw_agency(rng: random.Random, pool: Pool, kind: str | None = None) -> str:
    kind = kind or ("named" if rng.random() < 0.5 else rng.choice(AGENCY_KINDS[:-1]))
    name = rng.choice(pool.agencies[kind] or pool.agencies["named"])
    if kind == "named" and rng.random() < 0.35:
        return rng.choice(pool.spelled[name])
    return name


def draw_plans(rng: random.Random, pool: Pool) -> list[str]:
    out: list[str] = []
    for _ in range(1 if rng.random() < 0.8 else 2):
        out += ["--plan", rng.choice(pool.plans) if rng.random() < 0.97 else "khong-co-ke-hoach-nay"]
    return out


def draw_search(rng: random.Random, pool: Pool) -> str:
    from kehoach.text import strip_diacritics

    word = rng.choice(pool.words)
    r = rng.random()
    if r < 0.3:
        return strip_diacritics(word)
    if r < 0.5:
        return word.lower()
    if r < 0.55:
        return "không có từ này"
    return word


def draw_due(rng: random.Random, pool: Pool, agency_kind: str) -> list[str]:
    today = draw_day(rng)
    args = ["due", "--agency", draw_agency(rng, pool, agency_kind), "--today", spell_day(rng, today)]
    r = rng.random()
    if r < 0.35:
        args += ["--within", str(rng.choice((0, 1, 7, 14, 30, 31, 90, 180, 365, 366, 730, 3650)))]
    elif r < 0.75:
        until = today + dt.timedelta(days=rng.choice((0, 1, 15, 60, 120, 200, 400, 1000, 3000)))
        if rng.random() < 0.3:  # a period edge ahead
            d, m = rng.choice(EDGES)
            until = max(until, dt.date(rng.randrange(today.year, 2037), m, d))
        if rng.random() < 0.04:  # a day before --today: a usage error, to be worded alike
            until = today - dt.timedelta(days=1)
        args += ["--until", spell_day(rng, until)]
    if rng.random() < 0.03:  # both: a usage error
        args += ["--within", "30", "--until", spell_day(rng, today)]
    if rng.random() < 0.6:
        args += ["--role", rng.choice(("lead", "support", "any"))]
    if rng.random() < 0.25:
        args.append("--strict")
    if rng.random() < 0.2:
        args += draw_plans(rng, pool)
    return args


def draw_tasks(rng: random.Random, pool: Pool) -> list[str]:
    args = ["tasks", "--today", spell_day(rng, draw_day(rng))]
    if rng.random() < 0.55:
        args += ["--agency", draw_agency(rng, pool)]
        if rng.random() < 0.5:
            args += ["--role", rng.choice(("lead", "support", "any"))]
        if rng.random() < 0.35:
            args.append("--strict")
    bounds = sorted([draw_day(rng), draw_day(rng)])
    if rng.random() < 0.05:  # the wrong way round: a usage error, to be worded alike
        bounds.reverse()
    if rng.random() < 0.3:
        args += ["--due-from", spell_day(rng, bounds[0])]
    if rng.random() < 0.3:
        args += ["--due-to", spell_day(rng, bounds[1])]
    if rng.random() < 0.3:
        kind = rng.choice(("annual", "half", "midterm", "final"))
        year = rng.choice(REVIEW_YEARS) if kind in ("midterm", "final") and rng.random() < 0.7 else None
        args += ["--cycle", f"{kind}-{year or rng.randrange(pool.first_year, pool.last_year + 2)}"]
    if rng.random() < 0.25:
        args += ["--kind", rng.choice(KINDS)]
    if rng.random() < 0.3:
        args += ["--search", draw_search(rng, pool)]
    if rng.random() < 0.35:
        args += draw_plans(rng, pool)
    return args


def draw_status(rng: random.Random, pool: Pool) -> list[str]:
    today = draw_day(rng)
    args = ["status", "--today", spell_day(rng, today)]
    if rng.random() < 0.4:
        args += draw_plans(rng, pool)
    if rng.random() < 0.4:
        args += ["--agency", draw_agency(rng, pool)]
    if rng.random() < 0.5:  # a year after --today's is a usage error: seldom drawn
        last = today.year + 1 if rng.random() < 0.05 else today.year
        args += ["--year", str(rng.randrange(min(pool.first_year, last), last + 1))]
    return args


def sample(pool: Pool, seed: int, n: int) -> list[Command]:
    """``n`` commands; the command, the format and (for ``due``) the kind of agency rotate, so that every
    command meets every format and every kind of agency in any sample of a few dozen; the rest is drawn."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        command = COMMANDS[i % 3]
        fmt = FORMATS[(i // 3) % 3]
        if command == "due":
            args = draw_due(rng, pool, AGENCY_KINDS[(i // 3) % len(AGENCY_KINDS)])
        elif command == "tasks":
            args = draw_tasks(rng, pool)
        else:
            args = draw_status(rng, pool)
        if fmt != "table" or rng.random() < 0.5:
            args += ["--format", fmt]
        out.append(Command(tuple(args), rng.choice((80, 150)), rng.random() < 0.5))
    return out


# ------------------------------------------------------------------------------------------------ the sample


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled plans and their progress, in a folder of their own (read only: each test caches apart)."""
    return bundled_only(tmp_path_factory.mktemp("parity") / "data")


@pytest.fixture(scope="module")
def pool(bundled: Path) -> Pool:
    return make_pool(bundled)


def test_the_sampler_draws_every_kind_of_agency_day_and_option(pool: Pool):
    """The pool holds what the comparison must reach: dissolved agencies with successors, collectives,
    central bodies, abbreviations; and a sample of a few dozen asks each command in each format."""
    assert pool.agencies["dissolved"] and pool.agencies["heir"] and pool.agencies["collective"]
    assert pool.agencies["central"] and "Sở Tài chính" in pool.agencies["heir"]
    assert "STC" in pool.agencies["abbreviation"] and len(pool.agencies["registry"]) > len(set(pool.agencies["named"]))
    assert set(BUNDLED_PLANS) <= set(pool.plans) and any("/" in p for p in pool.plans)
    commands = sample(pool, SEED, 36)
    assert {(c.args[0], c.args[c.args.index("--format") + 1] if "--format" in c.args else "table") for c in commands} \
        == {(c, f) for c in COMMANDS for f in FORMATS}
    flat = [a for c in commands for a in c.args]
    for option in ("--within", "--until", "--role", "--strict", "--plan", "--search", "--year", "--due-from"):
        assert option in flat, option
    assert {c.columns for c in commands} == {80, 150}
    days = {dt.date.fromisoformat(a) if "-" in a else dt.datetime.strptime(a, "%d/%m/%Y").date()
            for c in commands for k, a in zip(c.args, c.args[1:], strict=False) if k == "--today"}
    assert any((d.day, d.month) in EDGES for d in days) and any(d.year in REVIEW_YEARS for d in days)
    assert sample(pool, SEED, 36) == commands  # one seed, one sample


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_the_same_answers_over_the_bundled_plans(chunk: int, bundled: Path, pool: Pool, ask):
    asker, _ = ask
    commands = sample(pool, SEED, N)[chunk::CHUNKS]
    if chunk % 2:  # the models' mode first: the snapshot exists when the first indexed call builds the index
        asker(commands[0], "noindex", bundled)
    compare_all(asker, commands, bundled, f"bundled plans, chunk {chunk} of {CHUNKS}")


def _make_corpus() -> Callable[[Path, int], int]:
    spec = importlib.util.spec_from_file_location("kehoach_bench", ROOT / "bench" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_corpus  # type: ignore[no-any-return]


@pytest.mark.slow
@pytest.mark.parametrize("chunk", range(CORPUS_CHUNKS))
def test_the_same_answers_over_copies_of_the_plans(chunk: int, tmp_path: Path, pool: Pool, ask):
    """``KEHOACH_PARITY_COPIES`` copies of every plan with its progress (as ``make bench`` builds them)."""
    asker, _ = ask
    corpus = tmp_path / "corpus"
    tasks = _make_corpus()(corpus, COPIES)
    assert tasks > 100 * COPIES
    ids = [p.stem for p in (corpus / "plans").glob("*.yaml")]
    plans = sorted(ids)[:: max(1, len(ids) // 40)]
    copies = Pool(pool.agencies, pool.spelled, plans, pool.words, pool.first_year, pool.last_year)
    commands = sample(copies, SEED + 1, CORPUS_N)[chunk::CORPUS_CHUNKS]
    compare_all(asker, commands, corpus, f"{COPIES} copies of the plans, chunk {chunk}", no_cache_every=3)


# ------------------------------------------------------------------------------------------------ staleness

DAY = "2026-12-01"


def probe(*args: str) -> Command:
    return Command(tuple(args), 150, False)


DUE_STC = probe("due", "--agency", "Sở Tài chính", "--today", DAY, "--within", "3650", "--format", "json")
DUE_STP = probe("due", "--agency", "Sở Tư pháp", "--today", DAY, "--within", "3650", "--format", "json")
DUE_SCT = probe("due", "--agency", "Sở Công Thương", "--today", DAY, "--until", "2031-01-01", "--format", "json")
TASKS_ALL = probe("tasks", "--today", DAY, "--format", "csv")
STATUS_ALL = probe("status", "--today", DAY, "--format", "json")
STATUS_AEC = probe("status", "--plan", "aec-2026", "--today", DAY, "--year", "2026", "--format", "json")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{path.name} no longer holds {old!r}: choose another edit"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def seen_at_once(
    asker: Asker, data: Path, probes: list[Command], changes: list[Callable[[], None]], *, settled: bool = True
) -> None:
    """Warm the cache (and index) with indexed calls, then make each change in turn: after each, the indexed
    answer of every probe is the models' answer, at least one probe's answer is not what it was, and (files
    ``settled``) the query index gave the indexed answers of ``due`` and ``tasks --agency``."""
    asker(probes[0], "index", data)  # cold: builds what the next calls read
    before = [asker(p, "index", data) for p in probes]  # warm
    assert all(a.code in (0, 2) and not a.crash for a in before)
    for step, change in enumerate(changes):
        change()
        indexed = asker.calls.indexed["index"]
        problems = []
        after = []
        for i, p in enumerate(probes):
            answers = {"index": asker(p, "index", data), "noindex": asker(p, "noindex", data)}
            if i == 0 or uses_index(p):
                answers["index again"] = asker(p, "index", data)  # the rebuilt cache and index, read warm
            after.append(answers["index"])
            problem = explain(p, data, answers, f"after change {step} ({change.__name__})")
            if problem:
                problems.append(problem)
        assert not problems, "\n\n".join(problems)
        if settled and any(uses_index(p) and a.code == 0 for p, a in zip(probes, after, strict=True)):
            assert asker.calls.indexed["index"] > indexed, f"the query index answered nothing after change {step}"
        assert after != before, f"change {step} ({change.__name__}) altered no probe: the test would see nothing"
        before = after


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    return bundled_only(tmp_path / "data")


def test_a_changed_progress_record_is_seen(fresh: Path, ask):
    asker, _ = ask
    progress = fresh / "progress" / "aec-2026" / "2026.yaml"

    def status_changed() -> None:
        edit(progress, '"IV.4.3":\n    status: not-started', '"IV.4.3":\n    status: done\n    completed: 2026-10-01')

    def record_removed() -> None:
        edit(progress, '"IV.1.1":\n    status: in-progress', '"IV.1.1-khac":\n    status: in-progress')

    seen_at_once(asker, fresh, [STATUS_AEC, DUE_SCT], [status_changed, record_removed])


def test_a_changed_deadline_is_seen(fresh: Path, ask):
    asker, _ = ask
    aec = fresh / "plans" / "aec-2026.yaml"
    late = probe("due", "--agency", "Sở Tài chính", "--today", "2027-06-30", "--within", "400", "--format", "json")

    def deadline_changed() -> None:
        edit(aec, "        source: Mục IV.1.1\n", "        source: Mục IV.1.1\n")  # the task is there
        edit(aec, "deadline: Từ khi ban hành kế hoạch đến năm 2035\n        source: Mục IV.1.1\n",
             "deadline: Năm 2027\n        source: Mục IV.1.1\n")

    seen_at_once(asker, fresh, [late, probe("tasks", "--plan", "aec-2026", "--today", DAY, "--format", "json")],
                 [deadline_changed])


def test_a_changed_lead_agency_is_seen(fresh: Path, ask):
    asker, _ = ask
    aec = fresh / "plans" / "aec-2026.yaml"

    def lead_renamed() -> None:
        edit(aec, "lead: [Sở Tài chính]", "lead: [Sở Tư pháp]")

    def lead_abbreviated() -> None:
        edit(aec, "lead: [Sở Tài chính]", "lead: [STC, Sở Tư pháp]")

    seen_at_once(asker, fresh, [DUE_STP, DUE_STC], [lead_renamed, lead_abbreviated])


def test_a_changed_registry_is_seen(fresh: Path, ask):
    asker, _ = ask
    registry = fresh / "agencies.yaml"
    alias = probe("due", "--agency", "Sở Pháp chế Thử", "--today", DAY, "--format", "json")
    by_alias = probe("tasks", "--agency", "Sở Pháp chế Thử", "--today", DAY, "--format", "csv")
    dissolved = probe("due", "--agency", "Sở Tư pháp", "--today", "2026-01-15", "--within", "3650", "--format", "csv")

    def alias_added() -> None:
        edit(registry, "  - id: so-tu-phap\n    jurisdiction: thanh-hoa\n    name: Sở Tư pháp\n",
             "  - id: so-tu-phap\n    jurisdiction: thanh-hoa\n    name: Sở Tư pháp\n    aliases: [Sở Pháp chế Thử]\n")

    def successor_changed() -> None:
        edit(registry, "    replaced_by: [so-tai-chinh]\n    replaced_on: 2025-03-01\n"
             "    basis: Nghị định số 45/2025/NĐ-CP; hợp nhất Sở Kế hoạch",
             "    replaced_by: [so-tu-phap]\n    replaced_on: 2025-03-01\n"
             "    basis: Nghị định số 45/2025/NĐ-CP; hợp nhất Sở Kế hoạch")

    seen_at_once(asker, fresh, [alias, dissolved, by_alias], [alias_added, successor_changed])


def test_a_changed_default_jurisdiction_is_seen(fresh: Path, ask):
    asker, _ = ask
    config = fresh / "kehoach.yaml"
    typed = [DUE_STC, probe("tasks", "--agency", "Sở Tài chính", "--today", DAY, "--format", "csv")]

    def ha_noi() -> None:
        config.write_text("jurisdiction: ha-noi\n", encoding="utf-8")

    def thanh_hoa() -> None:
        config.write_text("jurisdiction: thanh-hoa\n", encoding="utf-8")

    def gone() -> None:
        config.unlink()

    seen_at_once(asker, fresh, typed, [ha_noi, thanh_hoa, ha_noi, gone])


def test_an_added_and_a_removed_plan_are_seen(fresh: Path, ask):
    asker, _ = ask
    plans = fresh / "plans"

    def added() -> None:
        text = (plans / "aec-2026.yaml").read_text(encoding="utf-8")
        (plans / "aec-2026-ban-sao.yaml").write_text(text.replace("id: aec-2026", "id: aec-2026-ban-sao", 1),
                                                      encoding="utf-8")

    def removed() -> None:
        (plans / "aec-2026-ban-sao.yaml").unlink()
        (plans / "hoi-nhap-quoc-te.yaml").unlink()

    seen_at_once(asker, fresh, [STATUS_ALL, TASKS_ALL, DUE_STC], [added, removed])


@pytest.mark.parametrize("clock", ["fine", "coarse"])
def test_a_same_size_rewrite_in_the_same_second_is_seen(fresh: Path, ask, clock: str, monkeypatch):
    """The plan file is rewritten with bytes of the same length (another lead, other deadlines) and its old
    modification time; on a file system with one-second timestamps (``coarse``) the inode's times cannot tell
    either."""
    from kehoach import cache

    asker, _ = ask
    if clock == "coarse":  # in the two seconds after a write the index stands aside: the snapshot's hash tells
        monkeypatch.setattr(cache, "RACY_NS", RACY_NS)
        real = cache._stamp

        def coarse(path):  # type: ignore[no-untyped-def]
            st = real(path)
            return None if st is None else (st[0], st[1], st[2] // 10**9 * 10**9, st[3] // 10**9 * 10**9)

        monkeypatch.setattr(cache, "_stamp", coarse)
    aec = fresh / "plans" / "aec-2026.yaml"
    late = probe("due", "--agency", "Sở Ngoại vụ", "--today", "2034-06-30", "--within", "700", "--format", "json")

    def rewritten() -> None:
        st = os.stat(aec)
        old = aec.read_bytes()
        new = old.replace("đến năm 2035".encode(), "đến năm 2033".encode(), 2)
        new = new.replace("lead: [Sở Tài chính]".encode(), "lead: [Sở Xây dựng]".encode(), 1)  # 16 bytes each
        assert new != old and len(new) == len(old)
        aec.write_bytes(new)
        os.utime(aec, ns=(st.st_atime_ns, st.st_mtime_ns))

    seen_at_once(asker, fresh, [late, DUE_STC], [rewritten], settled=clock == "fine")


# ------------------------------------------------------------------------------------------------ damage


def _damages(raw: bytes) -> dict[str, bytes]:
    flipped = bytearray(raw)
    for at in {len(raw) // 3, len(raw) // 2, len(raw) - 1}:
        if 0 <= at < len(raw):
            flipped[at] ^= 0x55
    return {"flipped": bytes(flipped), "cut": raw[: len(raw) // 2], "empty": b""}


def test_a_damaged_cache_folder_gives_the_right_answer_and_exit_0(fresh: Path, ask):
    """Every file the cache keeps beside the snapshot (the index among them, whatever its name) but the
    per-file positions, and one of those, damaged one way at a time."""
    from kehoach.cache import cache_dir_for

    asker, _ = ask
    probes = [DUE_STC, probe("tasks", "--agency", "STC", "--today", DAY, "--format", "json")]
    expected = [asker(p, "nocache", fresh) for p in probes]
    assert all(a.code == 0 and a.stdout for a in expected)
    for p in probes:
        asker(p, "index", fresh)
    folder = cache_dir_for(fresh)
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".tmp"))
    chosen = [p for p in files if p.suffix != ".pos"] + [p for p in files if p.suffix == ".pos"][:1]
    assert any(p.name == "snapshot.marshal" for p in chosen), files
    assert len([p for p in chosen if p.suffix != ".pos"]) >= 2, f"no query index beside the snapshot: {files}"
    problems = []
    for target in chosen:
        for how, damaged in _damages(target.read_bytes()).items():
            if not target.exists():
                continue
            target.write_bytes(damaged)
            for p, want in zip(probes, expected, strict=True):
                got = asker(p, "index", fresh)
                problem = explain(p, fresh, {"nocache": want, "index": got}, f"{target.name} {how}")
                if problem or got.code != 0:
                    problems.append(problem or f"{target.name} {how}: exit {got.code}")
    assert not problems, "\n\n".join(problems[:5])
