"""Production guardrails: single settings (typed or in ``extraValues``) that
load but silently weaken a production cluster. Each check is called on its
own, on a config built from YAML text: the exact finding (rule, field path,
severity and text) where it should fire, nothing for the safe setting, and
nothing outside production."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from conftest import config_from
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.lint import guardrails
from istio_mesh.lint.rules import Finding

Check = Callable[[MeshConfig], Iterator[Finding]]

PROD = "environment: production\n"
OTEL = ("  extensionProviders:\n"
        "    - name: otel\n"
        "      opentelemetry: {service: otel.observability.svc.cluster.local, port: 4317}\n")


def found(check: Check, text: str) -> list[tuple[str, str, str]]:
    """(rule, field path, severity) of every finding ``check`` makes on ``text``."""
    return [(f.rule, f.path, f.severity) for f in check(config_from(text))]


def only(check: Check, text: str) -> Finding:
    [one] = list(check(config_from(text)))
    return one


# --- floating_image_tag --------------------------------------------------------------


def test_a_production_istio_tag_of_latest_floats() -> None:
    f = only(guardrails.floating_image_tag, PROD + "istio: {tag: latest}\n")
    assert (f.rule, f.path, f.severity) == ("prod-floating-image-tag", "istio.tag", "error")
    assert f.message == ("is 'latest': every pod start may pull a different image, and a node "
                         "restart can upgrade Istio unplanned")
    assert f.fix == "remove it (the charts pin the release's tag) or pin a version or a digest"


def test_a_moving_tag_is_recognised_whatever_its_case() -> None:
    assert found(guardrails.floating_image_tag, PROD + "istio: {tag: Nightly}\n") == [
        ("prod-floating-image-tag", "istio.tag", "error")]


def test_a_version_tag_does_not_float() -> None:
    assert found(guardrails.floating_image_tag, PROD + "istio: {tag: 1.30.3}\n") == []


def test_an_empty_tag_in_extra_values_floats() -> None:
    f = only(guardrails.floating_image_tag, PROD + "istiod: {extraValues: {global: {tag: ''}}}\n")
    assert (f.rule, f.path, f.severity) == ("prod-floating-image-tag", "istiod.extraValues.global.tag", "error")
    assert f.message.startswith("is '': every pod start")


def test_a_gateway_image_without_a_tag_floats() -> None:
    f = only(guardrails.floating_image_tag,
             PROD + "gateways: [{name: gw, kind: ingress, extraValues: {image: 'istio/proxyv2'}}]\n")
    assert (f.rule, f.path, f.severity) == ("prod-floating-image-tag", "gateways[0].extraValues.image", "error")
    assert f.message == ("is 'istio/proxyv2', with no tag or digest pinned: every pod start may "
                         "pull a different image")
    assert f.fix == "pin a version tag or a digest (image@sha256:...)"


def test_a_registry_port_is_not_mistaken_for_a_tag() -> None:
    text = PROD + "istiod: {extraValues: {pilot: {image: 'registry:5000/istio/pilot'}}}\n"
    assert found(guardrails.floating_image_tag, text) == [
        ("prod-floating-image-tag", "istiod.extraValues.pilot.image", "error")]


@pytest.mark.parametrize("image", ["istio/pilot:1.30.3", "istio/pilot@sha256:" + "a" * 64])
def test_an_image_pinned_by_version_or_digest_does_not_float(image: str) -> None:
    text = PROD + f"istiod: {{extraValues: {{pilot: {{image: '{image}'}}}}}}\n"
    assert found(guardrails.floating_image_tag, text) == []


def test_a_floating_tag_outside_production_is_not_found() -> None:
    assert found(guardrails.floating_image_tag, "environment: staging\nistio: {tag: latest}\n") == []


# --- extra_values_allow_any ------------------------------------------------------------

REGISTRY_ONLY = PROD + "mesh: {outboundTrafficPolicy: REGISTRY_ONLY}\n"


def test_extra_values_that_reopen_egress_under_registry_only_are_found() -> None:
    text = REGISTRY_ONLY + "istiod: {extraValues: {meshConfig: {outboundTrafficPolicy: {mode: ALLOW_ANY}}}}\n"
    f = only(guardrails.extra_values_allow_any, text)
    assert (f.rule, f.path, f.severity) == (
        "prod-extra-values-allow-any", "istiod.extraValues.meshConfig.outboundTrafficPolicy.mode", "error")
    assert f.message == ("is 'ALLOW_ANY', which overrides mesh.outboundTrafficPolicy: REGISTRY_ONLY: "
                         "workloads can call any host outside the mesh")


def test_extra_values_that_repeat_registry_only_are_not_found() -> None:
    text = REGISTRY_ONLY + "istiod: {extraValues: {meshConfig: {outboundTrafficPolicy: {mode: REGISTRY_ONLY}}}}\n"
    assert found(guardrails.extra_values_allow_any, text) == []


def test_extra_values_allow_any_is_not_judged_when_the_typed_policy_is_allow_any() -> None:
    text = (PROD + "mesh: {outboundTrafficPolicy: ALLOW_ANY}\n"
            "istiod: {extraValues: {meshConfig: {outboundTrafficPolicy: {mode: ALLOW_ANY}}}}\n")
    assert found(guardrails.extra_values_allow_any, text) == []


def test_extra_values_allow_any_is_found_in_each_revision() -> None:
    text = (REGISTRY_ONLY + "revisions:\n  - {name: a}\n"
            "  - {name: b, extraValues: {meshConfig: {outboundTrafficPolicy: {mode: ALLOW_ANY}}}}\n"
            "defaultRevision: a\n")
    assert found(guardrails.extra_values_allow_any, text) == [
        ("prod-extra-values-allow-any", "revisions[1].extraValues.meshConfig.outboundTrafficPolicy.mode",
         "error")]


# --- extra_values_replace_ca -----------------------------------------------------------

PLUGIN_CA = PROD + "ca: {mode: plugin}\n"


def test_extra_values_that_point_istiod_at_another_ca_are_found() -> None:
    f = only(guardrails.extra_values_replace_ca,
             PLUGIN_CA + "istiod: {extraValues: {global: {caAddress: 'ca.example.com:443'}}}\n")
    assert (f.rule, f.path, f.severity) == ("prod-extra-values-replace-ca", "istiod.extraValues.global.caAddress",
                                            "error")
    assert f.message == ("changes where workload certificates come from, which undoes ca.mode: "
                         "plugin (the organisation's intermediate CA)")


def test_a_ca_environment_variable_in_extra_values_is_found() -> None:
    text = PLUGIN_CA + "istiod: {extraValues: {pilot: {env: {EXTERNAL_CA: ISTIOD_RA_KUBERNETES_API}}}}\n"
    assert found(guardrails.extra_values_replace_ca, text) == [
        ("prod-extra-values-replace-ca", "istiod.extraValues.pilot.env.EXTERNAL_CA", "error")]


def test_other_pilot_environment_variables_do_not_replace_the_ca() -> None:
    text = PLUGIN_CA + "istiod: {extraValues: {pilot: {env: {PILOT_TRACE_SAMPLING: '1'}}}}\n"
    assert found(guardrails.extra_values_replace_ca, text) == []


def test_ca_keys_are_not_judged_unless_the_ca_is_the_plugin() -> None:
    text = PROD + "ca: {mode: istiod}\nistiod: {extraValues: {global: {caAddress: 'ca.example.com:443'}}}\n"
    assert found(guardrails.extra_values_replace_ca, text) == []


# --- egress_public_wildcard ------------------------------------------------------------


def egress(*hosts: str) -> str:
    listed = ", ".join(f"'{h}'" for h in hosts)
    return (PROD + f"egress: {{services: [{{name: x, hosts: [{listed}], resolution: NONE, "
            "ports: [{number: 443, name: tls, protocol: TLS}]}]}\n")


def test_a_wildcard_over_a_top_level_domain_is_found_at_its_index() -> None:
    f = only(guardrails.egress_public_wildcard, egress("api.example.com", "*.com"))
    assert (f.rule, f.path, f.severity) == ("prod-egress-public-wildcard", "egress.services[0].hosts[1]", "error")
    assert f.message == ("is '*.com': anyone can register a name under 'com', so workloads can "
                         "reach hosts nobody vetted")


def test_a_wildcard_over_a_listed_public_suffix_is_found() -> None:
    f = only(guardrails.egress_public_wildcard, egress("*.github.io"))
    assert (f.rule, f.path) == ("prod-egress-public-wildcard", "egress.services[0].hosts[0]")
    assert "under 'github.io'" in f.message


@pytest.mark.parametrize("host", ["*.example.com", "*.example.co.uk", "api.github.io"])
def test_a_wildcard_under_a_registered_domain_or_an_exact_host_is_not_found(host: str) -> None:
    assert found(guardrails.egress_public_wildcard, egress(host)) == []


def test_a_public_wildcard_outside_production_is_not_found() -> None:
    text = egress("*.com").replace("environment: production", "environment: development")
    assert found(guardrails.egress_public_wildcard, text) == []


# --- allow_from_every_namespace --------------------------------------------------------


def allow(rule: str, *, default_deny: str = "true") -> str:
    return (PROD + "namespaces: [{name: shop}]\n"
            f"authorization: {{defaultDeny: {default_deny}, allow: [{rule}]}}\n")


def test_an_allow_rule_from_every_namespace_to_a_whole_namespace_is_found() -> None:
    f = only(guardrails.allow_from_every_namespace,
             allow("{name: anyone, namespace: shop, from: {namespaces: ['*']}}"))
    assert (f.rule, f.path, f.severity) == (
        "prod-allow-from-every-namespace", "authorization.allow[0].from.namespaces", "warning")
    assert f.message == ("lets every namespace call every workload of 'shop' on any port, which "
                         "cancels default deny there")


def test_an_allow_rule_from_every_namespace_narrowed_by_a_selector_is_not_found() -> None:
    text = allow("{name: anyone, namespace: shop, selector: {app: web}, from: {namespaces: ['*']}}")
    assert found(guardrails.allow_from_every_namespace, text) == []


def test_an_allow_rule_from_named_namespaces_is_not_found() -> None:
    text = allow("{name: front, namespace: shop, from: {namespaces: [front]}}")
    assert found(guardrails.allow_from_every_namespace, text) == []


def test_an_allow_rule_from_every_namespace_is_not_judged_without_default_deny() -> None:
    text = allow("{name: anyone, namespace: shop, from: {namespaces: ['*']}}", default_deny="false")
    assert found(guardrails.allow_from_every_namespace, text) == []


# --- disruption_budget_blocks_drain ----------------------------------------------------


def test_an_istiod_budget_keeping_every_replica_blocks_drains() -> None:
    f = only(guardrails.disruption_budget_blocks_drain,
             PROD + "istiod: {replicas: 2, extraValues: {pdb: {minAvailable: 2}}}\n")
    assert (f.rule, f.path, f.severity) == (
        "prod-disruption-budget-blocks-drain", "istiod.extraValues.pdb.minAvailable", "error")
    assert f.message == ("is 2 with 2 replica(s): no pod may ever be evicted, so every node drain "
                         "(and cluster upgrade) hangs")


def test_a_gateway_budget_of_zero_unavailable_blocks_drains() -> None:
    text = (PROD + "gateways: [{name: gw, kind: ingress, replicas: 3, "
            "extraValues: {podDisruptionBudget: {maxUnavailable: 0}}}]\n")
    assert found(guardrails.disruption_budget_blocks_drain, text) == [
        ("prod-disruption-budget-blocks-drain", "gateways[0].extraValues.podDisruptionBudget.maxUnavailable",
         "error")]


def test_a_budget_below_the_replicas_does_not_block_drains() -> None:
    text = PROD + "istiod: {replicas: 3, extraValues: {pdb: {minAvailable: 2}}}\n"
    assert found(guardrails.disruption_budget_blocks_drain, text) == []


def test_a_boolean_min_available_is_not_read_as_a_pod_count() -> None:
    text = PROD + "istiod: {replicas: 1, extraValues: {pdb: {minAvailable: true}}}\n"
    assert found(guardrails.disruption_budget_blocks_drain, text) == []


# --- memory_limits_too_small -----------------------------------------------------------


def test_an_istiod_memory_limit_below_512mi_is_found() -> None:
    f = only(guardrails.memory_limits_too_small,
             PROD + "istiod: {resources: {requests: {cpu: '1', memory: 256Mi}, limits: {memory: 256Mi}}}\n")
    assert (f.rule, f.path, f.severity) == ("prod-memory-limit-too-small", "istiod.resources.limits.memory",
                                            "error")
    assert f.message == ("is '256Mi', below the 512Mi istiod needs: it is OOM-killed under a "
                         "production configuration")
    assert f.fix == "raise it to at least 512Mi (measure usage and add headroom)"


def test_an_istiod_memory_limit_of_exactly_512mi_is_enough() -> None:
    text = PROD + "istiod: {resources: {requests: {cpu: '1', memory: 512Mi}, limits: {memory: 512Mi}}}\n"
    assert found(guardrails.memory_limits_too_small, text) == []


def test_a_sidecar_memory_limit_in_gigabytes_is_compared_by_quantity() -> None:
    text = PROD + "mesh: {proxy: {resources: {requests: {cpu: 10m, memory: 32Mi}, limits: {memory: 1Gi}}}}\n"
    assert found(guardrails.memory_limits_too_small, text) == []


# --- chart_repository_http -------------------------------------------------------------


def test_a_production_chart_repository_over_plain_http_is_found() -> None:
    f = only(guardrails.chart_repository_http, PROD + "istio: {chartRepository: 'http://charts.example.com/istio'}\n")
    assert (f.rule, f.path, f.severity) == ("prod-chart-repository-http", "istio.chartRepository", "error")
    assert f.fix == "use the https:// or oci:// address of the repository"


@pytest.mark.parametrize("repository", ["https://charts.example.com/istio", "oci://registry.example.com/istio"])
def test_an_encrypted_chart_repository_is_not_found(repository: str) -> None:
    assert found(guardrails.chart_repository_http, PROD + f"istio: {{chartRepository: '{repository}'}}\n") == []


# --- full_trace_sampling and trace_sampling_high ---------------------------------------


def test_legacy_tracing_of_every_request_is_found() -> None:
    f = only(guardrails.full_trace_sampling, PROD + "mesh: {tracing: {enabled: true, sampling: 100}}\n")
    assert (f.rule, f.path, f.severity) == ("prod-full-trace-sampling", "mesh.tracing.sampling", "warning")
    assert f.message == ("is 100: every request is traced, which costs proxy CPU and tracing storage "
                         "at production volume")


def test_legacy_tracing_sampling_that_is_switched_off_is_not_judged() -> None:
    assert found(guardrails.full_trace_sampling, PROD + "mesh: {tracing: {enabled: false, sampling: 100}}\n") == []


def telemetry_sampling(rate: str) -> str:
    return (PROD + "mesh:\n" + OTEL
            + f"  telemetry:\n    tracing: {{providers: [otel], randomSamplingPercentage: {rate}}}\n")


def test_telemetry_tracing_of_every_request_is_found_and_is_not_also_called_high() -> None:
    text = telemetry_sampling("100")
    assert found(guardrails.full_trace_sampling, text) == [
        ("prod-full-trace-sampling", "mesh.telemetry.tracing.randomSamplingPercentage", "warning")]
    assert found(guardrails.trace_sampling_high, text) == []


def test_telemetry_tracing_of_half_the_requests_is_high() -> None:
    f = only(guardrails.trace_sampling_high, telemetry_sampling("50"))
    assert (f.rule, f.path, f.severity) == (
        "prod-trace-sampling-high", "mesh.telemetry.tracing.randomSamplingPercentage", "warning")
    assert f.message == ("is 50: more than 10% of requests are traced, which costs proxy CPU and "
                         "tracing storage at production volume")


def test_telemetry_tracing_of_exactly_ten_percent_is_not_high() -> None:
    assert found(guardrails.trace_sampling_high, telemetry_sampling("10")) == []
    assert found(guardrails.full_trace_sampling, telemetry_sampling("10")) == []


def test_legacy_tracing_above_ten_percent_is_not_called_high() -> None:
    # Only a Telemetry rate can be raised per namespace, which is the advice.
    assert found(guardrails.trace_sampling_high, PROD + "mesh: {tracing: {enabled: true, sampling: 50}}\n") == []


# --- mtls_override_unknown_namespace ---------------------------------------------------


def test_an_mtls_override_for_an_unlisted_namespace_is_found() -> None:
    f = only(guardrails.mtls_override_unknown_namespace,
             PROD + "mtls: {mode: STRICT, namespaceOverrides: {legcy: STRICT}}\n")
    assert (f.rule, f.path, f.severity) == (
        "prod-mtls-override-unknown-namespace", "mtls.namespaceOverrides.legcy", "warning")
    assert f.fix == "add 'legcy' to namespaces or remove the override"


def test_an_mtls_override_for_a_listed_namespace_is_not_found() -> None:
    text = PROD + "namespaces: [{name: legacy}]\nmtls: {mode: STRICT, namespaceOverrides: {legacy: PERMISSIVE}}\n"
    assert found(guardrails.mtls_override_unknown_namespace, text) == []


def test_unknown_override_namespaces_are_reported_in_name_order() -> None:
    text = PROD + "mtls: {mode: STRICT, namespaceOverrides: {zeta: STRICT, alpha: STRICT}}\n"
    assert [path for _, path, _ in found(guardrails.mtls_override_unknown_namespace, text)] == [
        "mtls.namespaceOverrides.alpha", "mtls.namespaceOverrides.zeta"]


# --- the register ----------------------------------------------------------------------


def test_every_guardrail_is_silent_on_a_plain_production_config() -> None:
    config = config_from(PROD)
    assert [f.rule for check in guardrails.GUARDRAILS for f in check(config)] == []


def test_the_guardrails_register_holds_eleven_checks() -> None:
    assert [check.__name__ for check in guardrails.GUARDRAILS] == [
        "floating_image_tag", "extra_values_allow_any", "extra_values_replace_ca", "egress_public_wildcard",
        "allow_from_every_namespace", "disruption_budget_blocks_drain", "memory_limits_too_small",
        "chart_repository_http", "full_trace_sampling", "mtls_override_unknown_namespace",
        "trace_sampling_high",
    ]
