# Two entry points (see README): `make demo` and `make test`.
# Both create .venv with the machine's Python 3.11 and install what they need.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install install-dev lint sysdeps clean

demo: install
	$(BIN)/policykg build examples/ --out out/
	$(BIN)/policykg query shared_programmes --graph out/

test: install-dev sysdeps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "policykg needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/bin/python pyproject.toml
	$(BIN)/pip install -q -e ".[dev]"
	@touch $@ $(VENV)/.installed

# What tests need from outside Python, installed quietly and only when missing.
sysdeps:
	@bash tools/sysdeps.sh

clean:
	rm -rf $(VENV) out
