# make run: the main job (builds .venv first if needed); make test: every test; make setup: only the venv.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

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
	$(PY) -m personalize_emulator demo

test: setup
	$(PY) -m pytest

lint: setup
	$(PY) -m ruff check personalize_emulator helpers tests bench
	$(PY) -m ruff format --check personalize_emulator helpers tests bench

bench: setup
	$(PY) bench/latency.py

clean:
	rm -rf $(VENV)
