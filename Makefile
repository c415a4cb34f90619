# Every target creates .venv itself on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: install system-deps test test-fast bench lint format demo clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	# The CPU wheel of torch first, so nothing else can pull a CUDA build.
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[dev]'
	# mediapipe declares opencv-contrib-python (a second cv2 that would overwrite the headless
	# one) and sounddevice (audio tasks), which its Face Landmarker never uses, so it is
	# installed without them (what it does need is listed in pyproject.toml). `pip check` then
	# reports those two, and only those.
	$(PIP) install -q --no-deps 'mediapipe>=1.2,<2'

	touch $@

install: $(VENV)/.installed

# Blender, Node.js + the glTF validator, chromium: installed with apt when missing.
system-deps:
	bash scripts/system-deps.sh

test: install system-deps
	$(PY) -m pytest -q

test-fast: install
	$(PY) -m pytest -q -m "not slow and not browser and not blender and not torchrun"

bench: install
	$(PIP) install -q -e '.[bench]'
	$(PY) -m benchmarks.run

lint: install
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format src tests benchmarks
	$(VENV)/bin/ruff check --fix src tests benchmarks

demo: install
	$(VENV)/bin/facemotion demo

clean:
	rm -rf $(VENV) facemotion-demo bench-results.json
