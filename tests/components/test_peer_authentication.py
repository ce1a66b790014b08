"""PeerAuthentication (components/peer_authentication.py): one namespace's
PeerAuthentication ``default`` (mesh-wide in the root namespace). This file
checks the rendered policy with and without a namespace to wait for, and the
refusal of a namespaced policy composed without its namespace."""

from __future__ import annotations

import pytest

from conftest import config_from, fresh_stack, synth_stack
from istio_mesh.plan import policies_plan

OVERRIDE = "namespaces: [{name: legacy}]\nmtls: {mode: STRICT, namespaceOverrides: {legacy: PERMISSIVE}}"


def test_the_mesh_wide_policy_lives_in_the_root_namespace_with_nothing_to_wait_for() -> None:
    from istio_mesh.components import PeerAuthentication

    (mesh_wide, _) = policies_plan(config_from(OVERRIDE)).peer_authentications
    stack = fresh_stack()
    PeerAuthentication(stack, "mesh-wide", item=mesh_wide)
    assert synth_stack(stack)["resource"]["kubernetes_manifest"] == {
        "peer_authentication_istio-system": {"manifest": {
            "apiVersion": "security.istio.io/v1",
            "kind": "PeerAuthentication",
            "metadata": {"name": "default", "namespace": "istio-system"},
            "spec": {"mtls": {"mode": "STRICT"}},
        }},
    }


def test_a_namespace_override_waits_for_the_namespace_labels() -> None:
    from istio_mesh.components import MeshNamespace, PeerAuthentication

    plan = policies_plan(config_from(OVERRIDE))
    (legacy,) = plan.namespaces
    stack = fresh_stack()
    namespace = MeshNamespace(stack, "legacy", namespace=legacy)
    PeerAuthentication(stack, "legacy-mtls", item=plan.peer_authentications[1], after=[namespace.resource])
    assert synth_stack(stack)["resource"]["kubernetes_manifest"] == {
        "peer_authentication_legacy": {
            "manifest": {
                "apiVersion": "security.istio.io/v1",
                "kind": "PeerAuthentication",
                "metadata": {"name": "default", "namespace": "legacy"},
                "spec": {"mtls": {"mode": "PERMISSIVE"}},
            },
            "depends_on": ["kubernetes_labels.legacy"],
        },
    }


def test_a_namespace_override_without_its_namespace_is_refused() -> None:
    from istio_mesh.components import PeerAuthentication

    override = policies_plan(config_from(OVERRIDE)).peer_authentications[1]
    with pytest.raises(
        ValueError, match=r"^test/legacy-mtls: manifest 'peer_authentication_legacy' comes after kubernetes_labels.legacy "
    ):
        PeerAuthentication(fresh_stack(), "legacy-mtls", item=override)
