# ocrclean: two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PKGS := tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-sim-vert fonts-noto-cjk chromium git
SHARED ?= ../shared

.PHONY: setup system-deps run test bench bench-deps calibrate lint fuzz clean

setup: system-deps $(STAMP)

system-deps:
	@missing=""; \
	for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: setup
	$(BIN)/ocrclean run samples --out out

test: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider tests

DJ := .bench/dj
$(DJ)/.installed:
	test -x $(DJ)/bin/python || $(PY) -m venv $(DJ)
	$(DJ)/bin/python -m pip install -q py-data-juicer aiohttp ftfy opencc
	touch $@

bench-deps: $(DJ)/.installed

bench: setup bench-deps
	$(BIN)/python -m benchmarks.run_all --shared $(SHARED)

calibrate: setup
	$(BIN)/python -m benchmarks.calibrate --shared $(SHARED)

lint: setup
	$(BIN)/ruff check pipeline tests benchmarks

fuzz: setup
	$(BIN)/python tests/fuzz_text.py -max_total_time=600

clean:
	rm -rf out .pytest_cache build *.egg-info
