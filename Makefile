# make run: executes both tutorial notebooks into build/ (builds .venv first if needed); make test: every test,
# then the notebooks under nbval; make setup: only the venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

NOTEBOOKS := notebooks/user-personalization-with-exploration.ipynb \
	notebooks/user-personalization-with-contextual-recommendations.ipynb
# nbval: every cell must run; cells marked NBVAL_CHECK_OUTPUT must match the committed outputs.
NBVAL := -p nbval --nbval-lax --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg --nbval-cell-timeout 600

.PHONY: help setup run test lint bench clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 10

setup: $(STAMP)  ## build .venv (Python packages from PyPI; about 1.8 GB)

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	# MovieLens 100k ships inside this wheel; --no-deps brings the files only (for bench/ and the notebooks).
	$(PY) -m pip install --quiet --no-deps recbole==1.2.1
	# setuptools warns about editable installs in general; nothing in them concerns this project.
	PYTHONWARNINGS=ignore $(PY) -m pip install --quiet -e .
	touch $(STAMP)

run: setup  ## run both tutorial notebooks against the local emulator, into build/ (a line per section as it goes)
	$(PY) -m helpers.run_notebooks --output-dir build $(NOTEBOOKS)

test: setup lint  ## lint, every test, then both notebooks under nbval
	$(PY) -m pytest
	$(PY) -m pytest $(NBVAL) -p no:cacheprovider notebooks

lint: setup  ## ruff and the type checker
	$(PY) -m ruff check personalize_emulator helpers tests bench
	$(PY) -m ruff format --check personalize_emulator helpers tests bench
	$(PY) -m mypy personalize_emulator

bench: setup  ## re-measure what the docs quote (needs a quiet machine)
	$(PY) bench/emulator_bench.py
	$(PY) bench/notebook_bench.py
	$(PY) bench/soak.py
	$(PY) bench/fuzz.py
	$(PY) bench/movielens_bench.py
	$(PY) bench/filter_bench.py
	$(PY) bench/training_bench.py
	$(PY) bench/scale_bench.py
	$(PY) bench/recommenders_bench.py
	$(PY) bench/segments_actions_bench.py

clean:  ## remove .venv and build/
	rm -rf $(VENV) build
