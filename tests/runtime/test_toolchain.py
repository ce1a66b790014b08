"""The two toolchains (docs/toolchain.md) produce the same Terraform, except
where the providers they bind differ, and every such difference is listed here.

This file runs on both paths: `make test` (cdktf 0.21) and `make test-cdktn`
(CDK Terrain 0.24). The reviewed snapshots in __snapshots__/test_snapshots are
the default path's output (tests/contracts/test_snapshots.py holds them to it); here the
output of whichever toolchain is installed is compared with them, after
undoing only the differences named in EXPECTED below. So on the CDK Terrain
path these tests compare the two paths' synthesized JSON, addresses first.
"""

from __future__ import annotations

import copy
import json
import re
import tarfile
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest

from conftest import SNAPSHOTTED, Synth, without_metadata
from contracts.test_snapshots import SAME_AS

SNAPSHOTS = Path(__file__).resolve().parents[1] / "contracts" / "__snapshots__" / "test_snapshots"
STACKS = [f"{n}-{k}" for n in SNAPSHOTTED for k in ("mesh", "policies")]

# What each toolchain's bindings write into required_providers: cdktf's pin
# the exact version they were generated from; on CDK Terrain the stack asks
# for the patch releases of the bound versions (helm 3.3.0 and kubernetes
# 3.4.0 bindings). test_pins_are_the_versions_the_bindings_were_generated_from
# holds both to the packages' own metadata.
EXPECTED: dict[str, dict[str, Any]] = {
    "cdktf": {
        "providers": {
            "helm": {"source": "helm", "version": "3.1.1"},
            "kubernetes": {"source": "kubernetes", "version": "2.38.0"},
        },
        "namespace_metadata_is_list": False,
        "cdk_version": "0.21.0",
    },
    "cdktn": {
        "providers": {
            "helm": {"source": "helm", "version": "~> 3.3.0"},
            "kubernetes": {"source": "hashicorp/kubernetes", "version": "~> 3.4.0"},
        },
        "namespace_metadata_is_list": True,
        "cdk_version": "0.24.0",
    },
}


def _toolchain() -> str:
    from istio_mesh.runtime.terraform import TOOLCHAIN

    return TOOLCHAIN


def _snapshot(stack: str) -> dict[str, Any]:
    """The reviewed snapshot of ``stack``; a stack whose output repeats
    another's but for its name is held to that one (test_snapshots.SAME_AS)."""
    twin = SAME_AS.get(stack, stack)
    text = (SNAPSHOTS / f"test_stack_snapshot[{twin}].json").read_text()
    loaded: dict[str, Any] = json.loads(text.replace(twin, stack))
    return loaded


def _addresses(stack: dict[str, Any]) -> list[str]:
    """Terraform addresses of a stack's resources and data sources."""
    found = [f"{kind}.{name}" for kind, named in stack.get("resource", {}).items() for name in named]
    found += [f"data.{kind}.{name}" for kind, named in stack.get("data", {}).items() for name in named]
    return sorted(found)


def _as_default_path(stack: dict[str, Any], toolchain: str) -> dict[str, Any]:
    """``stack`` with this toolchain's known differences put back in the
    default path's shape, and Helm values decoded as the snapshots hold them."""
    out = copy.deepcopy(stack)
    # Tool metadata, not Terraform (the snapshots leave it out): the CDK's
    # version says which toolchain wrote the stack.
    assert out.get("//", {}).get("metadata", {}).get("version") == EXPECTED[toolchain]["cdk_version"]
    out = without_metadata(out)
    for name, requirement in out.get("terraform", {}).get("required_providers", {}).items():
        assert requirement == EXPECTED[toolchain]["providers"][name]
        requirement.update(EXPECTED["cdktf"]["providers"][name])
    for namespace in out.get("resource", {}).get("kubernetes_namespace_v1", {}).values():
        if EXPECTED[toolchain]["namespace_metadata_is_list"]:
            assert isinstance(namespace["metadata"], list) and len(namespace["metadata"]) == 1
            namespace["metadata"] = namespace["metadata"][0]
    for release in out.get("resource", {}).get("helm_release", {}).values():
        release["values"] = [json.loads(text) for text in release["values"]]
    return out


@pytest.mark.parametrize("stack", STACKS)
def test_addresses_match_the_default_path(synth: Synth, stack: str) -> None:
    # Renaming an address moves state: switching toolchains must not.
    assert _addresses(synth.stack(stack)) == _addresses(_snapshot(stack))


@pytest.mark.parametrize("stack", STACKS)
def test_output_matches_the_default_path_up_to_the_listed_differences(
    synth: Synth, stack: str
) -> None:
    assert _as_default_path(synth.stack(stack), _toolchain()) == _snapshot(stack)


def test_provider_requirements_name_the_bound_versions(synth: Synth) -> None:
    wanted = EXPECTED[_toolchain()]["providers"]
    seen = {
        name: requirement
        for stack in synth.stack_names()
        for name, requirement in synth.stack(stack)["terraform"]["required_providers"].items()
    }
    assert seen == wanted


def test_every_stack_of_every_config_synthesized(synth: Synth) -> None:
    names = synth.stack_names()
    assert [s for s in STACKS if s not in names] == []
    assert all(synth.stack(name)["terraform"]["required_providers"] for name in names)


def test_namespace_metadata_has_the_bound_providers_shape(synth: Synth) -> None:
    namespaces = [
        resource
        for name in synth.stack_names()
        for resource in synth.stack(name).get("resource", {}).get("kubernetes_namespace_v1", {}).values()
    ]
    assert namespaces, "no config creates a namespace: the check would prove nothing"
    is_list = EXPECTED[_toolchain()]["namespace_metadata_is_list"]
    assert all(isinstance(ns["metadata"], list) == is_list for ns in namespaces)


def test_write_only_secret_data_stays_write_only(synth: Synth) -> None:
    # kubernetes_secret_v1.data_wo exists in both bindings; the value is an
    # ephemeral variable reference, never a literal.
    secrets = [
        resource
        for name in synth.stack_names()
        for resource in synth.stack(name).get("resource", {}).get("kubernetes_secret_v1", {}).values()
    ]
    assert secrets
    assert all("data" not in s and all(v.startswith("${") for v in s["data_wo"].values()) for s in secrets)


# How a pin is written from the version a binding was generated from.
PIN_FORM = {"cdktf": "{}", "cdktn": "~> {}"}


def _generated_from(package: str) -> str:
    """The provider version a binding package was generated from: its jsii
    bundle's generator metadata (``providerVersion`` in lib/provider)."""
    spec = find_spec(package)
    assert spec is not None and spec.origin is not None, package
    (bundle,) = (Path(spec.origin).parent / "_jsii").glob("*.jsii.tgz")
    with tarfile.open(bundle) as archive:
        member = archive.extractfile("package/lib/provider/index.js")
        assert member is not None
        source = member.read().decode()
    (version,) = set(re.findall(r"providerVersion: '([0-9.]+)'", source))
    return version


def test_pins_are_the_versions_the_bindings_were_generated_from() -> None:
    from istio_mesh.runtime.toolchain import TOOLCHAINS

    toolchain = _toolchain()
    _, helm, kubernetes = TOOLCHAINS[toolchain]
    bound = {"helm": _generated_from(helm), "kubernetes": _generated_from(kubernetes)}
    pins = {name: p["version"] for name, p in EXPECTED[toolchain]["providers"].items()}
    assert pins == {name: PIN_FORM[toolchain].format(v) for name, v in bound.items()}


def test_the_variable_names_the_toolchain_and_nothing_else() -> None:
    from istio_mesh.runtime.toolchain import ToolchainError, chosen_toolchain, installed_toolchain

    # cdktf is installed on both paths (a base dependency).
    assert chosen_toolchain({"ISTIO_MESH_TOOLCHAIN": "cdktf"}) == "cdktf"
    assert chosen_toolchain({}) == chosen_toolchain({"ISTIO_MESH_TOOLCHAIN": ""}) == installed_toolchain()
    with pytest.raises(ToolchainError, match=r"^ISTIO_MESH_TOOLCHAIN=terraform: not a toolchain; allowed: cdktf, cdktn$"):
        chosen_toolchain({"ISTIO_MESH_TOOLCHAIN": "terraform"})
