"""The exact text of every refused revision, tag and ambient config."""

from __future__ import annotations

import pytest

from conftest import error_for

from istio_mesh.config.errors import ConfigError
from istio_mesh.config.loader import parse_config

TWO = (
    "istio: {version: '1.30.3'}\n"
    "revisions: [{name: 1-29-6, version: '1.29.6'}, {name: 1-30-3}]\n"
)



@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "istio: {version: '1.30.3'}\n"
            "revisions: [{name: 1-28-2, version: '1.28.2'}, {name: 1-30-3}]\ndefaultRevision: 1-30-3",
            "config/prod.yaml: revisions[1].version: got '1.30.3'; skips a minor version: "
            "revision '1-28-2' still runs 1.28.2, and Istio upgrades across at most one minor "
            "at a time; install 1.29 first or remove '1-28-2'",
            id="skip-a-minor",
        ),
        pytest.param(
            "istio: {version: '1.29.6'}\n"
            "revisions: [{name: 1-29-6}, {name: 1-30-3, version: '1.30.3'}]\ndefaultRevision: 1-29-6",
            "config/prod.yaml: istio.version: got '1.29.6'; base (CRDs), cni and ztunnel must be "
            "at least as new as the newest revision ('1-30-3', 1.30.3) and at most one minor "
            "above the oldest ('1-29-6', 1.29.6)",
            id="base-older-than-a-revision",
        ),
        pytest.param(
            "revisions: [{name: a}, {name: a}]",
            "config/prod.yaml: revisions[1].name: 'a' is used more than once; revision names "
            "must be unique",
            id="duplicate-revision",
        ),
        pytest.param(
            "revisions: [{name: 1.30.3}]",
            "config/prod.yaml: revisions[0].name: got '1.30.3'; must be a DNS-1123 label: "
            "lowercase letters, digits and '-', starting and ending with a letter or digit, "
            "at most 63 characters",
            id="revision-not-a-dns-label",
        ),
        pytest.param(
            "istiod: {replicas: 2}\nrevisions: [{name: 1-30-3}]\ndefaultRevision: 1-30-3",
            "config/prod.yaml: istiod: is the un-revisioned istiod and unused when revisions "
            "are listed; move its settings into revisions[] (name 'default' keeps that istiod)",
            id="istiod-beside-revisions",
        ),
        pytest.param(
            TWO + "revisionTags: {prod-stable: 1-28-2}\ndefaultRevision: 1-30-3",
            "config/prod.yaml: revisionTags.prod-stable: got '1-28-2'; a tag must point to an "
            "installed revision: '1-29-6', '1-30-3'",
            id="tag-to-missing-revision",
        ),
        pytest.param(
            TWO + "revisionTags: {Prod_Stable: 1-29-6}\ndefaultRevision: 1-30-3",
            "config/prod.yaml: revisionTags.Prod_Stable: got 'Prod_Stable'; must be a "
            "DNS-1123 label: lowercase letters, digits and '-', starting and ending with a "
            "letter or digit, at most 63 characters",
            id="tag-not-a-dns-label",
        ),
        pytest.param(
            TWO + "revisionTags: {default: 1-29-6}",
            "config/prod.yaml: revisionTags.default: 'default' is Istio's default tag; choose "
            "it with defaultRevision",
            id="tag-named-default",
        ),
        pytest.param(
            TWO + "revisionTags: {1-30-3: 1-29-6}\ndefaultRevision: 1-30-3",
            "config/prod.yaml: revisionTags.1-30-3: is also a revision name; a tag and a "
            "revision cannot share a name",
            id="tag-named-like-a-revision",
        ),
        pytest.param(
            TWO + "defaultRevision: canary",
            "config/prod.yaml: defaultRevision: got 'canary'; must be an installed revision "
            "or a tag: '1-29-6', '1-30-3'",
            id="default-revision-unknown",
        ),
        pytest.param(
            "istio: {version: '1.30.3'}\n"
            "revisions: [{name: default, version: '1.29.6'}, {name: 1-30-3}]\ndefaultRevision: 1-30-3",
            "config/prod.yaml: defaultRevision: got '1-30-3'; while the un-revisioned istiod "
            "('default') is installed it serves istio-injection=enabled itself; remove it from "
            "revisions before moving the default",
            id="default-moved-past-unrevisioned",
        ),
        pytest.param(
            TWO + "defaultRevision: 1-30-3\n"
            "gateways: [{name: gw, kind: ingress, revision: prod-canary}]",
            "config/prod.yaml: gateways[0].revision: got 'prod-canary'; must be an installed "
            "revision or a tag: '1-29-6', '1-30-3'",
            id="gateway-revision-unknown",
        ),
        pytest.param(
            TWO + "gateways: [{name: gw, kind: ingress}]",
            "config/prod.yaml: gateways[0].revision: not set and there is no default revision; "
            "name a revision or tag, or set defaultRevision",
            id="gateway-without-any-default",
        ),
        pytest.param(
            TWO + "revisionTags: {stable: 1-29-6}\nnamespaces: [{name: shop, revision: canary}]",
            "config/prod.yaml: namespaces[0].revision: got 'canary'; must be an installed "
            "revision or a tag: '1-29-6', '1-30-3', 'stable'",
            id="namespace-revision-unknown",
        ),
        pytest.param(
            TWO + "namespaces: [{name: shop}]",
            "config/prod.yaml: namespaces[0].revision: not set and there is no default revision "
            "to serve istio-injection=enabled; name a revision or tag, or set defaultRevision",
            id="namespace-without-any-default",
        ),
        pytest.param(
            "namespaces: [{name: shop, revision: stable, injection: false}]",
            "config/prod.yaml: namespaces[0].revision: selects a sidecar injector; it needs "
            "injection: true",
            id="revision-without-injection",
        ),
        pytest.param(
            "namespaces: [{name: shop, create: true, labels: {istio.io/rev: canary}}]",
            "config/prod.yaml: namespaces[0].labels.istio.io/rev: is managed by this stack; "
            "use dataplane, injection, revision or waypoint",
            id="revision-label-by-hand",
        ),
        pytest.param(
            "istio: {profile: ambient}\nztunnel: {enabled: true}",
            "config/prod.yaml: cni.enabled: got false; istio.profile 'ambient' needs the CNI "
            "node agent, which redirects pod traffic to ztunnel; set cni.enabled: true",
            id="ambient-without-cni",
        ),
        pytest.param(
            "istio: {profile: ambient}\ncni: {enabled: true}",
            "config/prod.yaml: ztunnel.enabled: got false; istio.profile 'ambient' needs "
            "ztunnel, the ambient data plane; set ztunnel.enabled: true",
            id="ambient-without-ztunnel",
        ),
        pytest.param(
            "ztunnel: {enabled: true}",
            "config/prod.yaml: ztunnel.enabled: got true; ztunnel only serves ambient mode; "
            "set istio.profile: ambient or ztunnel.enabled: false",
            id="ztunnel-without-ambient",
        ),
        pytest.param(
            "istio: {profile: ambient}\ncni: {enabled: true}\nztunnel: {enabled: true}\n"
            "revisions: [{name: 1-30-3}]",
            "config/prod.yaml: defaultRevision: not set; ztunnel gets its certificates and "
            "config from the default revision; set defaultRevision",
            id="ambient-without-default-revision",
        ),
        pytest.param(
            "namespaces: [{name: shop, dataplane: ambient}]",
            "config/prod.yaml: namespaces[0].dataplane: got 'ambient'; ambient enrolment needs "
            "istio.profile: ambient",
            id="ambient-namespace-in-sidecar-mesh",
        ),
        pytest.param(
            "namespaces: [{name: shop, dataplane: ambient, injection: true}]",
            "config/prod.yaml: namespaces[0].injection: sidecar injection and ambient enrolment "
            "are exclusive per namespace; remove injection or set dataplane: sidecar",
            id="ambient-and-injection",
        ),
        pytest.param(
            "namespaces: [{name: shop, dataplane: ambient, revision: stable}]",
            "config/prod.yaml: namespaces[0].revision: selects a sidecar injector; ambient "
            "namespaces have no sidecars",
            id="ambient-and-revision",
        ),
        pytest.param(
            "namespaces: [{name: shop, waypoint: true}]",
            "config/prod.yaml: namespaces[0].waypoint: waypoints serve ambient namespaces; "
            "set dataplane: ambient",
            id="waypoint-without-ambient",
        ),
        pytest.param(
            "istio: {profile: sidecar}",
            "config/prod.yaml: istio.profile: got 'sidecar' (string); must be 'default' or "
            "'ambient'",
            id="unknown-profile",
        ),
    ],
)
def test_error_text(text: str, message: str) -> None:
    assert error_for(text) == message
