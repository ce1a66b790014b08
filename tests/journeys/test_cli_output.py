"""The cdktf CLI, run as the README says (``npx cdktf synth``, ``npx cdktf
list``), writes the default path's output: cdktf 0.21 metadata, the exact
helm 3.1.1 / kubernetes 2.38.0 pins, namespace metadata as one object. And a
toolchain choice that cannot be honoured stops the app with exit 2 instead
of synthesizing on the other toolchain.

tests/cdktn_cli_output.py holds the cdktn CLI to the CDK Terrain path's
output (``make test-cdktn``); the shared runner is tests/cli_output.py.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cli_output import (
    TOOLCHAIN_ENV,
    Ran,
    assert_contradiction_refused,
    assert_listed,
    assert_wrote,
    cli_env,
    failure,
    run,
)
from conftest import REPO, Synth


@pytest.fixture(scope="module")
def cdktf_synth(tmp_path_factory: pytest.TempPathFactory) -> Ran:
    out = tmp_path_factory.mktemp("npx-cdktf-synth") / "cdktf.out"
    return run(["npx", "cdktf", "synth", "--output", str(out)], cli_env()), Synth(out)


@pytest.fixture(scope="module")
def cdktf_list(tmp_path_factory: pytest.TempPathFactory) -> Ran:
    out = tmp_path_factory.mktemp("npx-cdktf-list") / "cdktf.out"
    return run(["npx", "cdktf", "list", "--output", str(out)], cli_env()), Synth(out)


def test_npx_cdktf_synth_writes_the_default_paths_output(cdktf_synth: Ran) -> None:
    assert_wrote(cdktf_synth, "cdktf")


def test_npx_cdktf_list_lists_the_stacks_it_synthesized_on_the_default_path(cdktf_list: Ran) -> None:
    assert_listed(cdktf_list, "cdktf")


def test_a_choice_the_cli_contradicts_stops_before_synthesizing(tmp_path: Path) -> None:
    assert_contradiction_refused(["npx", "cdktf"], "cdktf", "cdktn", tmp_path / "cdktf.out")


def test_a_toolchain_that_does_not_exist_is_refused() -> None:
    result = run(["scripts/bootstrap", "python", "-c", "print('ran')"], cli_env(**{TOOLCHAIN_ENV: "cdk"}))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "error: ISTIO_MESH_TOOLCHAIN=cdk: not a toolchain; allowed: cdktf, cdktn\n"


def test_cdk_terrain_chosen_but_not_installed_stops_with_exit_2(tmp_path: Path) -> None:
    # A checkout without toolchains/cdktn/.venv: the bootstrap alone, copied.
    (tmp_path / "scripts").mkdir()
    shutil.copy2(REPO / "scripts" / "bootstrap", tmp_path / "scripts" / "bootstrap")
    result = subprocess.run([str(tmp_path / "scripts" / "bootstrap"), "python", "-c", "print('ran')"],
                            cwd=tmp_path, env=cli_env(**{TOOLCHAIN_ENV: "cdktn"}),
                            capture_output=True, text=True, timeout=60, check=False)
    assert (result.returncode, result.stdout) == (2, "")
    assert "CDK Terrain (cdktn) was chosen but is not installed" in result.stderr
    assert "make install-cdktn" in result.stderr
    assert not (tmp_path / ".venv").exists()


def test_the_app_refuses_a_toolchain_its_environment_lacks(tmp_path: Path) -> None:
    # The default .venv has no cdktn: asked for it, main.py says so in one
    # line and writes nothing, rather than synthesizing on cdktf.
    env = cli_env(**{TOOLCHAIN_ENV: "cdktn", "CDKTF_OUTDIR": str(tmp_path / "cdktf.out")})
    result = run([str(REPO / ".venv" / "bin" / "python"), "main.py"], env)
    assert result.returncode == 2, failure(result)
    assert result.stderr.startswith("error: ISTIO_MESH_TOOLCHAIN=cdktn, but cdktn")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "cdktf.out").exists()
