"""ClusterNetwork and RemoteSecrets (components/multicluster.py): the root
namespace's network label (and a remote's control-plane annotation), and one
istioctl-style remote secret per watched cluster. This file checks what each
renders after base and the refusal when base is not rendered yet."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import REPO, config_from, fresh_stack, synth_stack
from istio_mesh.components.upstream import Rendered
from istio_mesh.config.fleet import load_fleet
from istio_mesh.plan import MeshPlan, mesh_plan

PRIMARY = "mesh: {meshId: m}\nmulticluster: {clusterName: east, network: net-east, remoteSecrets: [west]}"


def _with_base(stack: Any, plan: MeshPlan) -> Rendered:
    from istio_mesh.components import IstioBase

    rendered = Rendered(stack)
    rendered.add(plan.base.address, IstioBase(stack, "base", release=plan.base).resource)
    return rendered


def test_the_network_label_is_owned_on_the_root_namespace_after_base() -> None:
    from istio_mesh.components import ClusterNetwork

    plan = mesh_plan(config_from(PRIMARY))
    stack = fresh_stack()
    rendered = _with_base(stack, plan)
    network = ClusterNetwork(stack, "network", items=plan.network, rendered=rendered)
    assert synth_stack(stack)["resource"]["kubernetes_labels"] == {
        "root_namespace_network": {
            "api_version": "v1",
            "kind": "Namespace",
            "metadata": {"name": "istio-system"},
            "labels": {"topology.istio.io/network": "net-east"},
            "field_manager": "istio-mesh",
            "force": True,
            "depends_on": ["helm_release.istio-base"],
        }
    }
    # istiod, rendered next, finds the label under its plan address.
    assert rendered.upstream(["kubernetes_labels.root_namespace_network"]) == network.resources


def test_a_remote_also_names_its_primary_in_an_annotation() -> None:
    from istio_mesh.components import ClusterNetwork

    edge = load_fleet(REPO / "config" / "fleets" / "primary-remote.yaml")["edge"]
    plan = mesh_plan(edge)
    stack = fresh_stack()
    ClusterNetwork(stack, "network", items=plan.network, rendered=_with_base(stack, plan))
    out = synth_stack(stack)["resource"]
    assert out["kubernetes_labels"]["root_namespace_network"]["labels"] == {"topology.istio.io/network": "net-edge"}
    assert out["kubernetes_annotations"] == {
        "root_namespace_control_plane": {
            "api_version": "v1",
            "kind": "Namespace",
            "metadata": {"name": "istio-system"},
            "annotations": {"topology.istio.io/controlPlaneClusters": "central"},
            "field_manager": "istio-mesh",
            "force": True,
            "depends_on": ["helm_release.istio-base"],
        }
    }


def test_the_network_label_before_base_is_refused() -> None:
    from istio_mesh.components import ClusterNetwork

    plan = mesh_plan(config_from(PRIMARY))
    with pytest.raises(ValueError, match=r"^test: rendered out of plan order: helm_release.istio-base not rendered yet$"):
        ClusterNetwork(fresh_stack(), "network", items=plan.network, rendered=Rendered(fresh_stack()))


def test_a_remote_secret_is_labelled_for_istiod_and_built_from_ephemeral_variables() -> None:
    from istio_mesh.components import RemoteSecrets

    plan = mesh_plan(config_from(PRIMARY))
    stack = fresh_stack()
    secrets = RemoteSecrets(stack, "remote-secrets", items=plan.remote_secrets, rendered=_with_base(stack, plan))
    assert list(secrets.secrets) == ["istio-remote-secret-west"]
    out = synth_stack(stack)
    secret = out["resource"]["kubernetes_secret_v1"]["istio_remote_secret_west"]
    assert secret["metadata"] == {
        "name": "istio-remote-secret-west",
        "namespace": "istio-system",
        "labels": {"istio/multiCluster": "true"},
        "annotations": {"networking.istio.io/cluster": "west"},
    }
    assert secret["depends_on"] == ["helm_release.istio-base"]
    assert secret["data_wo_revision"] == 1
    (kubeconfig,) = secret["data_wo"].values()
    assert list(secret["data_wo"]) == ["west"]
    for variable in ("var.remote_west_api_server", "var.remote_west_ca_certificate", "var.remote_west_token"):
        assert variable in kubeconfig
    assert sorted(out["variable"]) == ["remote_west_api_server", "remote_west_ca_certificate", "remote_west_token"]
    assert all(v["ephemeral"] is True and v["sensitive"] is True for v in out["variable"].values())


def test_a_remote_secret_before_base_is_refused() -> None:
    from istio_mesh.components import RemoteSecrets

    plan = mesh_plan(config_from(PRIMARY))
    with pytest.raises(ValueError, match=r"^test: rendered out of plan order: helm_release.istio-base not rendered yet$"):
        RemoteSecrets(fresh_stack(), "remote-secrets", items=plan.remote_secrets, rendered=Rendered(fresh_stack()))
