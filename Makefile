# Single entry point. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The second Python the suite runs on in CI (installed through pyenv on every machine), in its own venv.
PYTHON313 ?= env PYENV_VERSION=3.13.0 python3.13
VENV313 := .venv-3.13
STAMP313 := $(VENV313)/.installed
DEST ?= vendored

.DEFAULT_GOAL := help
.PHONY: help install demo test test-3.13 lint typecheck generate check-generated check build vendor tokenizer-data bench bench-batch clean

help: ## list the targets
	@grep -E '^[a-z0-9.-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

# The editable install is setuptools' strict mode: a link tree under build/ (one symlink per file,
# so edits show at once) on a plain .pth path, which mypy and pyright follow; the default mode's
# import hook is invisible to them. A file added or removed changes its folder's time, which
# re-links (LINKED); `make install` does it by hand. The link tree holds what the wheel holds.
SOURCE_DIRS := $(shell find overlays generated -type d -not -name __pycache__ 2>/dev/null)
EDITABLE := --config-settings editable_mode=strict
LINKED := $(VENV)/.linked

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' $(EDITABLE)
	$(BIN)/pyright --version >/dev/null  # pyright fetches its npm package on first use
	@touch $(STAMP) $(LINKED)

$(LINKED): $(STAMP) $(SOURCE_DIRS)
	$(BIN)/python -m pip install --quiet --no-deps -e . $(EDITABLE)
	@touch $(LINKED)

install: $(LINKED) ## create .venv and install the package (editable, re-linked) with the dev tools

demo: $(LINKED) ## stream an answer, a completion and a small batch through the SDK from the bundled emulator (no AWS account)
	$(BIN)/python scripts/demo.py

test: $(LINKED) ## run the test suite
	$(BIN)/python -m pytest

$(STAMP313): pyproject.toml
	$(PYTHON313) -m venv $(VENV313)
	$(VENV313)/bin/python -m pip install --quiet --upgrade pip
	$(VENV313)/bin/python -m pip install --quiet -e '.[dev]' $(EDITABLE)
	@touch $(STAMP313)

test-3.13: $(STAMP313) ## run the test suite on Python 3.13 (in .venv-3.13)
	$(VENV313)/bin/python -m pytest

lint: $(LINKED) ## ruff lint and format check, and the import contracts (layers, no circles, the generated seam)
	$(BIN)/ruff check overlays scripts tests
	$(BIN)/ruff format --check overlays scripts tests
	$(BIN)/python scripts/vendor.py build/imports --link >/dev/null
	cd build/imports && ../../$(BIN)/lint-imports ../../pyproject.toml

typecheck: $(LINKED) ## strict mypy over the whole package, generated part included
	$(BIN)/python scripts/vendor.py build/typecheck --link >/dev/null
	cd build/typecheck && ../../$(BIN)/mypy --config-file ../../pyproject.toml -p anthropic_bedrock

generate: $(LINKED) ## regenerate generated/ from spec/ and templates/
	$(BIN)/python scripts/generate

check-generated: $(LINKED) ## fail if generated/ differs from a fresh generation
	$(BIN)/python scripts/generate --check

check: lint typecheck check-generated test ## every gate CI runs

build: $(LINKED) ## build the sdist and wheel into dist/
	$(BIN)/python -m build --outdir dist .

vendor: ## copy the one merged package folder into DEST (make vendor DEST=myapp/_vendor)
	$(PYTHON) scripts/vendor.py $(DEST)

tokenizer-data: $(LINKED) ## re-fetch the pinned tokenizer vocabulary and rebuild its Unicode tables
	$(BIN)/python scripts/fetch_tokenizer.py --tables

bench: $(LINKED) ## benchmarks side by side with the anchors
	$(BIN)/python scripts/bench.py

bench-batch: $(LINKED) ## batch inference at scale: a million requests submitted and read back (about 10 minutes)
	$(BIN)/python scripts/bench_batch.py

clean: ## remove the venv and build output
	rm -rf $(VENV) $(VENV313) dist build *.egg-info
