# Every target installs what it needs first, so each works on a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The interpreter .venv is built from (3.11, as Pipfile requires). Nothing is
# installed into it: scripts/bootstrap puts the pinned pipenv into a private
# .venv-tools/ made by it, so PEP 668 systems work (PYTHON=/usr/bin/python3).
PYTHON ?= python3
# Through scripts/bootstrap: a missing or stale .venv or .venv-tools is set
# up again before pipenv runs.
PIPENV := scripts/bootstrap pipenv

export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_VERBOSITY := -1
export PIPENV_NOSPIN := 1
# jsii warns on every start that Node 20 is past end-of-life; the second
# variable names the major version whose end-of-life banner is silenced.
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export CHECKPOINT_DISABLE := 1

.PHONY: help install synth test fuzz typecheck cli cdktf-synth example lint bench graph clean

EXAMPLE := examples/consumer-app
EXAMPLE_VENV := build/example-venv

help:  ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# The same set-up cdktf.json's app runs first, so make and npx cdktf agree.
.venv/.synced: Pipfile.lock pyproject.toml scripts/bootstrap
	@PYTHON=$(PYTHON) scripts/bootstrap

install: .venv/.synced  ## create .venv from Pipfile.lock (pipenv itself goes to .venv-tools)

synth: .venv/.synced  ## synthesize config/*.yaml and config/fleets/*.yaml (or $MESH_CONFIG) into cdktf.out
	$(PIPENV) run python main.py

test: .venv/.synced  ## run the whole test suite
	$(PIPENV) run pytest

FUZZ_EXAMPLES ?= 12000

fuzz: .venv/.synced  ## long property-based run of config loading (FUZZ_EXAMPLES, default 12000)
	$(PIPENV) run python tests/fuzz_config.py --examples $(FUZZ_EXAMPLES)

typecheck: .venv/.synced  ## mypy --strict over the package
	$(PIPENV) run mypy

.PHONY: layers
layers: .venv/.synced  ## check the import layers and that no modules import each other in a loop (import-linter)
	$(PIPENV) run lint-imports --no-cache --no-logo

lint: .venv/.synced  ## lint every cluster and fleet file under config/ (or $MESH_CONFIG); warnings fail too
	$(PIPENV) run python -m istio_mesh check --strict

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

cli: node_modules/.installed  ## install the pinned cdktf CLI (for cdktf deploy / diff)

cdktf-synth: .venv/.synced node_modules/.installed  ## synthesize through the cdktf CLI, as cdktf deploy does
	npx cdktf synth

# The example is a consumer: it gets the package only as the built wheel, in a
# virtual environment of its own with its own pinned requirements, and runs
# from its own folder, so nothing of the source tree is importable.
example: .venv/.synced  ## build the wheel, install it in a fresh venv, synthesize and check examples/consumer-app
	rm -rf build dist $(EXAMPLE)/cdktf.out
	$(PIPENV) run python -m build --wheel --outdir dist .
	$(PYTHON) -m venv $(EXAMPLE_VENV)
	$(EXAMPLE_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		-r $(EXAMPLE)/requirements.txt dist/istio_mesh-*.whl
	cd $(EXAMPLE) && ../../$(EXAMPLE_VENV)/bin/python main.py
	cd $(EXAMPLE) && ../../$(EXAMPLE_VENV)/bin/python verify.py cdktf.out --installed

# Runs per benchmark case; BENCH_REPEAT=1 for a quick look. BENCH_RECORD=1
# writes benchmarks/results.json (the figures docs/performance.md quotes).
BENCH_REPEAT ?= 3
BENCH_RECORD ?=

bench: .venv/.synced  ## synth vs whole-package import and a hand-written floor, 1/10/100-cluster fleets, memory -> build/bench/results.json (BENCH_REPEAT=3, BENCH_RECORD=1)
	$(PIPENV) run python tools/bench/bench_run.py --repeat $(BENCH_REPEAT) $(if $(filter 1,$(BENCH_RECORD)),--record)

graph: .venv/.synced  ## draw each config file's deploy order as docs/graph/<name>.svg and .png (dev tool)
	$(PIPENV) run python tools/deploy_picture.py --out docs/graph

.PHONY: export
export: .venv/.synced  ## write every config/*.yaml (or $MESH_CONFIG) as Argo CD Applications into build/argocd/
	$(PIPENV) run python -m istio_mesh export argocd

clean:  ## remove generated output (not .venv)
	rm -rf cdktf.out .pytest_cache build dist $(EXAMPLE)/cdktf.out
