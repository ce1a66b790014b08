"""Unknown chart values: ``extraValues`` keys the pinned Istio chart does not
have (Helm would ignore them silently), each with the closest existing key.
Checked on literal value trees against the shipped Istio 1.30.3 chart data."""

from __future__ import annotations

import pytest

from istio_mesh.lint.chart_values import unknown_keys


def test_keys_the_istiod_chart_has_are_known() -> None:
    values = {"autoscaleMax": 9, "global": {"hub": "docker.io/istio", "proxy": {"autoInject": "enabled"}}}
    assert unknown_keys("istiod", values) == []


def test_a_misspelt_top_level_key_is_found_with_the_closest_key() -> None:
    assert unknown_keys("istiod", {"autoscaleMinimum": 2}) == [(("autoscaleMinimum",), "autoscaleMin")]


def test_a_misspelt_nested_key_is_found_at_its_path() -> None:
    assert unknown_keys("istiod", {"global": {"hubb": "x"}}) == [(("global", "hubb"), "hub")]


def test_a_key_like_nothing_in_the_chart_has_no_suggestion() -> None:
    assert unknown_keys("gateway", {"zzzq": 1}) == [(("zzzq",), "")]


def test_every_unknown_key_is_reported_in_the_order_given() -> None:
    assert unknown_keys("ztunnel", {"logLevl": "debug", "logLevel": "info", "nettwork": "n"}) == [
        (("logLevl",), "logLevel"), (("nettwork",), "network")]


def test_keys_below_a_free_form_key_are_the_users() -> None:
    values = {"meshConfig": {"anything": 1}, "resources": {"requests": {"gpu": 1}}, "podLabels": {"a": "b"}}
    assert unknown_keys("istiod", values) == []


def test_keys_below_a_leaf_of_the_chart_are_the_users() -> None:
    # global.meshNetworks is an empty map in the chart: its keys are network names.
    assert unknown_keys("istiod", {"global": {"meshNetworks": {"net1": {"endpoints": []}}}}) == []


def test_profile_keys_are_known_at_the_top_level_only() -> None:
    assert unknown_keys("cni", {"profile": "ambient", "platform": "gke", "compatibilityVersion": "1.29"}) == []
    assert unknown_keys("cni", {"global": {"profile": "ambient"}}) == [(("global", "profile"), "")]


def test_an_explicit_vendored_version_reads_that_releases_data() -> None:
    assert unknown_keys("base", {"defaultRevision": "a", "defualtRevision": "a"}, "1.30.3") == [
        (("defualtRevision",), "defaultRevision")]


def test_a_version_without_vendored_data_cannot_be_checked() -> None:
    with pytest.raises(FileNotFoundError):
        unknown_keys("base", {}, "1.17.0")


def test_a_chart_the_data_does_not_have_is_refused() -> None:
    with pytest.raises(KeyError):
        unknown_keys("kiali-server", {})
