"""The linter's core rules (environment, production hardening, default deny,
sidecar scope, route weights, extra resources, chart values, tracing, Gateway
API CRDs): each check is called on its own, on a config built from YAML, and
must report the exact finding for a dangerous config and none for the nearest
safe one."""

from __future__ import annotations

from conftest import config_from
from istio_mesh.lint.rules import (
    CHECKS, Check, Finding, access_log_file_unused, chart_values, environment_unset,
    extra_resource_schemas, finding, gateway_api_crds_skipped, ingress_closed, istiods,
    legacy_tracing, prod_access_logs, prod_ca, prod_default_deny, prod_demo_profile, prod_egress,
    prod_mtls, prod_resource_requests, prod_single_istiod, production, route_weights,
    sidecar_scope_hides_call, version_unchecked,
)


def found(check: Check, text: str) -> list[tuple[str, str, str]]:
    """(rule, field path, severity) of every finding ``check`` makes for the YAML."""
    return [(f.rule, f.path, f.severity) for f in check(config_from(text))]


PROD = "environment: production\n"


# --- finding / production / istiods -------------------------------------------------------

def test_a_finding_takes_its_severity_from_the_catalogue_and_formats_its_path() -> None:
    assert finding("route-weights", ("extraResources", 2, "spec"), "m", "f") == Finding(
        "route-weights", "error", "extraResources[2].spec", "m", "f")


def test_a_finding_is_not_waived_until_the_engine_marks_it() -> None:
    assert finding("environment-unset", ("environment",), "m", "f").waived is None


def test_only_the_production_environment_counts_as_production() -> None:
    assert production(config_from(PROD)) is True
    assert production(config_from("environment: staging\n")) is False
    assert production(config_from("mesh: {}\n")) is False


def test_istiods_is_the_unrevisioned_istiod_without_revisions() -> None:
    assert [path for path, _ in istiods(config_from(PROD))] == [("istiod",)]


def test_istiods_lists_each_revision_by_index_when_revisions_are_set() -> None:
    config = config_from(
        "revisions:\n- {name: 1-29-6, version: 1.29.6}\n- {name: 1-30-3}\n"
        "defaultRevision: 1-30-3\n")
    assert [path for path, _ in istiods(config)] == [("revisions", 0), ("revisions", 1)]


def test_every_core_rule_is_registered_in_checks() -> None:
    assert len(CHECKS) == 18
    assert CHECKS[0] is environment_unset and CHECKS[-1] is gateway_api_crds_skipped


# --- environment-unset --------------------------------------------------------------------

def test_a_config_without_environment_is_told_the_production_rules_were_skipped() -> None:
    assert found(environment_unset, "mesh: {}\n") == [("environment-unset", "environment", "warning")]


def test_a_config_naming_any_environment_is_not_reported_as_unset() -> None:
    assert found(environment_unset, "environment: development\n") == []


# --- prod-mtls-not-strict / prod-mtls-override --------------------------------------------

def test_permissive_mtls_in_production_is_an_error_on_mtls_mode() -> None:
    assert found(prod_mtls, PROD + "mtls: {mode: PERMISSIVE}\n") == [
        ("prod-mtls-not-strict", "mtls.mode", "error")]


def test_the_message_names_the_mode_production_found() -> None:
    [f] = prod_mtls(config_from(PROD + "mtls: {mode: DISABLE}\n"))
    assert f.message == "is DISABLE in a production mesh: workloads accept plain-text traffic"


def test_strict_mtls_in_production_is_accepted() -> None:
    assert found(prod_mtls, PROD + "mtls: {mode: STRICT}\n") == []


def test_permissive_mtls_outside_production_is_not_judged() -> None:
    assert found(prod_mtls, "environment: staging\nmtls: {mode: PERMISSIVE}\n") == []


def test_a_namespace_override_below_strict_in_production_is_a_warning_on_that_namespace() -> None:
    text = PROD + "mtls:\n  mode: STRICT\n  namespaceOverrides: {legacy: PERMISSIVE}\n"
    assert found(prod_mtls, text) == [
        ("prod-mtls-override", "mtls.namespaceOverrides.legacy", "warning")]


def test_a_strict_namespace_override_in_production_is_accepted() -> None:
    text = PROD + "mtls:\n  mode: STRICT\n  namespaceOverrides: {legacy: STRICT}\n"
    assert found(prod_mtls, text) == []


# --- prod-single-istiod -------------------------------------------------------------------

def test_one_istiod_replica_in_production_is_an_error_on_its_replicas() -> None:
    assert found(prod_single_istiod, PROD + "istiod: {replicas: 1}\n") == [
        ("prod-single-istiod", "istiod.replicas", "error")]


def test_two_istiod_replicas_in_production_are_accepted() -> None:
    assert found(prod_single_istiod, PROD + "istiod: {replicas: 2}\n") == []


def test_one_replica_of_a_revision_is_reported_on_that_revision_with_its_own_fix() -> None:
    text = PROD + ("revisions:\n- {name: 1-29-6, version: 1.29.6, replicas: 2}\n"
                   "- {name: 1-30-3, replicas: 1}\ndefaultRevision: 1-30-3\n")
    [f] = prod_single_istiod(config_from(text))
    assert (f.rule, f.path, f.severity) == ("prod-single-istiod", "revisions[1].replicas", "error")
    assert f.fix == "set revisions[1].replicas: 2 or more (3 spread over zones is usual)"


def test_one_istiod_replica_outside_production_is_not_judged() -> None:
    assert found(prod_single_istiod, "environment: development\nistiod: {replicas: 1}\n") == []


# --- prod-demo-profile --------------------------------------------------------------------

def test_the_demo_profile_in_istiod_extra_values_in_production_is_an_error() -> None:
    assert found(prod_demo_profile, PROD + "istiod: {extraValues: {profile: demo}}\n") == [
        ("prod-demo-profile", "istiod.extraValues.profile", "error")]


def test_the_demo_profile_in_a_gateways_extra_values_is_reported_on_that_gateway() -> None:
    text = PROD + "gateways:\n- {name: web, kind: ingress, extraValues: {profile: demo}}\n"
    assert found(prod_demo_profile, text) == [
        ("prod-demo-profile", "gateways[0].extraValues.profile", "error")]


def test_another_profile_in_extra_values_is_not_the_demo_profile() -> None:
    assert found(prod_demo_profile, PROD + "istiod: {extraValues: {profile: default}}\n") == []


def test_the_demo_profile_outside_production_is_not_judged() -> None:
    text = "environment: development\nistiod: {extraValues: {profile: demo}}\n"
    assert found(prod_demo_profile, text) == []


# --- prod-egress-allow-any ----------------------------------------------------------------

def test_allow_any_egress_in_production_is_a_warning() -> None:
    assert found(prod_egress, PROD + "mesh: {outboundTrafficPolicy: ALLOW_ANY}\n") == [
        ("prod-egress-allow-any", "mesh.outboundTrafficPolicy", "warning")]


def test_registry_only_egress_in_production_is_accepted() -> None:
    assert found(prod_egress, PROD + "mesh: {outboundTrafficPolicy: REGISTRY_ONLY}\n") == []


def test_allow_any_egress_outside_production_is_not_judged() -> None:
    assert found(prod_egress, "environment: staging\nmesh: {outboundTrafficPolicy: ALLOW_ANY}\n") == []


# --- prod-access-logs-everywhere ----------------------------------------------------------

def test_a_mesh_wide_access_log_file_in_production_is_a_warning() -> None:
    assert found(prod_access_logs, PROD + "mesh: {accessLog: {file: /dev/stdout}}\n") == [
        ("prod-access-logs-everywhere", "mesh.accessLog.file", "warning")]


def test_no_mesh_wide_access_log_in_production_is_accepted() -> None:
    assert found(prod_access_logs, PROD + "mesh: {accessLog: {file: ''}}\n") == []


# --- prod-no-resource-requests ------------------------------------------------------------

def test_istiod_without_resources_in_production_is_a_warning_on_its_resources() -> None:
    assert found(prod_resource_requests, PROD) == [
        ("prod-no-resource-requests", "istiod.resources", "warning")]


def test_istiod_with_limits_but_no_requests_still_gets_the_charts_defaults() -> None:
    text = PROD + "istiod: {resources: {limits: {cpu: '2', memory: 4Gi}}}\n"
    assert found(prod_resource_requests, text) == [
        ("prod-no-resource-requests", "istiod.resources", "warning")]


def test_a_chart_gateway_without_requests_is_reported_with_the_gateway_charts_defaults() -> None:
    text = PROD + ("istiod: {resources: {requests: {cpu: '1', memory: 2Gi}}}\n"
                   "gateways:\n- {name: web, kind: ingress}\n")
    [f] = prod_resource_requests(config_from(text))
    assert (f.rule, f.path, f.severity) == ("prod-no-resource-requests", "gateways[0].resources", "warning")
    assert f.message == ("sets no requests: the chart's defaults (100m CPU, 128Mi) apply, which "
                         "were not sized for this cluster")


def test_istiod_with_requests_in_production_is_accepted() -> None:
    text = PROD + "istiod: {resources: {requests: {cpu: '1', memory: 2Gi}}}\n"
    assert found(prod_resource_requests, text) == []


# --- prod-no-default-deny -----------------------------------------------------------------

def test_production_without_default_deny_is_a_warning() -> None:
    assert found(prod_default_deny, PROD + "authorization: {defaultDeny: false}\n") == [
        ("prod-no-default-deny", "authorization.defaultDeny", "warning")]


def test_production_with_default_deny_is_accepted() -> None:
    assert found(prod_default_deny, PROD + "authorization: {defaultDeny: true}\n") == []


# --- prod-self-signed-ca ------------------------------------------------------------------

def test_istiods_self_signed_ca_in_production_is_a_warning() -> None:
    assert found(prod_ca, PROD + "ca: {mode: istiod}\n") == [("prod-self-signed-ca", "ca.mode", "warning")]


def test_a_plugin_ca_in_production_is_accepted() -> None:
    assert found(prod_ca, PROD + "ca: {mode: plugin}\n") == []


def test_istiods_self_signed_ca_outside_production_is_not_judged() -> None:
    assert found(prod_ca, "environment: development\nca: {mode: istiod}\n") == []


# --- ingress-closed-by-default-deny -------------------------------------------------------

INGRESS = "gateways:\n- {name: public, kind: ingress}\n"


def test_an_ingress_gateway_under_default_deny_with_no_ingress_entry_is_closed() -> None:
    text = "authorization: {defaultDeny: true}\n" + INGRESS
    [f] = ingress_closed(config_from(text))
    assert (f.rule, f.path, f.severity) == ("ingress-closed-by-default-deny", "gateways[0]", "warning")
    assert f.fix == "add {gateway: public} to authorization.ingress"


def test_an_ingress_gateway_with_an_ingress_entry_is_open() -> None:
    text = "authorization:\n  defaultDeny: true\n  ingress: [{gateway: public}]\n" + INGRESS
    assert found(ingress_closed, text) == []


def test_an_ingress_gateway_without_default_deny_is_open() -> None:
    assert found(ingress_closed, "authorization: {defaultDeny: false}\n" + INGRESS) == []


def test_an_egress_gateway_under_default_deny_needs_no_ingress_entry() -> None:
    text = "authorization: {defaultDeny: true}\ngateways:\n- {name: out, kind: egress}\n"
    assert found(ingress_closed, text) == []


# --- sidecar-scope-hides-allowed-call -----------------------------------------------------

SCOPED = """\
namespaces: [{name: shop}, {name: payments}]
authorization:
  defaultDeny: true
  allow:
  - name: charges-from-checkout
    namespace: payments
    from: {serviceAccounts: [shop/checkout]}
"""


def test_an_allowed_call_the_callers_sidecar_cannot_see_is_reported_on_the_rules_sources() -> None:
    [f] = sidecar_scope_hides_call(config_from(SCOPED + "sidecarScope: {enabled: true}\n"))
    assert (f.rule, f.path, f.severity) == (
        "sidecar-scope-hides-allowed-call", "authorization.allow[0].from", "warning")
    assert f.fix == "add 'payments/*' to sidecarScope.namespaceHosts.shop"


def test_an_allowed_call_whose_callee_the_caller_imports_is_accepted() -> None:
    text = SCOPED + "sidecarScope:\n  enabled: true\n  namespaceHosts: {shop: ['payments/*']}\n"
    assert found(sidecar_scope_hides_call, text) == []


def test_without_sidecar_scoping_every_allowed_call_is_visible() -> None:
    assert found(sidecar_scope_hides_call, SCOPED + "sidecarScope: {enabled: false}\n") == []


# --- route-weights ------------------------------------------------------------------------

def virtual_service(routes: str) -> str:
    return ("extraResources:\n- apiVersion: networking.istio.io/v1\n  kind: VirtualService\n"
            "  metadata: {name: reviews, namespace: shop}\n  spec:\n    hosts: [reviews]\n"
            "    http:\n    - route:\n" + routes)


def test_route_weights_that_add_up_to_90_are_an_error_on_the_route() -> None:
    text = virtual_service("      - {destination: {host: reviews, subset: v1}, weight: 80}\n"
                           "      - {destination: {host: reviews, subset: v2}, weight: 10}\n")
    [f] = route_weights(config_from(text))
    assert (f.rule, f.path, f.severity) == ("route-weights", "extraResources[0].spec.http[0].route", "error")
    assert f.message == "weights add up to 90, not 100"


def test_route_weights_that_add_up_to_100_are_accepted() -> None:
    text = virtual_service("      - {destination: {host: reviews, subset: v1}, weight: 90}\n"
                           "      - {destination: {host: reviews, subset: v2}, weight: 10}\n")
    assert found(route_weights, text) == []


def test_one_destination_without_a_weight_takes_all_traffic() -> None:
    assert found(route_weights, virtual_service("      - {destination: {host: reviews}}\n")) == []


def test_one_destination_with_weight_50_takes_half_the_traffic_and_is_an_error() -> None:
    text = virtual_service("      - {destination: {host: reviews}, weight: 50}\n")
    assert found(route_weights, text) == [
        ("route-weights", "extraResources[0].spec.http[0].route", "error")]


# --- extra resource schemas ---------------------------------------------------------------

def resource(api_version: str, kind: str, spec: str) -> str:
    return (f"extraResources:\n- apiVersion: {api_version}\n  kind: {kind}\n"
            f"  metadata: {{name: reviews, namespace: shop}}\n  spec: {spec}\n")


def test_an_unknown_kind_is_an_error_on_the_kind() -> None:
    text = resource("networking.istio.io/v1", "VirtualServer", "{hosts: [reviews]}")
    assert found(extra_resource_schemas, text) == [("unknown-kind", "extraResources[0].kind", "error")]


def test_a_version_the_crd_does_not_serve_is_an_error_with_the_preferred_version_as_fix() -> None:
    [f] = extra_resource_schemas(config_from(resource("networking.istio.io/v2", "VirtualService",
                                                      "{hosts: [reviews]}")))
    assert (f.rule, f.path, f.severity) == ("unknown-version", "extraResources[0].apiVersion", "error")
    assert f.fix == "use apiVersion networking.istio.io/v1"


def test_an_older_served_version_is_a_warning() -> None:
    text = resource("networking.istio.io/v1beta1", "VirtualService", "{hosts: [reviews]}")
    assert found(extra_resource_schemas, text) == [
        ("old-api-version", "extraResources[0].apiVersion", "warning")]


def test_a_field_the_schema_does_not_have_is_an_error_on_its_parent() -> None:
    text = resource("networking.istio.io/v1", "VirtualService",
                    "{hosts: [reviews], http: [{route: [{destination: {host: reviews}}], retry: {attempts: 3}}]}")
    assert found(extra_resource_schemas, text) == [("crd-schema", "extraResources[0].spec.http[0]", "error")]


def test_an_empty_spec_is_a_warning() -> None:
    text = resource("security.istio.io/v1", "AuthorizationPolicy", "{}")
    assert found(extra_resource_schemas, text) == [("empty-value", "extraResources[0].spec", "warning")]


def test_a_resource_the_schema_accepts_is_accepted() -> None:
    text = resource("networking.istio.io/v1", "VirtualService",
                    "{hosts: [reviews], http: [{route: [{destination: {host: reviews}}], retries: {attempts: 3}}]}")
    assert found(extra_resource_schemas, text) == []


# --- unknown-chart-value ------------------------------------------------------------------

def test_a_misspelt_istiod_value_is_a_warning_with_the_nearest_key_as_hint() -> None:
    [f] = chart_values(config_from("istiod: {extraValues: {autoscaleMinimum: 3}}\n"))
    assert (f.rule, f.path, f.severity) == (
        "unknown-chart-value", "istiod.extraValues.autoscaleMinimum", "warning")
    assert f.message == ("is not a value of the istiod chart in Istio 1.30.3, so Helm ignores it "
                         "(did you mean 'autoscaleMin'?)")


def test_a_misspelt_gateway_value_is_reported_on_that_gateway() -> None:
    text = "gateways:\n- {name: web, kind: ingress, extraValues: {replicaCont: 3}}\n"
    assert found(chart_values, text) == [
        ("unknown-chart-value", "gateways[0].extraValues.replicaCont", "warning")]


def test_a_value_the_istiod_chart_reads_is_accepted() -> None:
    assert found(chart_values, "istiod: {extraValues: {autoscaleMin: 3}}\n") == []


# --- istio-version-unchecked --------------------------------------------------------------

def test_extra_values_for_a_release_with_no_vendored_data_are_a_warning_on_the_version() -> None:
    text = "istio: {version: 1.31.0}\nistiod: {extraValues: {env: {PILOT_ENABLE_STATUS: 'true'}}}\n"
    [f] = version_unchecked(config_from(text))
    assert (f.rule, f.path, f.severity) == ("istio-version-unchecked", "istio.version", "warning")
    assert f.message == ("is 1.31.0; extraResources and extraValues were checked against Istio "
                         "1.30.3")


def test_a_release_with_no_vendored_data_and_no_extra_values_has_nothing_unchecked() -> None:
    assert found(version_unchecked, "istio: {version: 1.31.0}\n") == []


def test_extra_values_for_the_vendored_release_are_checked() -> None:
    text = "istio: {version: 1.30.3}\nistiod: {extraValues: {env: {PILOT_ENABLE_STATUS: 'true'}}}\n"
    assert found(version_unchecked, text) == []


# --- legacy-tracing -----------------------------------------------------------------------

def test_mesh_tracing_enabled_is_legacy_tracing() -> None:
    text = "mesh:\n  tracing: {enabled: true, sampling: 1, zipkinAddress: 'zipkin.observability:9411'}\n"
    assert found(legacy_tracing, text) == [("legacy-tracing", "mesh.tracing.enabled", "warning")]


def test_legacy_tracing_keys_in_istiods_mesh_config_are_each_reported() -> None:
    text = ("istiod:\n  extraValues:\n    meshConfig:\n      enableTracing: true\n"
            "      defaultConfig: {tracing: {sampling: 1}}\n")
    assert found(legacy_tracing, text) == [
        ("legacy-tracing", "istiod.extraValues.meshConfig.enableTracing", "warning"),
        ("legacy-tracing", "istiod.extraValues.meshConfig.defaultConfig.tracing", "warning"),
    ]


def test_mesh_config_without_legacy_tracing_keys_is_accepted() -> None:
    text = "istiod:\n  extraValues:\n    meshConfig: {defaultConfig: {holdApplicationUntilProxyStarts: true}}\n"
    assert found(legacy_tracing, text) == []


# --- access-log-file-unused ---------------------------------------------------------------

def access_logging(providers: str) -> str:
    return ("mesh:\n  accessLog: {file: /dev/stdout}\n  extensionProviders:\n  - name: otel-logs\n"
            "    envoyOtelAls: {service: otel.observability.svc.cluster.local, port: 4317}\n"
            f"  telemetry:\n    accessLogging: {{providers: [{providers}]}}\n")


def test_an_access_log_file_that_the_telemetrys_providers_never_write_is_a_warning() -> None:
    assert found(access_log_file_unused, access_logging("otel-logs")) == [
        ("access-log-file-unused", "mesh.accessLog.file", "warning")]


def test_an_access_log_file_with_the_envoy_provider_named_is_written() -> None:
    assert found(access_log_file_unused, access_logging("otel-logs, envoy")) == []


def test_an_access_log_file_without_a_mesh_wide_telemetry_falls_back_to_mesh_config() -> None:
    assert found(access_log_file_unused, "mesh: {accessLog: {file: /dev/stdout}}\n") == []


# --- gateway-api-crds-skipped -------------------------------------------------------------

WAYPOINT = """\
istio: {profile: ambient}
cni: {enabled: true}
ztunnel: {enabled: true}
namespaces:
- {name: storefront, create: true, dataplane: ambient, waypoint: true}
"""


def test_skipped_gateway_api_crds_with_a_waypoint_are_a_warning_naming_it() -> None:
    [f] = gateway_api_crds_skipped(config_from(WAYPOINT + "gatewayApi: {crds: skip}\n"))
    assert (f.rule, f.path, f.severity) == ("gateway-api-crds-skipped", "gatewayApi.crds", "warning")
    assert f.message.startswith("is skip, but the waypoint of 'storefront' is a Gateway API object")


def test_gateway_api_crds_installed_automatically_are_accepted() -> None:
    assert found(gateway_api_crds_skipped, WAYPOINT + "gatewayApi: {crds: auto}\n") == []


def test_skipped_gateway_api_crds_with_no_gateway_api_object_are_accepted() -> None:
    assert found(gateway_api_crds_skipped, "gatewayApi: {crds: skip}\n") == []
