"""istiod settings (config/istiod.py): the one control plane, or revisions
installed side by side. This file checks the defaults, the replica and
autoscaler bounds, and each revision's name and version."""

from __future__ import annotations

import pytest

from conftest import config_from, error_for as shared_error_for
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.istiod import IstiodSettings, RevisionSettings


def error_for(text: str) -> str:
    return shared_error_for(text, "test.yaml")


# IstiodSettings


def test_istiod_runs_one_pod_autoscaled_up_to_five_with_the_charts_resources() -> None:
    istiod = IstiodSettings()
    assert (istiod.replicas, istiod.autoscaling.enabled, istiod.autoscaling.max_replicas) == (1, True, 5)
    assert (istiod.resources, istiod.extra_values, istiod.spread.anti_affinity) == (None, {}, "none")


def test_more_than_twenty_istiod_replicas_are_refused() -> None:
    assert error_for("istiod: {replicas: 21}") == "test.yaml: istiod.replicas: got 21; allowed: 1 to 20"


def test_replicas_above_the_autoscaler_ceiling_are_refused() -> None:
    assert error_for("istiod: {replicas: 3, autoscaling: {maxReplicas: 2}}") == (
        "test.yaml: istiod.autoscaling.maxReplicas: 2 is below replicas (3); "
        "the autoscaler ceiling must be at least the floor"
    )


def test_replicas_equal_to_the_ceiling_are_accepted() -> None:
    assert config_from("istiod: {replicas: 5, autoscaling: {maxReplicas: 5}}").istiod.replicas == 5


def test_a_fixed_replica_count_needs_no_ceiling_above_it() -> None:
    istiod = config_from("istiod: {replicas: 8, autoscaling: {enabled: false}}").istiod
    assert (istiod.replicas, istiod.autoscaling.max_replicas) == (8, 5)


def test_istiod_requests_above_its_own_limits_are_refused() -> None:
    assert error_for("istiod: {resources: {requests: {cpu: '2'}, limits: {cpu: 1500m}}}") == (
        "test.yaml: istiod.resources.requests.cpu: '2' is above the limit '1500m'; "
        "lower the request or set limits.cpu"
    )


# RevisionSettings


def test_a_revision_without_a_version_follows_istio_version() -> None:
    revision = RevisionSettings(name="canary")
    assert (revision.name, revision.version, revision.replicas) == ("canary", None, 1)


def test_a_revision_at_its_own_supported_version_keeps_it() -> None:
    config = config_from("istio: {version: '1.30.3'}\nrevisions: [{name: old, version: '1.29.0'}, {name: new}]")
    assert [(r.name, r.version) for r in config.revisions] == [("old", "1.29.0"), ("new", None)]


def test_a_revision_at_an_unsupported_version_is_refused() -> None:
    assert error_for("revisions: [{name: old, version: '1.23.0'}]") == (
        "test.yaml: revisions[0].version: got '1.23.0'; Istio 1.23.0 is not supported; use 1.24.0 or newer"
    )


def test_a_revision_version_written_as_a_number_is_refused() -> None:
    assert error_for("revisions: [{name: old, version: 1.29}]") == (
        "test.yaml: revisions[0].version: got 1.29 (number); must be a string: put it in quotes"
    )


def test_a_revision_name_that_is_not_a_dns_label_is_refused() -> None:
    assert error_for("revisions: [{name: '1.30.3'}]").startswith(
        "test.yaml: revisions[0].name: got '1.30.3'; must be a DNS-1123 label"
    )


def test_a_revision_inherits_istiods_ceiling_check() -> None:
    assert error_for("revisions: [{name: canary, replicas: 7}]") == (
        "test.yaml: revisions[0].autoscaling.maxReplicas: 5 is below replicas (7); "
        "the autoscaler ceiling must be at least the floor"
    )
