"""The CDK Terrain path against the default path, stack by stack.

Run by ``make test-cdktn`` only, in toolchains/cdktn/.venv (the file is named
outside ``test_*.py`` so that the default suite does not need the second
venv). Every config the suite knows (shipped, examples, fleet clusters and
the full fixtures that switch every option on) is synthesized here on CDK
Terrain and, in a subprocess, with the default .venv on cdktf 0.21; the two
must have the same stacks, the same Terraform addresses, and the same JSON
once the differences listed in tests/runtime/test_toolchain.py are put back.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import FULL_FIXTURES, REPO, SNAPSHOTTED, Synth
from runtime.test_toolchain import _addresses, _as_default_path

DEFAULT_PYTHON = REPO / ".venv" / "bin" / "python"
STACKS = [f"{n}-{k}" for n in sorted(set(SNAPSHOTTED + FULL_FIXTURES)) for k in ("mesh", "policies")]
SYNTHESIZE = (
    "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); import conftest; "
    "conftest.synthesize(conftest.load_all_configs(), Path(sys.argv[2]))"
)


@pytest.fixture(scope="module")
def default_synth(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    from istio_mesh.runtime.toolchain import TOOLCHAIN

    assert TOOLCHAIN == "cdktn", "run in toolchains/cdktn/.venv (make test-cdktn)"
    assert DEFAULT_PYTHON.exists(), "the default path's .venv is missing: make install"
    outdir = tmp_path_factory.mktemp("default-path.out")
    result = subprocess.run(
        [str(DEFAULT_PYTHON), "-c", SYNTHESIZE, str(REPO / "tests"), str(outdir)],
        cwd=REPO, capture_output=True, text=True, timeout=900, check=False,
    )
    assert result.returncode == 0, result.stderr
    return Synth(outdir)


def test_the_default_path_really_ran_cdktf(default_synth: Synth) -> None:
    stack = default_synth.stack("dev-mesh")
    assert stack["//"]["metadata"]["version"] == "0.21.0"


def test_both_paths_synthesize_the_same_stacks(synth: Synth, default_synth: Synth) -> None:
    assert synth.stack_names() == default_synth.stack_names()
    assert set(STACKS) <= set(synth.stack_names())


@pytest.mark.parametrize("stack", STACKS)
def test_addresses_are_the_same_on_both_paths(synth: Synth, default_synth: Synth, stack: str) -> None:
    assert _addresses(synth.stack(stack)) == _addresses(default_synth.stack(stack))


@pytest.mark.parametrize("stack", STACKS)
def test_json_is_the_same_up_to_the_listed_differences(
    synth: Synth, default_synth: Synth, stack: str
) -> None:
    assert _as_default_path(synth.stack(stack), "cdktn") == _as_default_path(
        default_synth.stack(stack), "cdktf"
    )
