# make run: executes both tutorial notebooks into build/ (builds .venv first if needed); make test: every test,
# then the notebooks under nbval; make setup: only the venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

NOTEBOOKS := notebooks/user-personalization-with-exploration.ipynb \
	notebooks/user-personalization-with-contextual-recommendations.ipynb
# nbval: every cell must run; cells marked NBVAL_CHECK_OUTPUT must match the committed outputs.
NBVAL := --nbval-lax --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg --nbval-cell-timeout 600

.PHONY: setup run test lint bench clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	# MovieLens 100k ships inside this wheel; --no-deps brings the files only (for bench/ and the notebooks).
	$(PY) -m pip install --quiet --no-deps recbole==1.2.1
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

run: setup
	$(PY) -m jupyter nbconvert --to notebook --execute --output-dir build $(NOTEBOOKS)

test: setup
	$(PY) -m pytest
	$(PY) -m pytest $(NBVAL) -p no:cacheprovider notebooks

lint: setup
	$(PY) -m ruff check personalize_emulator helpers tests bench
	$(PY) -m ruff format --check personalize_emulator helpers tests bench

bench: setup
	$(PY) bench/emulator_bench.py
	$(PY) bench/notebook_bench.py
	$(PY) bench/soak.py
	$(PY) bench/fuzz.py
	$(PY) bench/movielens_bench.py
	$(PY) bench/filter_bench.py

clean:
	rm -rf $(VENV) build
