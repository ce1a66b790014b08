"""Running the cdktf and cdktn CLIs as the docs say, from the project root,
and reading from their output which toolchain wrote it.

Shared by tests/journeys/test_cli_output.py (the cdktf CLI, in ``make test``) and
tests/cdktn_cli_output.py (the cdktn CLI, in ``make test-cdktn``). Each CLI
runs cdktf.json's app, ``scripts/bootstrap python main.py``, which picks the
toolchain; what the CLI leaves in its output directory is the proof of which
one ran. One config keeps each run short: it has both providers and a
namespace, so every mark below is present.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from conftest import REPO, Synth
from runtime.test_toolchain import EXPECTED

CONFIG = "config/dev.yaml"
TOOLCHAIN_ENV = "ISTIO_MESH_TOOLCHAIN"
CDKTN_CLI = REPO / "toolchains" / "cdktn" / "node_modules" / ".bin" / "cdktn"


def expected_marks(toolchain: str) -> dict[str, Any]:
    """What ``toolchain``'s output says about it, from the hand-written table
    of tests/runtime/test_toolchain.py: the manifest's and every stack's tool version,
    the provider requirements, and whether the kubernetes_namespace_v1
    binding wrote ``metadata`` as a list (3.4.0) or one object (2.38.0)."""
    expected = EXPECTED[toolchain]
    return {
        "manifest_version": expected["cdk_version"],
        "stack_versions": {expected["cdk_version"]},
        "providers": {name: p["version"] for name, p in expected["providers"].items()},
        "namespace_metadata_is_list": expected["namespace_metadata_is_list"],
    }


def cli_env(**extra: str) -> dict[str, str]:
    """The environment a user's shell gives the CLI: no toolchain choice and
    no output directory of a surrounding run (make test exports the choice
    for its own pytest), the project's Node first, one config selected."""
    env = {k: v for k, v in os.environ.items()
           if k not in (TOOLCHAIN_ENV, "CDKTF_OUTDIR", "CDKTF_CONTEXT_JSON", "VIRTUAL_ENV")}
    pinned = REPO / "node_modules" / ".bin"
    env["PATH"] = f"{pinned}{os.pathsep}{env.get('PATH', '')}"
    env["MESH_CONFIG"] = CONFIG
    env["CHECKPOINT_DISABLE"] = "1"
    env.update(extra)
    return env


def run(argv: Sequence[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``argv`` in the project root, as typed there."""
    return subprocess.run(list(argv), cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=900, check=False)


def marks(synth: Synth) -> dict[str, Any]:
    """What ``synth``'s files say about the toolchain that wrote them."""
    stacks = [synth.stack(name) for name in synth.stack_names()]
    providers = {name: requirement["version"] for stack in stacks
                 for name, requirement in stack["terraform"]["required_providers"].items()}
    namespaces = [ns for stack in stacks
                  for ns in stack.get("resource", {}).get("kubernetes_namespace_v1", {}).values()]
    assert namespaces, f"{CONFIG} creates no namespace: the shape check would prove nothing"
    shapes = {isinstance(ns["metadata"], list) for ns in namespaces}
    assert len(shapes) == 1, "namespaces written in both shapes"
    return {
        "manifest_version": synth.manifest()["version"],
        "stack_versions": {stack["//"]["metadata"]["version"] for stack in stacks},
        "providers": providers,
        "namespace_metadata_is_list": shapes.pop(),
    }


def failure(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}"


Ran = tuple[subprocess.CompletedProcess[str], Synth]
"""A CLI command's result and the output directory it wrote."""

STACKS = ["dev-mesh", "dev-policies"]
"""The stacks of :data:`CONFIG`."""


def assert_wrote(ran: Ran, toolchain: str) -> None:
    """The command succeeded and wrote ``toolchain``'s output."""
    result, synth = ran
    assert result.returncode == 0, failure(result)
    assert synth.stack_names() == STACKS
    assert marks(synth) == expected_marks(toolchain)


def assert_listed(ran: Ran, toolchain: str) -> None:
    """A ``list`` command printed the stacks it synthesized, on ``toolchain``."""
    assert_wrote(ran, toolchain)
    listed = [line.split()[0] for line in ran[0].stdout.splitlines() if line.startswith("dev-")]
    assert listed == STACKS


def assert_contradiction_refused(cli: Sequence[str], name: str, wanted: str, outdir: Path) -> None:
    """``cli synth`` (the ``name`` CLI) under ``ISTIO_MESH_TOOLCHAIN=wanted``,
    the other toolchain: the app stops, saying why, and nothing is written."""
    result = run([*cli, "synth", "--output", str(outdir)], cli_env(**{TOOLCHAIN_ENV: wanted}))
    assert result.returncode != 0
    assert f"{TOOLCHAIN_ENV}={wanted}, but the {name} CLI started this app" in result.stdout + result.stderr
    assert not (outdir / "manifest.json").exists()
