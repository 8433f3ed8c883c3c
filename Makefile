# The two commands of the README: `make demo` and `make test`. Both create the virtualenv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test layers lint serve bench clean system-deps test-deps fandol-fonts screenshots mutants

# Debian packages, installed only when missing: CJK fonts for the bulletin's charts and Word notice,
# LibreOffice's Writer (no GUI) to convert .doc/.wps documents, Tesseract with its simplified-Chinese data to OCR
# scans, and (for the tests) Chromium, which drives the web pages as a person would.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT := DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq
system-deps:
	@fc-list 2>/dev/null | grep -q "Noto Sans CJK" || { $(SUDO) apt-get update -qq && $(APT) fonts-noto-cjk fontconfig; }
	@fc-list 2>/dev/null | grep -q FandolFang || $(MAKE) --no-print-directory fandol-fonts
	@command -v soffice >/dev/null || { $(SUDO) apt-get update -qq && $(APT) libreoffice-writer-nogui; }
	@tesseract --list-langs 2>/dev/null | grep -qx chi_sim || \
	  { $(SUDO) apt-get update -qq && $(APT) tesseract-ocr tesseract-ocr-chi-sim; }

# The Word notice's FangSong (仿宋) and Kai (楷体) faces. Debian has no free FangSong covering simplified Chinese
# in a package of its own (fonts-cwtex-fs is traditional only): the Fandol fonts (GPL with the font exception)
# ship inside texlive-lang-chinese, so the two files are taken from that package (49 MB download, 15 MB kept)
# instead of installing TeX Live.
FANDOL_DIR := /usr/local/share/fonts/fandol
FANDOL_IN_DEB := ./usr/share/texlive/texmf-dist/fonts/opentype/public/fandol
fandol-fonts:
	@work=$$(mktemp -d) && chmod 755 $$work && cd $$work && \
	  { apt-get download -qq texlive-lang-chinese 2>/dev/null || \
	    { $(SUDO) apt-get update -qq && apt-get download -qq texlive-lang-chinese; }; } && \
	  dpkg-deb --fsys-tarfile texlive-lang-chinese_*.deb | tar -x --wildcards \
	    '$(FANDOL_IN_DEB)/FandolFang-Regular.otf' '$(FANDOL_IN_DEB)/FandolKai-Regular.otf' \
	    './usr/share/doc/texlive-doc/fonts/fandol/*' && \
	  $(SUDO) install -D -m 644 -t $(FANDOL_DIR) $(FANDOL_IN_DEB)/*.otf ./usr/share/doc/texlive-doc/fonts/fandol/* && \
	  $(SUDO) fc-cache -f $(FANDOL_DIR) && rm -rf $$work && echo "installed FandolFang and FandolKai in $(FANDOL_DIR)"

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

# PostgreSQL for the benchmarks: an existing database whose public schema they empty (trust auth on 127.0.0.1).
BENCH_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1/reformflow_bench
bench: $(BIN)/.installed
	$(BIN)/python -m bench.extract
	$(BIN)/python -m bench.extract_quality
	$(BIN)/python -m bench.suggest_eval
	$(BIN)/python -m bench.before_after --database-url $(BENCH_DATABASE_URL)
	$(BIN)/python -m bench.plan
	$(BIN)/python -m bench.plan --repeat 1 --database-url $(BENCH_DATABASE_URL)
	$(BIN)/python -m bench.plan --repeat 1 --scaling 2000,20000,100000
	$(BIN)/python -m bench.assign
	$(BIN)/python -m bench.dispatch
	$(BIN)/python -m bench.bulletin
	$(BIN)/python -m bench.bulletin --repeat 1 --database-url $(BENCH_DATABASE_URL)
	$(BIN)/python -m bench.remind
	$(BIN)/python -m bench.remind --repeat 1 --database-url $(BENCH_DATABASE_URL)
	$(BIN)/python -m bench.orchestration
	$(BIN)/python -m bench.startup
	$(BIN)/python -m bench.hostile

# Pictures of what readers see (bulletin, intake page, e-mail at 1280 and 390 px; the Word notice's PDF pages)
# under docs/screenshots/, from the demo ledger built in a temporary data directory.
screenshots: $(BIN)/.installed test-deps
	$(BIN)/python -m tools.screenshots

# The mutation check of the delivery code: each listed break, applied to a temporary copy, must be caught by
# tests/notifications and tests/faults; prints the score (tests/faults/mutants.py).
mutants: $(BIN)/.installed
	$(BIN)/python -m tests.faults.mutants

serve: $(BIN)/.installed
	$(BIN)/reformflow serve

clean:
	rm -rf var
