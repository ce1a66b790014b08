"""Run a synthesized mesh stack under the real Terraform, offline.

Providers cannot be downloaded here, but Terraform's builtins work:
``terraform_data``, ``terraform_remote_state`` and the local backend. Every
``helm_release`` is swapped for a ``terraform_data`` of the same name that
keeps the release's version, dependencies and lifecycle; other provider
resources (the policies stack's Kubernetes objects) are left out; everything
else (upgrade guards, protection, locals, outputs, backend) is the
synthesized JSON unchanged. So Terraform evaluates our preconditions,
``prevent_destroy`` and the release dependency graph as it would with the
providers.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

TERRAFORM = shutil.which("terraform")


def require_terraform() -> str:
    # The project's machines and CI ship Terraform 1.11: a missing binary is
    # a broken environment, not a reason to pass without checking anything.
    if TERRAFORM is None:
        pytest.fail("these tests run the real Terraform; put terraform (>= 1.11) on PATH")
    return TERRAFORM



def builtins_only(stack: dict[str, Any]) -> dict[str, Any]:
    """The stack with each helm_release swapped for a terraform_data stand-in."""
    stack = json.loads(json.dumps(stack))
    releases = stack["resource"].pop("helm_release", {})
    for kind in [k for k in stack["resource"] if not k.startswith("terraform_")]:
        del stack["resource"][kind]
    stack.pop("provider", None)
    # Variables with a default (the upgrade guard's first-apply switch) stay;
    # the providers' credential variables go with the providers.
    variables = {k: v for k, v in stack.pop("variable", {}).items() if "default" in v}
    if variables:
        stack["variable"] = variables
    stack["terraform"].pop("required_providers", None)
    resources = stack["resource"].setdefault("terraform_data", {})
    for name, release in releases.items():
        stand_in: dict[str, Any] = {"input": {"version": release["version"]}}
        for key in ("depends_on", "lifecycle"):
            if key in release:
                stand_in[key] = release[key]
        resources[name] = stand_in
    text = re.sub(r"\$\{helm_release\.([\w-]+)\.version\}", r"${terraform_data.\1.output.version}",
                  json.dumps(stack))
    text = text.replace('"helm_release.', '"terraform_data.')
    assert "helm_release" not in text
    return json.loads(text)


def unwrapped(text: str) -> str:
    """Terraform wraps diagnostics at 78 columns; compare text without that."""
    return " ".join(text.split())


class Project:
    """A project root with cdktf.out/stacks/<stack>/ and the state file beside
    cdktf.json, where the stack's relative backend path points."""

    def __init__(self, root: Path, stack: str) -> None:
        require_terraform()
        self.root = root
        self.workdir = root / "cdktf.out" / "stacks" / stack
        self.workdir.mkdir(parents=True)
        (root / "terraformrc").write_text("")
        self.env = {**os.environ, "TF_CLI_CONFIG_FILE": str(root / "terraformrc"),
                    "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1", "TF_INPUT": "0"}

    def write(self, stack: dict[str, Any]) -> None:
        (self.workdir / "cdk.tf.json").write_text(json.dumps(builtins_only(stack), indent=2))

    def terraform(self, *args: str) -> subprocess.CompletedProcess[str]:
        assert TERRAFORM is not None
        return subprocess.run([TERRAFORM, *args, "-no-color"], cwd=self.workdir, env=self.env,
                              capture_output=True, text=True, timeout=120, check=False)

    def succeed(self, *args: str) -> str:
        result = self.terraform(*args)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout
