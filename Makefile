# The two commands of the README: `make demo` and `make test`. Both create the virtualenv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint serve bench clean system-deps test-deps

# Debian packages, installed only when missing: a CJK font for the bulletin's charts and Word notice, and
# (for the tests) Chromium, which drives the web pages as a person would.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq
system-deps:
	@fc-list 2>/dev/null | grep -q "Noto Sans CJK" || { $(SUDO) apt-get update -qq && $(APT) fonts-noto-cjk fontconfig; }

test-deps: system-deps
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && $(APT) chromium; }

$(BIN)/.installed: pyproject.toml | system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

demo: $(BIN)/.installed
	$(BIN)/reformflow demo

test: $(BIN)/.installed test-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check .

bench: $(BIN)/.installed
	$(BIN)/python -m bench.extract
	$(BIN)/python -m bench.assign
	$(BIN)/python -m bench.suggest_eval
	$(BIN)/python -m bench.remind
	$(BIN)/python -m bench.remind --repeat 1 --database-url postgresql+psycopg://postgres@127.0.0.1/reformflow_bench
	$(BIN)/python -m bench.bulletin
	$(BIN)/python -m bench.orchestration

serve: $(BIN)/.installed
	$(BIN)/reformflow serve

clean:
	rm -rf var
