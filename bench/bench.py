"""Whole-process CPU times and peak memory of the commands users run most, at a province's and a nation's scale.

Run with `make bench` (a few minutes; kept out of `make test` because timings depend on the machine).
Corpora of ~1k, ~10k, ~20k and ~100k tasks are made from the bundled plans (each plan copied under new
ids, with its progress files) in a temporary directory, and deleted afterwards. Every number is the CPU
time (user + system) of a whole process as a user runs it, the best of several runs; a cold run (empty
cache) is run once at 100k. The floors are what reading the same files costs at the least: PyYAML's C
loader alone, and `json.load` of the same content as JSON. Per-task times subtract `kehoach --version`.

Environment: BENCH_SIZES=1k,10k,20k,100k picks sizes; BENCH_RUNS=3 runs per warm number.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kehoach.loader import load_plan_file

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
PY = sys.executable
KEHOACH = [PY, "-m", "kehoach"]
AGENCY = "Sở Tài chính"
TODAY = "2026-01-15"
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SIZES = {"1k": 5, "10k": 50, "20k": 100, "100k": 500}  # copies of the five bundled plans
CHOSEN = [s for s in os.environ.get("BENCH_SIZES", "1k,10k,20k,100k").split(",") if s in SIZES]
COMMANDS = {
    "check": ["check"],
    "due": ["due", "--agency", AGENCY, "--today", TODAY],
    "tasks json": ["tasks", "--format", "json", "--today", TODAY],
}
DUE_JSON = ["due", "--agency", AGENCY, "--today", TODAY, "--format", "json"]


def run(args: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, float]:
    """CPU time (user + system, s) and peak RSS (MB) of one whole process.

    CPU time, not wall time: on a shared machine the wall clock measures the neighbours too.
    """
    proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0  # reaped by wait4
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def best(args: list[str], env: dict[str, str], runs: int = RUNS, cwd: Path | None = None) -> tuple[float, float]:
    results = [run(args, env, cwd) for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results)


def make_corpus(dest: Path, copies: int) -> int:
    """``copies`` of every bundled plan (and its progress files) under new ids; returns the task count."""
    (dest / "plans").mkdir(parents=True)
    shutil.copy(DATA / "agencies.yaml", dest / "agencies.yaml")
    tasks = 0
    for plan in sorted((DATA / "plans").glob("*.yaml")):
        text = plan.read_text(encoding="utf-8")
        pid = re.search(r"^id: (\S+)$", text, re.M).group(1)  # type: ignore[union-attr]
        loaded, problems = load_plan_file(plan, None)
        if loaded is None:
            raise SystemExit(f"bench: {plan} does not load: {problems[0].message}")
        per_copy = len(loaded.plan.tasks)
        progress = sorted((DATA / "progress" / pid).glob("*.yaml"))
        for k in range(copies):
            new = f"{pid}-{k:04d}"
            body = re.sub(r"^id: \S+$", f"id: {new}", text, count=1, flags=re.M)
            (dest / "plans" / f"{new}.yaml").write_text(body, encoding="utf-8")
            for prog in progress:
                folder = dest / "progress" / new
                folder.mkdir(parents=True, exist_ok=True)
                ptext = re.sub(r"^plan: \S+$", f"plan: {new}", prog.read_text(encoding="utf-8"), count=1, flags=re.M)
                (folder / prog.name).write_text(ptext, encoding="utf-8")
        tasks += per_copy * copies
    return tasks


def yaml_files(root: Path) -> list[Path]:
    return [root / "agencies.yaml", *sorted(root.glob("plans/*.yaml")), *sorted(root.glob("progress/*/*.yaml"))]


_YAML_FLOOR = """
import sys, yaml
for p in open(sys.argv[1], encoding="utf-8").read().split("\\n"):
    with open(p, "rb") as fh:
        yaml.load(fh, Loader=yaml.CSafeLoader)
"""
_JSON_FLOOR = """
import json, sys
for p in open(sys.argv[1], encoding="utf-8").read().split("\\n"):
    with open(p, "rb") as fh:
        json.load(fh)
"""
_TO_JSON = """
import json, sys, yaml
from pathlib import Path
out = Path(sys.argv[2])
names = []
for i, p in enumerate(open(sys.argv[1], encoding="utf-8").read().split("\\n")):
    with open(p, "rb") as fh:
        data = yaml.load(fh, Loader=yaml.CSafeLoader)
    target = out / f"{i}.json"
    target.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    names.append(str(target))
(out / "list.txt").write_text("\\n".join(names), encoding="utf-8")
"""


def have_pyyaml() -> bool:
    code = "import yaml, sys; sys.exit(0 if yaml.__with_libyaml__ else 1)"
    return subprocess.run([PY, "-c", code], capture_output=True).returncode == 0


def floors(root: Path, work: Path, env: dict[str, str]) -> dict[str, float]:
    if not have_pyyaml():
        return {}
    listing = work / "yaml-list.txt"
    listing.write_text("\n".join(str(p) for p in yaml_files(root)), encoding="utf-8")
    jdir = work / "json"
    jdir.mkdir()
    subprocess.run([PY, "-c", _TO_JSON, str(listing), str(jdir)], check=True, env=env)
    runs = 1 if len(yaml_files(root)) > 2000 else 3
    out = {
        "yaml": best([PY, "-c", _YAML_FLOOR, str(listing)], env, runs)[0],
        "json": best([PY, "-c", _JSON_FLOOR, str(jdir / "list.txt")], env, RUNS)[0],
    }
    shutil.rmtree(jdir)
    return out


def taskwarrior(root: Path, work: Path, env: dict[str, str]) -> tuple[float, int] | None:
    """Taskwarrior's whole-process filter over the same dated tasks, with the lead agency as project."""
    if not shutil.which("task"):
        return None
    done = subprocess.run([*KEHOACH, "tasks", "--format", "json", "--data", str(root)], capture_output=True, env=env)
    tasks = json.loads(done.stdout)
    rows = []
    for i, t in enumerate(tasks):
        due = (t.get("deadline") or {}).get("due")
        if not due or not t.get("lead"):
            continue
        project = re.sub(r"\W+", "_", t["lead"][0]).strip("_") or "none"
        rows.append(
            {
                "uuid": f"00000000-0000-4000-8000-{i:012d}",
                "status": "pending",
                "entry": "20260101T000000Z",
                "description": t["content"][:200],
                "project": project,
                "due": due.replace("-", "") + "T000000Z",
            }
        )
    tw = work / "taskwarrior"
    tw.mkdir()
    rc = tw / "taskrc"
    rc.write_text(f"data.location={tw}\nconfirmation=off\nverbose=nothing\nhooks=off\n", encoding="utf-8")
    twenv = {**env, "TASKRC": str(rc), "TASKDATA": str(tw)}
    feed = tw / "import.json"
    feed.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    subprocess.run(["task", "import", str(feed)], env=twenv, capture_output=True, check=True)
    project = re.sub(r"\W+", "_", AGENCY).strip("_")
    args = ["task", "rc.gc=off", f"project:{project}", "due.before:2026-04-15", "export"]
    return best(args, twenv)[0], len(rows)


def ratio_line(name: str, value: float, limit: float, unit: str = "×") -> str:
    ok = "đạt" if value <= limit else "CHƯA ĐẠT"
    return f"  {name:<58s} {value:8.2f}{unit}  ≤ {limit:g}{unit}  {ok}"


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="kehoach-bench-"))
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "KEHOACH_CACHE_DIR": str(work / "cache"), "COLUMNS": "150"}
    env.pop("KEHOACH_DATA", None)
    env.pop("KEHOACH_NO_CACHE", None)
    # As an installed kehoach runs: pip compiles its modules at install. Where the environment forbids
    # writing bytecode, a checkout's modules would be compiled from source on every run (~30 ms).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    try:
        results: dict[str, dict[str, float]] = {}
        base = best([PY, "-c", "pass"], env)[0]
        version = best([*KEHOACH, "--version"], env)[0]
        seeds_warm = best([*KEHOACH, *COMMANDS["due"], "--data", str(DATA)], env)[0]  # first run warms
        shutil.rmtree(work / "cache", ignore_errors=True)
        seeds_cold = min(
            run([*KEHOACH, "--no-cache", *COMMANDS["due"], "--data", str(DATA)], env)[0] for _ in range(RUNS)
        )
        print(f"python -c pass {base:.3f} s; kehoach --version {version:.3f} s")
        print(f"due on the bundled plans (208 tasks): warm {seeds_warm:.3f} s, without cache {seeds_cold:.3f} s")
        print()
        header = (
            f"{'tasks':>7s} {'files':>5s} {'command':<11s} {'cold s':>8s} {'warm s':>8s} {'RSS MB':>7s}"
            f" {'cold µs/task':>12s} {'warm µs/task':>12s} {'RSS cold/warm':>14s}"
        )
        print(header)
        for size in CHOSEN:
            root = work / size
            ntasks = make_corpus(root, SIZES[size])
            nfiles = len(yaml_files(root))
            cold_runs = 1 if SIZES[size] >= 500 else 2
            row: dict[str, float] = {"tasks": ntasks}
            for name, cmd in COMMANDS.items():
                if size == "20k" and name != "due":
                    continue
                colds = []
                rss = 0.0
                for _ in range(cold_runs):
                    shutil.rmtree(work / "cache", ignore_errors=True)
                    t, r = run([*KEHOACH, *cmd, "--data", str(root)], env)
                    colds.append(t)
                    rss = max(rss, r)
                warm, wrss = best([*KEHOACH, *cmd, "--data", str(root)], env, 3 if SIZES[size] >= 500 else RUNS)
                cold = min(colds)
                crss = rss
                rss = max(rss, wrss)
                row[f"{name} cold"], row[f"{name} warm"], row[f"{name} rss"] = cold, warm, rss
                print(
                    f"{ntasks:>7,d} {nfiles:>5d} {name:<11s} {cold:>8.2f} {warm:>8.2f} {rss:>7.0f}"
                    f" {(cold - version) / ntasks * 1e6:>12.0f} {(warm - version) / ntasks * 1e6:>12.0f}"
                    f" {f'{crss:.0f}/{wrss:.0f}':>14s}",
                    flush=True,
                )
            if size != "20k":
                fl = floors(root, work, env)
                row.update({f"floor {k}": v for k, v in fl.items()})
                if fl:
                    print(
                        f"{ntasks:>7,d} {nfiles:>5d} {'floors':<11s} PyYAML CSafeLoader {fl['yaml']:.2f} s,"
                        f" json.load {fl['json']:.2f} s",
                        flush=True,
                    )
            if size == "20k":
                djson = best([*KEHOACH, *DUE_JSON, "--data", str(root)], env)[0]
                row["due json warm"] = djson
                print(f"{ntasks:>7,d} {nfiles:>5d} {'due json':<11s} {'':>8s} {djson:>8.2f}", flush=True)
                tw = taskwarrior(root, work, env)
                if tw:
                    row["taskwarrior"], row["tw tasks"] = tw
                    print(
                        f"{ntasks:>7,d} {nfiles:>5d} Taskwarrior 2.6 filter+export over {tw[1]:,} dated tasks: "
                        f"{tw[0]:.3f} s",
                        flush=True,
                    )
            results[size] = row
            shutil.rmtree(root)
        print()
        print("Mục tiêu (tỉ lệ từ lần chạy này):")
        r20, r100 = results.get("20k", {}), results.get("100k", {})
        if "taskwarrior" in r20:
            print(ratio_line("due ấm ~20k / Taskwarrior", r20["due warm"] / r20["taskwarrior"], 1.0))
            print(
                ratio_line(
                    "due --format json ấm ~20k / Taskwarrior export", r20["due json warm"] / r20["taskwarrior"], 1.0
                )
            )
        else:
            print("  Taskwarrior: chưa cài `task` (apt-get install taskwarrior), bỏ qua")
        if "floor json" in r100:
            print(ratio_line("due ấm 100k / json.load", r100["due warm"] / r100["floor json"], 2.0))
            tj = r100["tasks json warm"] / r100["floor json"]
            print(ratio_line("tasks --format json ấm 100k / json.load", tj, 2.0))
            print(ratio_line("check lạnh 100k / PyYAML CSafeLoader", r100["check cold"] / r100["floor yaml"], 2.0))
        if r100:
            peak = max(v for k, v in r100.items() if k.endswith("rss"))
            print(ratio_line("RSS đỉnh 100k (MB)", peak, 500, " MB"))
        print(ratio_line("due ấm, dữ liệu kèm gói / kehoach --version", seeds_warm / version, 1.3))
        print(ratio_line("due lạnh, dữ liệu kèm gói / kehoach --version", seeds_cold / version, 2.0))
        sizes = [s for s in ("1k", "10k", "100k") if s in results]
        if len(sizes) >= 2:
            for name in COMMANDS:
                for kind in ("cold", "warm"):
                    per = [(results[s][f"{name} {kind}"] - version) / results[s]["tasks"] for s in sizes]
                    spread = max(per) / min(per) if min(per) > 0 else float("inf")
                    print(ratio_line(f"{name} {kind}: µs/task max/min over {'/'.join(sizes)}", spread, 1.2))
            # What each further task costs, between sizes: a fixed cost (imports, the registry) beyond
            # `--version` weighs on µs/task at 1k but not on this slope, which grows only if work does
            # more than scale with the tasks.
            if len(sizes) == 3:
                print("  (độ dốc: µs cho mỗi nhiệm vụ thêm, 1k→10k / 10k→100k)")
                for name in COMMANDS:
                    for kind in ("cold", "warm"):
                        t = [results[s][f"{name} {kind}"] for s in sizes]
                        n = [results[s]["tasks"] for s in sizes]
                        low = (t[1] - t[0]) / (n[1] - n[0]) * 1e6
                        high = (t[2] - t[1]) / (n[2] - n[1]) * 1e6
                        spread = max(low, high) / min(low, high) if min(low, high) > 0 else float("inf")
                        print(ratio_line(f"{name} {kind}: slope {low:.0f} / {high:.0f} µs/task", spread, 1.2))
        print(f"\n(bench: {time.perf_counter() - started:.0f} s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
