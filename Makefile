# The two commands of the README: `make demo` and `make test`. Both create the virtualenv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test layers lint serve bench clean system-deps test-deps mutants

# Debian packages, installed only when missing: a CJK font for the bulletin's charts and Word notice,
# LibreOffice's Writer (no GUI) to convert .doc/.wps documents, Tesseract with its simplified-Chinese data to OCR
# scans, and (for the tests) Chromium, which drives the web pages as a person would.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq
system-deps:
	@fc-list 2>/dev/null | grep -q "Noto Sans CJK" || { $(SUDO) apt-get update -qq && $(APT) fonts-noto-cjk fontconfig; }
	@command -v soffice >/dev/null || { $(SUDO) apt-get update -qq && $(APT) libreoffice-writer-nogui; }
	@tesseract --list-langs 2>/dev/null | grep -qx chi_sim || \
	  { $(SUDO) apt-get update -qq && $(APT) tesseract-ocr tesseract-ocr-chi-sim; }

test-deps: system-deps
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(APT) chromium; }

$(BIN)/.installed: pyproject.toml | system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

demo: $(BIN)/.installed
	$(BIN)/reformflow demo

test: $(BIN)/.installed test-deps layers
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

# The layer check runs on the package as `pip install .` lays it out; that install must put nothing but
# `reformflow` at the top of site-packages.
layers: $(BIN)/.installed
	rm -rf build/site && $(BIN)/python -m pip install --quiet --no-deps --target build/site .
	@extra=$$(ls build/site | grep -v -e '^bin$$' -e '^reformflow$$' -e '^reformflow-.*dist-info$$'); \
	  test -z "$$extra" || { echo "pip install . put more than reformflow into site-packages: $$extra"; exit 1; }
	cd build && PYTHONPATH=site ../$(BIN)/lint-imports --config ../.importlinter --no-cache

lint: $(BIN)/.installed
	$(BIN)/ruff check .

bench: $(BIN)/.installed
	$(BIN)/python -m bench.extract
	$(BIN)/python -m bench.extract_quality
	$(BIN)/python -m bench.assign
	$(BIN)/python -m bench.suggest_eval
	$(BIN)/python -m bench.remind
	$(BIN)/python -m bench.remind --repeat 1 --database-url postgresql+psycopg://postgres@127.0.0.1/reformflow_bench
	$(BIN)/python -m bench.dispatch
	$(BIN)/python -m bench.bulletin
	$(BIN)/python -m bench.orchestration

# The mutation check of the delivery code: each listed break, applied to a temporary copy, must be caught by
# tests/notifications and tests/faults; prints the score (tests/faults/mutants.py).
mutants: $(BIN)/.installed
	$(BIN)/python -m tests.faults.mutants

serve: $(BIN)/.installed
	$(BIN)/reformflow serve

clean:
	rm -rf var
