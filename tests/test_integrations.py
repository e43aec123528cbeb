"""What repositories of plans use: the pre-commit hook, the documented CI workflow, shell completion."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent


def _kehoach(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("KEHOACH_DATA", "KEHOACH_TODAY")}
    return subprocess.run([sys.executable, "-m", "kehoach", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**base, "PYTHONIOENCODING": "utf-8", **(env or {})})


def test_pre_commit_hook_runs_kehoach_check():
    (hook,) = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "kehoach-check"
    assert hook["pass_filenames"] is False and hook["language"] == "python"
    assert re.search(hook["files"], "data/plans/aec-2026.yaml") and not re.search(hook["files"], "README.md")
    program, *args = shlex.split(hook["entry"])
    assert program == "kehoach" and args == ["check"]
    assert _kehoach(args).returncode == 0


def test_ci_workflow_in_the_docs_runs_check_with_github_annotations():
    doc = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    workflows = [YAML(typ="safe").load(b) for b in re.findall(r"```yaml\n(.*?)\n```", doc, re.S)]
    workflow = next(w for w in workflows if "jobs" in w)
    runs = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert "kehoach check --format github" in runs
    result = _kehoach(["check", "--format", "github"])
    assert result.returncode == 0
    assert all(line.startswith(("::error ", "::warning ")) for line in result.stdout.splitlines())


def test_shell_completion_script_and_answers():
    script = _kehoach(["completion", "bash"])
    assert script.returncode == 0
    assert "_KEHOACH_COMPLETE=complete_bash" in script.stdout and "complete -o default" in script.stdout
    # The shell runs the `kehoach` script with the variable set; it answers with the candidates.
    program = str(Path(sys.executable).with_name("kehoach"))

    def complete(words: str, index: int) -> list[str]:
        env = {**os.environ, "_KEHOACH_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(index)}
        return subprocess.run([program], capture_output=True, text=True, env=env).stdout.split()

    assert complete("kehoach export ", 2) == ["sqlite"]
