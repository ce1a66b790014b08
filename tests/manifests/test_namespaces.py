"""``manifests.namespaces`` builds the namespace-level objects of the policies
stack: PeerAuthentications, the data-plane labels of an onboarded namespace
and an ambient namespace's waypoint. This file checks each builder's exact
output for small configs."""

from __future__ import annotations

from conftest import config_from
from istio_mesh.config.namespaces import MtlsMode, NamespaceSettings
from istio_mesh.manifests.namespaces import mtls_policies, namespace_labels, peer_authentication, waypoint


def _namespace(**fields: object) -> NamespaceSettings:
    return NamespaceSettings.model_validate({"name": "shop", **fields})


def test_a_peer_authentication_is_namespace_wide_with_the_given_mode() -> None:
    assert peer_authentication("default", "shop", MtlsMode.STRICT) == {
        "apiVersion": "security.istio.io/v1",
        "kind": "PeerAuthentication",
        "metadata": {"name": "default", "namespace": "shop"},
        "spec": {"mtls": {"mode": "STRICT"}},
    }


def test_a_peer_authentication_can_disable_mtls() -> None:
    assert peer_authentication("legacy", "old", MtlsMode.DISABLE)["spec"] == {"mtls": {"mode": "DISABLE"}}


def test_without_overrides_only_the_mesh_wide_permissive_policy_is_listed() -> None:
    assert mtls_policies(config_from("{}")) == [("istio-system", MtlsMode.PERMISSIVE)]


def test_the_mesh_wide_policy_comes_first_then_overrides_sorted_by_namespace() -> None:
    config = config_from(
        "istioNamespace: mesh-root\n"
        "mtls: {mode: STRICT, namespaceOverrides: {zeta: PERMISSIVE, alpha: DISABLE}}\n"
    )
    assert mtls_policies(config) == [
        ("mesh-root", MtlsMode.STRICT),
        ("alpha", MtlsMode.DISABLE),
        ("zeta", MtlsMode.PERMISSIVE),
    ]


def test_a_sidecar_namespace_is_labelled_for_injection_by_default() -> None:
    assert namespace_labels(_namespace()) == {"istio-injection": "enabled"}


def test_a_namespace_with_injection_off_says_disabled_rather_than_nothing() -> None:
    assert namespace_labels(_namespace(injection=False)) == {"istio-injection": "disabled"}


def test_a_revisioned_namespace_gets_istio_io_rev_and_no_injection_label() -> None:
    assert namespace_labels(_namespace(revision="canary")) == {"istio.io/rev": "canary"}


def test_an_ambient_namespace_gets_the_dataplane_mode_and_no_sidecar_label() -> None:
    assert namespace_labels(_namespace(dataplane="ambient")) == {"istio.io/dataplane-mode": "ambient"}


def test_an_ambient_namespace_with_a_waypoint_is_told_to_use_it() -> None:
    assert namespace_labels(_namespace(dataplane="ambient", waypoint=True)) == {
        "istio.io/dataplane-mode": "ambient",
        "istio.io/use-waypoint": "waypoint",
    }


def test_extra_labels_of_a_created_namespace_are_kept_beside_the_managed_one() -> None:
    labels = namespace_labels(_namespace(create=True, labels={"team": "checkout"}))
    assert labels == {"team": "checkout", "istio-injection": "enabled"}


def test_the_waypoint_is_a_class_istio_waypoint_gateway_listening_for_hbone() -> None:
    assert waypoint("payments") == {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {
            "name": "waypoint",
            "namespace": "payments",
            "labels": {"istio.io/waypoint-for": "service"},
        },
        "spec": {
            "gatewayClassName": "istio-waypoint",
            "listeners": [{"name": "mesh", "port": 15008, "protocol": "HBONE"}],
        },
    }
