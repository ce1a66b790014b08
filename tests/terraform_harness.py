"""Run a synthesized mesh stack under the real Terraform, offline.

Providers cannot be downloaded here, but Terraform's builtins work:
``terraform_data``, ``terraform_remote_state`` and the local backend. Every
``helm_release`` is swapped for a ``terraform_data`` of the same name that
keeps the release's version, dependencies and lifecycle; other provider
resources (the policies stack's Kubernetes objects) are left out; every
``kubernetes_resources`` data source, top-level or inside a ``check`` block,
is swapped for a ``terraform_remote_state`` of the same name reading a local
state file whose output ``objects`` is the list the test says the cluster
returns (empty unless told); everything else (upgrade and retirement guards,
check assertions, protection, locals, outputs, backend) is the synthesized
JSON unchanged. So Terraform evaluates our preconditions, checks,
``prevent_destroy`` and the release dependency graph as it would with the
providers, and reads the stand-ins at plan time as it reads the data sources.
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



LISTS = "kubernetes_resources"


def stand_in_file(name: str) -> str:
    """The state file a data source's stand-in reads, beside the stack."""
    return f"{name}.standin.tfstate"


def _stand_in_data(body: dict[str, Any], name: str) -> dict[str, Any]:
    data: dict[str, Any] = {"backend": "local", "config": {"path": stand_in_file(name)}}
    if "depends_on" in body:
        data["depends_on"] = body["depends_on"]
    return data


def cty_type(value: Any) -> Any:
    """Terraform's JSON type for a JSON value, as a state file's outputs record it."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return ["tuple", [cty_type(v) for v in value]]
    if isinstance(value, dict):
        return ["object", {k: cty_type(v) for k, v in value.items()}]
    raise TypeError(f"no stand-in for {value!r}")


def stand_in_state(objects: list[Any]) -> dict[str, Any]:
    """A state file with one output, ``objects``, for a ``kubernetes_resources`` stand-in."""
    return {"version": 4, "terraform_version": "1.11.0", "serial": 1, "lineage": "stand-in",
            "outputs": {"objects": {"value": objects, "type": cty_type(objects)}}, "resources": []}


def list_names(stack: dict[str, Any]) -> list[str]:
    """Every kubernetes_resources data source of a stack, top-level or in a check."""
    names = list(stack.get("data", {}).get(LISTS, {}))
    for check in stack.get("check", {}).values():
        names += list(check.get("data", {}).get(LISTS, {}))
    return names


def _drop_dependencies(node: Any, prefixes: tuple[str, ...]) -> None:
    """Leave out of every depends_on the addresses of resources left out
    (the revision tags' manifests a gateway and a check wait for)."""
    if isinstance(node, dict):
        if "depends_on" in node and prefixes:
            node["depends_on"] = [a for a in node["depends_on"] if not a.startswith(prefixes)]
        for value in node.values():
            _drop_dependencies(value, prefixes)
    elif isinstance(node, list):
        for value in node:
            _drop_dependencies(value, prefixes)


def builtins_only(stack: dict[str, Any]) -> dict[str, Any]:
    """The stack with each helm_release swapped for a terraform_data stand-in,
    and each kubernetes_resources data source for a terraform_remote_state."""
    stack = json.loads(json.dumps(stack))
    scopes = [stack, *stack.get("check", {}).values()]
    for scope in scopes:
        lists = scope.get("data", {}).pop(LISTS, {})
        if lists:
            states = scope["data"].setdefault("terraform_remote_state", {})
            states.update({name: _stand_in_data(body, name) for name, body in lists.items()})
    releases = stack["resource"].pop("helm_release", {})
    dropped = [k for k in stack["resource"] if not k.startswith("terraform_")]
    for kind in dropped:
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
    _drop_dependencies(stack, tuple(f"{kind}." for kind in dropped))
    text = re.sub(r"\$\{helm_release\.([\w-]+)\.version\}", r"${terraform_data.\1.output.version}",
                  json.dumps(stack))
    text = text.replace('"helm_release.', '"terraform_data.')
    text = re.sub(r"data\.kubernetes_resources\.([\w-]+)\.objects",
                  r"data.terraform_remote_state.\1.outputs.objects", text)
    assert "helm_release" not in text and "kubernetes_resources" not in text
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

    def write(self, stack: dict[str, Any], cluster: dict[str, list[Any]] | None = None) -> None:
        """The stack, and what each of its kubernetes_resources lists returns
        (``cluster``: data source name -> objects; any other returns none)."""
        cluster = cluster or {}
        unknown = set(cluster) - set(list_names(stack))
        assert not unknown, f"the stack reads no list named {sorted(unknown)}"
        for name in list_names(stack):
            state = stand_in_state(cluster.get(name, []))
            (self.workdir / stand_in_file(name)).write_text(json.dumps(state))
        (self.workdir / "cdk.tf.json").write_text(json.dumps(builtins_only(stack), indent=2))

    def terraform(self, *args: str) -> subprocess.CompletedProcess[str]:
        assert TERRAFORM is not None
        return subprocess.run([TERRAFORM, *args, "-no-color"], cwd=self.workdir, env=self.env,
                              capture_output=True, text=True, timeout=120, check=False)

    def succeed(self, *args: str) -> str:
        result = self.terraform(*args)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout
