# mentorsim: `make demo` runs the main job, `make test` runs every test. Both set up what they need.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
OUT ?= out

.PHONY: setup browser demo lint mypy test bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

# Debian's Chromium drives the browser tests (Playwright is told to use /usr/bin/chromium).
browser:
	@[ -x /usr/bin/chromium ] || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver >/dev/null; }

setup: $(STAMP) browser

PROGRAMS := $(filter-out scenarios/baseline.yaml scenarios/sun_like.yaml,$(wildcard scenarios/*.yaml))

demo: $(STAMP)
	$(BIN)/mentorsim compare scenarios/baseline.yaml $(PROGRAMS) --replications 20 --seed 7 --workers 2
	@mkdir -p $(OUT)
	$(BIN)/mentorsim report scenarios/baseline.yaml $(PROGRAMS) -o $(OUT)/report.html --replications 20 --seed 7 --workers 2

# Lint and type checks (configured in pyproject.toml); `make test` runs them first.
lint: $(STAMP) mypy
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

mypy: $(STAMP)
	$(BIN)/mypy src/mentorsim

test: setup lint
	MPLBACKEND=Agg $(BIN)/python -m pytest -q -p no:cacheprovider --cov=mentorsim --cov-report=term:skip-covered \
	  tests $(wildcard notebooks/*.ipynb) \
	  --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg

bench: setup
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_dashboard.py
	@[ ! -f benchmarks/bench_sweep.py ] || $(BIN)/python benchmarks/bench_sweep.py
	$(BIN)/python benchmarks/bench_uncertainty.py
	$(BIN)/python benchmarks/bench_optimize.py
	$(BIN)/python benchmarks/bench_world.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
