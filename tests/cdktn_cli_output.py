"""The cdktn CLI writes the CDK Terrain path's output: cdktn 0.24 metadata,
the patch-level helm ~> 3.3.0 / kubernetes ~> 3.4.0 pins, namespace metadata
as the kubernetes 3.4.0 binding writes it (a list of one). Run as
docs/toolchain.md says (``make cdktn-synth``, which is ``scripts/cdktn
synth``, and ``scripts/cdktn list``), and as the bare CLI from the project
root, where cdktf.json's app recognises the CLI that started it.

Run by ``make test-cdktn`` (the file is named outside ``test_*.py``, since
``make test`` need not have CDK Terrain installed); tests/journeys/test_cli_output.py
does the same for the cdktf CLI.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cli_output import (
    CDKTN_CLI,
    TOOLCHAIN_ENV,
    Ran,
    assert_contradiction_refused,
    assert_listed,
    assert_wrote,
    cli_env,
    failure,
    run,
)
from conftest import Synth


def _make_env() -> dict[str, str]:
    """A user's shell again: not the make that runs this test (its job
    server and flags), nor its environment."""
    return {k: v for k, v in cli_env().items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}


@pytest.fixture(scope="module")
def make_cdktn_synth(tmp_path_factory: pytest.TempPathFactory) -> Ran:
    out = tmp_path_factory.mktemp("make-cdktn-synth") / "cdktf.out"
    command = ["make", "--no-print-directory", "cdktn-synth", f"CDKTN_SYNTH_FLAGS=--output={out}"]
    return run(command, _make_env()), Synth(out)


@pytest.fixture(scope="module")
def cdktn_list(tmp_path_factory: pytest.TempPathFactory) -> Ran:
    out = tmp_path_factory.mktemp("scripts-cdktn-list") / "cdktf.out"
    return run(["scripts/cdktn", "list", "--output", str(out)], cli_env()), Synth(out)


@pytest.fixture(scope="module")
def bare_cdktn_synth(tmp_path_factory: pytest.TempPathFactory) -> Ran:
    out = tmp_path_factory.mktemp("bare-cdktn-synth") / "cdktf.out"
    return run([str(CDKTN_CLI), "synth", "--output", str(out)], cli_env()), Synth(out)


def test_make_cdktn_synth_writes_the_cdk_terrain_paths_output(make_cdktn_synth: Ran) -> None:
    assert_wrote(make_cdktn_synth, "cdktn")
    assert "scripts/cdktn synth" in make_cdktn_synth[0].stdout  # the documented command


def test_scripts_cdktn_list_lists_the_stacks_it_synthesized_on_cdk_terrain(cdktn_list: Ran) -> None:
    assert_listed(cdktn_list, "cdktn")


def test_the_bare_cdktn_cli_needs_no_variable(bare_cdktn_synth: Ran) -> None:
    assert_wrote(bare_cdktn_synth, "cdktn")


def test_a_choice_the_cdktn_cli_contradicts_stops_before_synthesizing(tmp_path: Path) -> None:
    assert_contradiction_refused([str(CDKTN_CLI)], "cdktn", "cdktf", tmp_path / "cdktf.out")


def test_scripts_cdktn_refuses_a_variable_naming_cdktf() -> None:
    result = run(["scripts/cdktn", "synth"], cli_env(**{TOOLCHAIN_ENV: "cdktf"}))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("error: ISTIO_MESH_TOOLCHAIN=cdktf, but this is the cdktn CLI")


def test_the_cdktn_venv_loads_cdktf_when_asked() -> None:
    # cdktf is a base dependency, so toolchains/cdktn/.venv has both: the
    # variable, not the order of preference, decides what is imported.
    probe = "import istio_mesh.runtime.terraform as t; print(t.TOOLCHAIN, t.App.__module__, t.NamespaceV1.__module__)"
    for wanted, modules in (("cdktf", "cdktf cdktf_cdktf_provider_kubernetes.namespace_v1"),
                            ("cdktn", "cdktn cdktn_provider_kubernetes.namespace_v1")):
        result = run([sys.executable, "-c", probe], cli_env(**{TOOLCHAIN_ENV: wanted}))
        assert result.returncode == 0, failure(result)
        assert result.stdout == f"{wanted} {modules}\n"
