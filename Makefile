# ocrclean: two commands set everything up on a fresh machine: `make run` and `make test`.
# Python packages come from uv.lock only (`uv sync --locked`); `make lock` refreshes it.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TOOLS := .tools
UV := $(TOOLS)/bin/uv
# uv uses the interpreter `PY` names and never downloads one; the venv it builds is .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
APT_PKGS := tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-sim-vert fonts-noto-cjk chromium git
SHARED ?= ../shared

.PHONY: setup system-deps run test bench bench-deps calibrate lint fuzz clean lock record-ocr check-fresh docs

setup: system-deps $(STAMP)

system-deps:
	@missing=""; \
	for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(UV): requirements-tools.txt
	test -x $(TOOLS)/bin/python || $(PY) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements-tools.txt
	touch $(UV)

# the venv holds exactly what uv.lock says (and the project, editable); a stale lock is an error
$(STAMP): pyproject.toml uv.lock $(UV)
	$(UV) sync --locked --extra dev --python $(PY) --quiet
	touch $(STAMP)

# re-resolve every dependency to the newest versions pyproject allows; then run `make test`
# (a new OpenCV or engine build changes the recorded OCR input: `make record-ocr`)
lock: $(UV)
	$(UV) lock --upgrade --python $(PY)
	$(UV) pip compile --quiet --upgrade --generate-hashes --python-version 3.11 \
	  --python-platform x86_64-unknown-linux-gnu benchmarks/requirements-dj.in -o $(DJ_LOCK)

# run the OCR page tests with the live engines, recording their output into tests/ocr_cache/
record-ocr: setup
	rm -rf tests/ocr_cache
	OCRCLEAN_RECORD_OCR=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_ocr_pages.py

# the README's promise, checked: a fresh clone, venv from the lock, the suite, and a clean `git status`
check-fresh:
	bash .ci/check-fresh $(SHARED)

run: setup
	$(BIN)/ocrclean run samples --out out

test: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider tests

DJ := .bench/dj
DJ_LOCK := benchmarks/requirements-dj.txt
$(DJ)/.installed: $(DJ_LOCK) $(UV)
	test -x $(DJ)/bin/python || $(UV) venv --quiet --python $(PY) $(DJ)
	$(UV) pip install --quiet --python $(DJ)/bin/python --require-hashes -r $(DJ_LOCK)
	touch $@

bench-deps: $(DJ)/.installed

bench: setup bench-deps
	$(BIN)/python -m benchmarks.run_all --shared $(SHARED)

calibrate: setup
	$(BIN)/python -m benchmarks.calibrate --shared $(SHARED)

# the documentation site, strict: a broken link or anchor, or a page missing from the nav, fails
docs: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir "$$(mktemp -d)"

lint: setup
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/lint-imports  # layers and cycles: .importlinter

fuzz: setup
	$(BIN)/python tests/fuzz_text.py -max_total_time=600
	$(BIN)/python tests/fuzz_pdf.py -max_total_time=600

clean:
	rm -rf out .pytest_cache build *.egg-info
