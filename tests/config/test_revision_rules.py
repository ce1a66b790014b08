"""Rules tying revisions, tags, gateways, namespaces and ambient mode together
(config/revision_rules.py). This file calls check_revisions and check_ambient
directly: configs that keep the rules pass, and a config changed past a rule
(with model_copy, which skips validation) is refused at the field to change,
with the reason. The full text of each refusal as a user reads it is in
tests/config/test_control_planes.py; here are the boundaries around it."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import config_from, error_for as shared_error_for
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.errors import ConfigError, RuleViolation
from istio_mesh.config.gateways import GatewaySettings
from istio_mesh.config.istiod import IstiodSettings
from istio_mesh.config.namespaces import NamespaceSettings
from istio_mesh.config.node_agents import CniSettings, ZtunnelSettings
from istio_mesh.config.revision_rules import check_ambient, check_revisions

CANARY = (
    "istio: {version: '1.30.3'}\n"
    "revisions: [{name: stable, version: '1.29.6'}, {name: canary}]\n"
    "revisionTags: {prod: stable}\n"
    "defaultRevision: prod\n"
)
AMBIENT = "istio: {profile: ambient}\ncni: {enabled: true}\nztunnel: {enabled: true}\n"


def violation(check: Any, config: MeshConfig) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        check(config)
    return caught.value


def error_for(text: str) -> str:
    return shared_error_for(text, "test.yaml")


# check_revisions: what passes


def test_a_single_istiod_passes_the_revision_rules() -> None:
    assert check_revisions(config_from("gateways: [{name: gw, kind: ingress}]\nnamespaces: [{name: shop}]")) is None


def test_two_revisions_a_minor_apart_with_a_tag_as_default_pass() -> None:
    config = config_from(CANARY + "gateways: [{name: gw, kind: ingress}]\nnamespaces: [{name: shop, revision: canary}]")
    assert check_revisions(config) is None
    assert [r.name for r in config.revisions] == ["stable", "canary"]


def test_base_one_minor_above_a_lone_older_revision_passes() -> None:
    config = config_from("istio: {version: '1.30.3'}\nrevisions: [{name: old, version: '1.29.6'}]\ndefaultRevision: old")
    assert check_revisions(config) is None


def test_the_unrevisioned_istiod_listed_as_a_revision_stays_the_default() -> None:
    config = config_from("istio: {version: '1.30.3'}\nrevisions: [{name: default, version: '1.29.6'}, {name: new}]")
    assert check_revisions(config) is None


def test_a_namespace_without_injection_needs_no_default_revision() -> None:
    assert check_revisions(config_from("revisions: [{name: a}]\nnamespaces: [{name: shop, injection: false}]")) is None


# check_revisions: what is refused


def test_istiod_settings_beside_revisions_are_refused() -> None:
    config = config_from(CANARY).model_copy(update={"istiod": IstiodSettings(replicas=2)})
    found = violation(check_revisions, config)
    assert found.path == ("istiod",)
    assert found.message.startswith("is the un-revisioned istiod and unused when revisions are listed")


def test_a_revision_name_used_twice_is_refused_at_the_second() -> None:
    config = config_from(CANARY)
    repeated = config.model_copy(update={"revisions": (*config.revisions, config.revisions[1])})
    found = violation(check_revisions, repeated)
    assert (found.path, found.message) == (
        ("revisions", 2, "name"), "'canary' is used more than once; revision names must be unique"
    )


def test_base_two_minors_above_a_lone_revision_is_refused() -> None:
    assert error_for("istio: {version: '1.30.3'}\nrevisions: [{name: old, version: '1.28.0'}]\ndefaultRevision: old") == (
        "test.yaml: istio.version: got '1.30.3'; base (CRDs), cni and ztunnel must be at least as new as the "
        "newest revision ('old', 1.28.0) and at most one minor above the oldest ('old', 1.28.0)"
    )


def test_base_older_than_a_lone_newer_revision_is_refused() -> None:
    assert error_for("istio: {version: '1.29.6'}\nrevisions: [{name: new, version: '1.30.3'}]\ndefaultRevision: new") == (
        "test.yaml: istio.version: got '1.29.6'; base (CRDs), cni and ztunnel must be at least as new as the "
        "newest revision ('new', 1.30.3) and at most one minor above the oldest ('new', 1.30.3)"
    )


def test_a_revision_without_a_version_moves_with_base() -> None:
    config = config_from("istio: {version: '1.30.3'}\nrevisions: [{name: new}]\ndefaultRevision: new")
    older = config.model_copy(update={"istio": config_from("istio: {version: '1.29.6'}").istio})
    assert check_revisions(older) is None


def test_a_tag_named_default_is_refused() -> None:
    found = violation(check_revisions, config_from(CANARY).model_copy(update={"revision_tags": {"default": "stable"}}))
    assert found.path == ("revisionTags", "default")


def test_a_tag_named_like_a_revision_is_refused() -> None:
    found = violation(check_revisions, config_from(CANARY).model_copy(
        update={"revision_tags": {"prod": "stable", "canary": "stable"}}))
    assert (found.path, found.message) == (
        ("revisionTags", "canary"), "is also a revision name; a tag and a revision cannot share a name"
    )


def test_a_tag_pointing_at_another_tag_is_refused_with_the_revisions() -> None:
    found = violation(check_revisions, config_from(CANARY).model_copy(
        update={"revision_tags": {"prod": "stable", "next": "prod"}}))
    assert (found.path, found.message) == (
        ("revisionTags", "next"), "got 'prod'; a tag must point to an installed revision: 'stable', 'canary'"
    )


def test_a_default_revision_that_is_neither_revision_nor_tag_is_refused_with_both() -> None:
    found = violation(check_revisions, config_from(CANARY).model_copy(update={"default_revision": "beta"}))
    assert (found.path, found.message) == (
        ("defaultRevision",), "got 'beta'; must be an installed revision or a tag: 'stable', 'canary', 'prod'"
    )


def test_moving_the_default_while_the_unrevisioned_istiod_runs_is_refused() -> None:
    assert error_for(
        "istio: {version: '1.30.3'}\nrevisions: [{name: default, version: '1.29.6'}, {name: new}]\n"
        "revisionTags: {next: new}\ndefaultRevision: next"
    ) == (
        "test.yaml: defaultRevision: got 'next'; while the un-revisioned istiod ('default') is installed it "
        "serves istio-injection=enabled itself; remove it from revisions before moving the default"
    )


def test_a_gateway_naming_a_tag_passes_and_one_naming_nothing_known_is_refused() -> None:
    config = config_from(CANARY + "gateways: [{name: gw, kind: ingress, revision: prod}]")
    assert check_revisions(config) is None
    stray = config.model_copy(update={"gateways": (*config.gateways, GatewaySettings(
        name="out", kind="egress", revision="beta"))})
    found = violation(check_revisions, stray)
    assert (found.path, found.message) == (
        ("gateways", 1, "revision"), "got 'beta'; must be an installed revision or a tag: 'stable', 'canary', 'prod'"
    )


def test_a_gateway_without_a_revision_in_a_mesh_without_a_default_is_refused() -> None:
    config = config_from(CANARY + "gateways: [{name: gw, kind: ingress}]").model_copy(update={"default_revision": None})
    assert violation(check_revisions, config).path == ("gateways", 0, "revision")


def test_a_namespace_naming_an_unknown_revision_is_refused_at_its_place() -> None:
    config = config_from(CANARY + "namespaces: [{name: shop}]")
    stray = config.model_copy(update={"namespaces": (*config.namespaces, NamespaceSettings(name="cart", revision="beta"))})
    found = violation(check_revisions, stray)
    assert (found.path, found.message) == (
        ("namespaces", 1, "revision"), "got 'beta'; must be an installed revision or a tag: 'stable', 'canary', 'prod'"
    )


def test_an_injected_namespace_without_a_revision_needs_a_default() -> None:
    config = config_from(CANARY + "namespaces: [{name: shop}]").model_copy(update={"default_revision": None})
    found = violation(check_revisions, config)
    assert found.path == ("namespaces", 0, "revision")
    assert found.message.startswith("not set and there is no default revision to serve istio-injection=enabled")


# check_ambient


def test_a_sidecar_mesh_passes_the_ambient_rules() -> None:
    assert check_ambient(config_from("namespaces: [{name: shop}]")) is None


def test_an_ambient_mesh_with_cni_ztunnel_and_ambient_namespaces_passes() -> None:
    config = config_from(AMBIENT + "namespaces: [{name: shop, dataplane: ambient}, {name: legacy}]")
    assert check_ambient(config) is None


def test_an_ambient_mesh_whose_default_is_a_tag_passes() -> None:
    config = config_from(AMBIENT + "revisions: [{name: a}]\nrevisionTags: {prod: a}\ndefaultRevision: prod")
    assert check_ambient(config) is None


def test_ambient_without_the_cni_agent_is_refused_at_cni_enabled() -> None:
    found = violation(check_ambient, config_from(AMBIENT).model_copy(update={"cni": CniSettings()}))
    assert found.path == ("cni", "enabled")
    assert found.message.endswith("set cni.enabled: true")


def test_ambient_without_ztunnel_is_refused_at_ztunnel_enabled() -> None:
    found = violation(check_ambient, config_from(AMBIENT).model_copy(update={"ztunnel": ZtunnelSettings()}))
    assert (found.path, found.message) == (
        ("ztunnel", "enabled"),
        "got false; istio.profile 'ambient' needs ztunnel, the ambient data plane; set ztunnel.enabled: true",
    )


def test_ztunnel_in_a_sidecar_mesh_is_refused() -> None:
    config = config_from("cni: {enabled: true}").model_copy(update={"ztunnel": ZtunnelSettings(enabled=True)})
    assert violation(check_ambient, config).path == ("ztunnel", "enabled")


def test_an_ambient_mesh_of_revisions_without_a_default_is_refused() -> None:
    assert error_for(AMBIENT + "revisions: [{name: a}]") == (
        "test.yaml: defaultRevision: not set; ztunnel gets its certificates and config from the default "
        "revision; set defaultRevision"
    )


def test_an_ambient_namespace_in_a_sidecar_mesh_is_refused_at_its_dataplane() -> None:
    ambient = config_from(AMBIENT + "namespaces: [{name: legacy}, {name: shop, dataplane: ambient}]")
    sidecar = config_from("namespaces: [{name: x}]")
    found = violation(check_ambient, ambient.model_copy(
        update={"istio": sidecar.istio, "ztunnel": sidecar.ztunnel}))
    assert (found.path, found.message) == (
        ("namespaces", 1, "dataplane"), "got 'ambient'; ambient enrolment needs istio.profile: ambient"
    )
