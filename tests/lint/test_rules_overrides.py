"""Rules for what ``extraValues`` does to the typed settings (a key that
replaces a typed value, merged values the API server refuses, image tags of
another release): each check is called on its own, on a config built from
YAML, and must report the exact finding for a dangerous config and none for
the nearest safe one."""

from __future__ import annotations

from conftest import config_from
from istio_mesh.lint.rules import Check
from istio_mesh.lint.rules_overrides import (
    OVERRIDE_CHECKS, extra_values_override_typed, image_tag_version_mismatch, values_rejected_at_apply,
)


def found(check: Check, text: str) -> list[tuple[str, str, str]]:
    """(rule, field path, severity) of every finding ``check`` makes for the YAML."""
    return [(f.rule, f.path, f.severity) for f in check(config_from(text))]


def chart_gateway(typed: str, extra: str) -> str:
    """One chart ingress gateway 'web' with typed settings and extraValues."""
    return f"gateways:\n- name: web\n  kind: ingress\n{typed}  extraValues: {extra}\n"


def test_the_three_override_rules_are_registered() -> None:
    assert OVERRIDE_CHECKS == (extra_values_override_typed, values_rejected_at_apply,
                               image_tag_version_mismatch)


# --- extra-values-override-typed ----------------------------------------------------------

def test_a_replica_count_in_extra_values_replacing_typed_replicas_is_an_error() -> None:
    text = chart_gateway("  replicas: 3\n  autoscaling: {enabled: false}\n", "{replicaCount: 1}")
    [f] = extra_values_override_typed(config_from(text))
    assert (f.rule, f.path, f.severity) == (
        "extra-values-override-typed", "gateways[0].extraValues.replicaCount", "error")
    assert f.message.startswith("is 1, replacing 3 that the typed settings wrote there")


def test_a_replica_count_in_extra_values_equal_to_the_typed_one_changes_nothing() -> None:
    text = chart_gateway("  replicas: 3\n  autoscaling: {enabled: false}\n", "{replicaCount: 3}")
    assert found(extra_values_override_typed, text) == []


def test_turning_the_typed_autoscaler_off_in_extra_values_is_an_error_on_the_nested_key() -> None:
    text = chart_gateway("", "{autoscaling: {enabled: false}}")
    assert found(extra_values_override_typed, text) == [
        ("extra-values-override-typed", "gateways[0].extraValues.autoscaling.enabled", "error")]


def test_an_image_hub_in_istiods_extra_values_replacing_istio_hub_is_an_error() -> None:
    text = ("istio: {hub: registry.example.com/istio}\n"
            "istiod: {extraValues: {global: {hub: docker.io/istio}}}\n")
    assert found(extra_values_override_typed, text) == [
        ("extra-values-override-typed", "istiod.extraValues.global.hub", "error")]


def test_an_extra_value_no_typed_setting_writes_is_not_an_override() -> None:
    text = "istiod: {extraValues: {env: {PILOT_ENABLE_STATUS: 'true'}}}\n"
    assert found(extra_values_override_typed, text) == []


def test_a_key_a_dedicated_rule_reports_is_left_to_that_rule() -> None:
    # meshConfig.outboundTrafficPolicy.mode is owned by prod-extra-values-allow-any.
    text = ("environment: production\nmesh: {outboundTrafficPolicy: REGISTRY_ONLY}\n"
            "istiod: {extraValues: {meshConfig: {outboundTrafficPolicy: {mode: ALLOW_ANY}}}}\n")
    assert found(extra_values_override_typed, text) == []


def test_a_long_replaced_value_is_shortened_to_60_characters_in_the_message() -> None:
    hub = "registry.example.com/" + "a" * 60
    text = f"istio: {{hub: {hub}}}\nistiod: {{extraValues: {{global: {{hub: docker.io/istio}}}}}}\n"
    [f] = extra_values_override_typed(config_from(text))
    assert f.message.startswith(
        "is 'docker.io/istio', replacing 'registry.example.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa..."
        " that the typed settings wrote there")


# --- values-rejected-at-apply -------------------------------------------------------------

def test_min_available_merged_into_the_stacks_max_unavailable_budget_is_an_error() -> None:
    text = chart_gateway("  replicas: 2\n", "{podDisruptionBudget: {minAvailable: 1}}")
    assert found(values_rejected_at_apply, text) == [
        ("values-rejected-at-apply", "gateways[0].extraValues.podDisruptionBudget", "error")]


def test_min_available_for_a_one_pod_gateway_which_gets_no_stack_budget_is_accepted() -> None:
    text = chart_gateway("  replicas: 1\n  autoscaling: {enabled: false}\n",
                         "{podDisruptionBudget: {minAvailable: 1}}")
    assert found(values_rejected_at_apply, text) == []


def test_a_gateway_autoscaler_floor_above_its_ceiling_is_an_error() -> None:
    text = chart_gateway("  autoscaling: {enabled: true, maxReplicas: 4}\n", "{autoscaling: {minReplicas: 5}}")
    [f] = values_rejected_at_apply(config_from(text))
    assert (f.rule, f.path, f.severity) == (
        "values-rejected-at-apply", "gateways[0].extraValues.autoscaling", "error")
    assert f.message.startswith("gives the HorizontalPodAutoscaler minReplicas 5 and maxReplicas 4")


def test_a_gateway_autoscaler_floor_equal_to_its_ceiling_is_accepted() -> None:
    text = chart_gateway("  autoscaling: {enabled: true, maxReplicas: 4}\n", "{autoscaling: {minReplicas: 4}}")
    assert found(values_rejected_at_apply, text) == []


def test_a_gateway_cpu_request_above_its_limit_is_an_error_on_resources() -> None:
    text = chart_gateway("  resources: {requests: {cpu: 500m, memory: 256Mi}}\n",
                         "{resources: {limits: {cpu: 200m}}}")
    [f] = values_rejected_at_apply(config_from(text))
    assert (f.rule, f.path, f.severity) == ("values-rejected-at-apply", "gateways[0].extraValues.resources", "error")
    assert f.message.startswith("requests cpu '500m' above its limit '200m'")


def test_a_gateway_cpu_request_equal_to_its_limit_is_accepted() -> None:
    text = chart_gateway("  resources: {requests: {cpu: 500m, memory: 256Mi}}\n",
                         "{resources: {limits: {cpu: 500m}}}")
    assert found(values_rejected_at_apply, text) == []


def test_an_istiod_autoscale_floor_of_zero_is_an_error_on_autoscale_min() -> None:
    text = "istiod: {extraValues: {autoscaleEnabled: true, autoscaleMin: 0, autoscaleMax: 5}}\n"
    assert found(values_rejected_at_apply, text) == [
        ("values-rejected-at-apply", "istiod.extraValues.autoscaleMin", "error")]


def test_an_istiod_autoscale_floor_of_one_is_accepted() -> None:
    text = "istiod: {extraValues: {autoscaleEnabled: true, autoscaleMin: 1, autoscaleMax: 5}}\n"
    assert found(values_rejected_at_apply, text) == []


# --- image-tag-version-mismatch -----------------------------------------------------------

def test_an_istio_tag_of_another_release_than_the_charts_is_an_error() -> None:
    [f] = image_tag_version_mismatch(config_from("istio: {version: 1.30.3, tag: 1.29.2}\n"))
    assert (f.rule, f.path, f.severity) == ("image-tag-version-mismatch", "istio.tag", "error")
    assert f.message.startswith("is '1.29.2', but the charts installed are Istio 1.30.3")


def test_an_istio_tag_of_the_charts_release_with_a_variant_suffix_is_accepted() -> None:
    assert found(image_tag_version_mismatch, "istio: {version: 1.30.3, tag: 1.30.3-distroless}\n") == []


def test_an_istio_tag_that_is_not_a_version_is_not_compared() -> None:
    assert found(image_tag_version_mismatch, "istio: {version: 1.30.3, tag: my-build}\n") == []


def test_one_tag_across_canary_revisions_of_two_releases_names_the_other_release() -> None:
    text = ("istio: {version: 1.30.3, tag: 1.30.3}\nrevisions:\n- {name: 1-29-6, version: 1.29.6}\n"
            "- {name: 1-30-3}\ndefaultRevision: 1-30-3\n")
    [f] = image_tag_version_mismatch(config_from(text))
    assert (f.rule, f.path, f.severity) == ("image-tag-version-mismatch", "istio.tag", "error")
    assert f.message.startswith("is '1.30.3', but the charts installed are Istio 1.29.6:")


def test_a_global_tag_in_a_revisions_extra_values_is_compared_with_that_revisions_release() -> None:
    text = ("istio: {version: 1.30.3}\nrevisions:\n"
            "- {name: 1-29-6, version: 1.29.6, extraValues: {global: {tag: 1.30.3}}}\n"
            "- {name: 1-30-3, extraValues: {global: {tag: 1.30.3}}}\ndefaultRevision: 1-30-3\n")
    assert found(image_tag_version_mismatch, text) == [
        ("image-tag-version-mismatch", "revisions[0].extraValues.global.tag", "error")]
