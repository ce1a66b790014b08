"""Every Istio custom resource the stack emits is accepted by Istio's real CRDs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import FULL_FIXTURES, SNAPSHOTTED, Synth
from istio_reference import crd_problems, crds

CONFIGS = SNAPSHOTTED + FULL_FIXTURES


def _all_manifests(synth: Synth) -> dict[str, dict[str, Any]]:
    found = {}
    for name in synth.stack_names():
        for rid, resource in synth.stack(name).get("resource", {}).get("kubernetes_manifest", {}).items():
            found[f"{name}/{rid}"] = resource["manifest"]
    return found


def test_every_manifest_is_a_known_kind(synth: Synth) -> None:
    # Istio kinds are validated against the CRDs below; the rest are the
    # revision tags' built-in kinds, the Gateway API objects (waypoints,
    # Gateway API ingress; validated in test_gateway_api.py) and the
    # prometheus-operator monitors and rules (validated in test_telemetry.py
    # and test_observability.py) and the Grafana dashboards' ConfigMaps.
    kinds = {(m["apiVersion"], m["kind"]) for m in _all_manifests(synth).values()}
    istio = {k for k in kinds if k[0].split("/")[0].endswith(".istio.io")}
    assert kinds - istio == {
        ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"),
        ("v1", "Service"),
        ("gateway.networking.k8s.io/v1", "Gateway"),
        ("monitoring.coreos.com/v1", "PodMonitor"),
        ("monitoring.coreos.com/v1", "ServiceMonitor"),
        ("monitoring.coreos.com/v1", "PrometheusRule"),
        ("v1", "ConfigMap"),
        ("gateway.networking.k8s.io/v1", "HTTPRoute"),
    }


def _manifests(synth: Synth) -> dict[str, dict[str, Any]]:
    """Manifests of Istio's own kinds (the ones its CRDs define)."""
    return {
        where: m for where, m in _all_manifests(synth).items()
        if m["apiVersion"].split("/")[0].endswith(".istio.io")
    }


def test_every_custom_resource_validates(synth: Synth, reference: Path) -> None:
    manifests = _manifests(synth)
    assert len(manifests) >= len(CONFIGS)  # at least the mesh-wide PeerAuthentication each
    problems = {where: p for where, m in manifests.items() if (p := crd_problems(reference, m))}
    assert problems == {}


def test_every_generated_kind_is_covered_by_the_schema_check(synth: Synth) -> None:
    # The fixtures must make the code emit every kind it can, or the
    # validation above proves nothing for the missing ones.
    generated = {(m["apiVersion"], m["kind"]) for where, m in _manifests(synth).items()
                 if not where.split("/", 1)[1].startswith("extra_")}
    assert generated == {
        ("security.istio.io/v1", "PeerAuthentication"),
        ("security.istio.io/v1", "AuthorizationPolicy"),
        ("networking.istio.io/v1", "ServiceEntry"),
        ("networking.istio.io/v1", "Gateway"),
        ("networking.istio.io/v1", "VirtualService"),
        ("networking.istio.io/v1", "DestinationRule"),
        ("networking.istio.io/v1", "Sidecar"),
        ("telemetry.istio.io/v1", "Telemetry"),
    }


@pytest.mark.parametrize(
    ("manifest", "problem"),
    [
        ({"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication",
          "metadata": {"name": "default", "namespace": "x"}, "spec": {"mtls": {"mode": "STRICTER"}}},
         "spec.mtls.mode: 'STRICTER' is not one of"),
        ({"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication",
          "metadata": {"name": "default", "namespace": "x"}, "spec": {"mtls": {"mod": "STRICT"}}},
         "spec.mtls: unknown field 'mod' (the API server would prune it)"),
        ({"apiVersion": "security.istio.io/v9", "kind": "PeerAuthentication",
          "metadata": {"name": "default", "namespace": "x"}, "spec": {}},
         "security.istio.io/PeerAuthentication does not serve v9"),
        ({"apiVersion": "security.istio.io/v1", "kind": "PeerAuthentication",
          "metadata": {"name": "default"}, "spec": {}},
         "namespaced kind without metadata.namespace"),
        ({"apiVersion": "security.istio.io/v1", "kind": "PeerAuthorization",
          "metadata": {"name": "default", "namespace": "x"}, "spec": {}},
         "no CRD for kind PeerAuthorization"),
    ],
)
def test_the_check_refuses_what_the_api_server_would(reference: Path, manifest: dict, problem: str) -> None:
    assert any(p.startswith(problem) for p in crd_problems(reference, manifest)), crd_problems(reference, manifest)


def test_reference_holds_istios_fifteen_crds(reference: Path) -> None:
    assert len(crds(reference)) == 15
