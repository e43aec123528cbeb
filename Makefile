# Two commands do all the set-up: `make demo` and `make test` create .venv when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
AGENCY ?= Sở Tài chính

.PHONY: demo test test-slow test-fast test-extra-plan lint check bench fuzz parity readme clean install

# A .venv left by another machine or another Python (its interpreter missing or broken) is made anew.
$(STAMP): pyproject.toml
	@$(BIN)/python -c 'import sys' 2>/dev/null || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/kehoach plans
	$(BIN)/kehoach due --agency "$(AGENCY)"

lint: $(STAMP)
	$(BIN)/ruff check src tests

check: $(STAMP)
	$(BIN)/kehoach check

# The suite starts Python (and kehoach) in many processes: with PYTHONDONTWRITEBYTECODE set in the environment
# each of them would compile kehoach again, and pytest would rewrite every test file again. The caches
# (__pycache__, ignored by git) are written for the test runs whatever the environment says.
test test-slow test-fast fuzz parity: export PYTHONDONTWRITEBYTECODE =

# About a minute on two cores. The long tier (tests marked slow: real browser, Word-file bombs under a memory
# cap, damaged cache bytes, concurrent processes, resource limits) is `make test-slow`; CI runs both.
test: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/mypy src
	$(BIN)/python -m pytest -n auto -m "not slow"
	$(BIN)/kehoach check

test-slow: $(STAMP)
	$(BIN)/python -m pytest -n auto -m slow

# Local runs while working: pytest alone, as `make test` runs it (no ruff, mypy or check).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n auto -m "not slow"

# The suite on a copy of this checkout whose data/ holds two plans more (one naming a new agency), as a user's does.
test-extra-plan: $(STAMP)
	$(BIN)/python scripts/test_extra_plan.py

readme: $(STAMP)
	$(BIN)/python scripts/update_readme.py

bench: $(STAMP)
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/bench_import.py

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=deep $(BIN)/python -m pytest tests/test_deadlines.py tests/test_loader_hostile.py tests/test_fuzz.py tests/test_table.py \
		tests/test_hostile_second.py::test_every_damaged_byte_of_a_snapshot_is_a_miss_never_a_crash

# The query index and the models give the same answers: thousands of random due/tasks/status commands over the
# bundled plans and over copies of them (tests/test_parity.py; make test asks a few dozen). PARITY_SEED repeats a run.
PARITY_N        ?= 2000
PARITY_CORPUS_N ?= 100
PARITY_SEED     ?= $(KEHOACH_PARITY_SEED)
parity: $(STAMP)
	KEHOACH_PARITY_N=$(PARITY_N) KEHOACH_PARITY_CORPUS_N=$(PARITY_CORPUS_N) KEHOACH_PARITY_SEED=$(PARITY_SEED) \
		$(BIN)/python -m pytest -n auto tests/test_parity.py

clean:
	rm -rf $(VENV) build dist *.egg-info src/*.egg-info .pytest_cache .ruff_cache .mypy_cache
