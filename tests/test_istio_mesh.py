"""istio-mesh as a library: public API, versioning, constructs in a consumer's stack."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import istio_mesh
from conftest import REPO, config_from, helm_releases

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$")


def test_version_is_semantic_and_agrees_everywhere() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    releases = re.findall(r"^## \[(\d[^\]]*)\]", (REPO / "CHANGELOG.md").read_text(), re.M)
    assert SEMVER.match(istio_mesh.__version__)
    assert pyproject == istio_mesh.__version__ == releases[0]


def test_importing_the_package_does_not_start_jsii() -> None:
    # Validating a config (the CLI, a consumer's pre-flight check) must not
    # pay for the jsii runtime; construct names are imported on first use.
    code = (
        "import sys, istio_mesh\n"
        "from istio_mesh import MeshConfig, load_config, parse_config, mesh_outputs, cluster_plan\n"
        "cluster_plan(parse_config('mesh: {meshId: mesh1}\\nca: {mode: plugin}'))\n"
        "print(sorted(m for m in ('cdktf', 'constructs', 'jsii') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=120)
    assert result.stdout.strip() == "[]"


def test_every_public_name_resolves() -> None:
    missing = [name for name in istio_mesh.__all__ if not hasattr(istio_mesh, name)]
    assert missing == []
    from istio_mesh.components import IstioMesh
    from istio_mesh.stacks import MeshStack

    assert istio_mesh.IstioMesh is IstioMesh and istio_mesh.MeshStack is MeshStack
    with pytest.raises(AttributeError, match="has no attribute 'IstioMeshStack'"):
        istio_mesh.IstioMeshStack  # noqa: B018


def test_mesh_in_a_consumer_stack_with_an_aliased_provider(tmp_path: Path) -> None:
    from istio_mesh import IstioMesh, IstioPolicies, cluster_plan
    from istio_mesh.runtime.terraform import App, HelmProvider, KubernetesProvider, TerraformStack

    plan = cluster_plan(config_from(
        "cni: {enabled: true}\n"
        "gateways: [{name: edge, kind: ingress}]\n"
        "namespaces: [{name: shop, create: true}]\n"
    ))
    app = App(outdir=str(tmp_path))
    stack = TerraformStack(app, "platform")
    HelmProvider(stack, "helm")  # the consumer's default provider, unused by the mesh
    target = HelmProvider(stack, "helm-target", alias="target")
    kubernetes = KubernetesProvider(stack, "kubernetes", alias="target")
    mesh = IstioMesh(stack, "istio", plan=plan, provider=target)
    IstioPolicies(stack, "policies", plan=plan, provider=kubernetes)
    app.synth()
    synthesized = json.loads((tmp_path / "stacks" / "platform" / "cdk.tf.json").read_text())

    releases = helm_releases(synthesized)
    assert sorted(releases) == ["edge", "istio-base", "istio-cni", "istiod"]
    assert {r["provider"] for r in releases.values()} == {"helm.target"}
    resources = synthesized["resource"]
    assert resources["kubernetes_namespace_v1"]["shop"]["provider"] == "kubernetes.target"
    manifests = resources["kubernetes_manifest"]
    assert {m["provider"] for m in manifests.values()} == {"kubernetes.target"}
    assert "output" not in synthesized  # outputs are the stack owner's choice
    assert mesh.outputs["ingress_gateways"] == {"edge": {"service": "edge", "namespace": "istio-ingress"}}
    assert [r.friendly_unique_id for r in mesh.releases] == ["istio-base", "istio-cni", "istiod", "edge"]


def test_mesh_stack_is_the_mesh_construct_plus_its_surroundings() -> None:
    from istio_mesh import IstioMesh, MeshStack
    from istio_mesh.runtime.terraform import App

    stack = MeshStack(App(), "prod-mesh", config=config_from("gateways: [{name: gw, kind: ingress}]"))
    assert isinstance(stack.mesh, IstioMesh)
    assert stack.istiod is stack.mesh.istiod and stack.gateways == stack.mesh.gateways
