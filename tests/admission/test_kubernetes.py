"""Kubernetes' own rules for the names and labels the package sets
(istio_mesh.admission.kubernetes): a Service name is a DNS-1035 label, other
names DNS-1123 subdomains, a namespace a DNS-1123 label, label keys and values
their restricted forms; a gateway entry's name must leave its Service a
DNS-1035 label. This file checks each rule at its accepted boundary and one
step past it, and that each refusal names the config field."""

from __future__ import annotations

from typing import Any

from conftest import config_from
from istio_mesh.admission.kubernetes import name_problems, workload_name_problems
from istio_mesh.admission.origins import Origin

EXTRA = Origin(("extraResources", 2))
"""An entry whose object fields have no finer mapping: every line names it."""


def _object(kind: str, name: str, **metadata: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": kind, "metadata": {"name": name, **metadata}}


def _problems(manifest: dict[str, Any], origin: Origin = EXTRA) -> list[str]:
    return list(name_problems(manifest, origin))


CLUSTER = """
environment: development
connection: {mode: kubeconfig, context: dev}
"""


# -- name_problems ---------------------------------------------------------------


def test_a_well_formed_object_has_no_problems() -> None:
    manifest = _object("ConfigMap", "mesh.settings-1", namespace="istio-system",
                       labels={"app.kubernetes.io/name": "istio", "tier": ""})
    assert _problems(manifest) == []


def test_a_service_named_with_a_digit_first_is_refused_as_not_a_dns_1035_label() -> None:
    assert _problems(_object("Service", "1web")) == [
        "extraResources[2]: got '1web'; the Service it produces needs a DNS-1035 label: "
        "a lowercase letter first, then letters, digits and '-', at most 63"
    ]


def test_a_dotted_name_is_refused_for_a_service_but_accepted_for_a_configmap() -> None:
    assert len(_problems(_object("Service", "web.shop"))) == 1
    assert _problems(_object("ConfigMap", "web.shop")) == []


def test_a_service_name_of_63_characters_is_accepted_and_64_refused() -> None:
    assert _problems(_object("Service", "s" * 63)) == []
    assert _problems(_object("Service", "s" * 64)) == [
        f"extraResources[2]: got '{'s' * 64}'; the Service it produces needs a DNS-1035 label: "
        "a lowercase letter first, then letters, digits and '-', at most 63"
    ]


def test_an_uppercase_object_name_is_refused_as_not_a_dns_1123_subdomain() -> None:
    assert _problems(_object("ConfigMap", "Mesh")) == [
        "extraResources[2]: got 'Mesh'; the ConfigMap it produces needs a DNS-1123 subdomain "
        "as its name (lowercase letters, digits, '-' and '.', at most 253)"
    ]


def test_a_missing_name_is_refused_as_empty() -> None:
    manifest = {"kind": "Secret", "metadata": {}}
    assert _problems(manifest) == [
        "extraResources[2]: got ''; the Secret it produces needs a DNS-1123 subdomain "
        "as its name (lowercase letters, digits, '-' and '.', at most 253)"
    ]


def test_a_namespace_that_is_not_a_dns_label_is_refused() -> None:
    assert _problems(_object("ConfigMap", "ok", namespace="shop.eu")) == [
        "extraResources[2]: got 'shop.eu'; a namespace is a DNS-1123 label (at most 63 characters)"
    ]


def test_a_label_key_with_a_bad_prefix_is_refused_by_its_key() -> None:
    assert _problems(_object("ConfigMap", "ok", labels={"Example.com/app": "web"})) == [
        "extraResources[2]: label 'Example.com/app': the prefix before '/' must be a "
        "DNS-1123 subdomain of at most 253 characters"
    ]


def test_a_label_value_ending_in_a_dash_is_refused_by_its_key() -> None:
    assert _problems(_object("ConfigMap", "ok", labels={"app": "web-"})) == [
        "extraResources[2]: label 'app': a label value must be empty or at most 63 letters, "
        "digits, '-', '_' or '.', starting and ending with a letter or digit"
    ]


def test_a_label_value_of_63_characters_is_accepted_and_64_refused() -> None:
    assert _problems(_object("ConfigMap", "ok", labels={"app": "v" * 63})) == []
    assert len(_problems(_object("ConfigMap", "ok", labels={"app": "v" * 64}))) == 1


def test_a_field_that_maps_back_names_the_config_field_itself() -> None:
    origin = Origin(("gateways", 0), lambda path: ("name",) if path == ("metadata", "name") else None)
    assert _problems(_object("Gateway", "Web"), origin) == [
        "gateways[0].name: got 'Web'; the Gateway it produces needs a DNS-1123 subdomain "
        "as its name (lowercase letters, digits, '-' and '.', at most 253)"
    ]


def test_a_field_that_does_not_map_back_names_the_entry_and_the_object_field() -> None:
    origin = Origin(("gateways", 0), lambda path: None)
    lines = _problems(_object("ConfigMap", "ok", namespace="Bad"), origin)
    assert lines == ["gateways[0]: got 'Bad'; a namespace is a DNS-1123 label (at most 63 characters)"]


# -- workload_name_problems -------------------------------------------------------


def test_gateways_with_good_names_have_no_workload_problems() -> None:
    config = config_from(CLUSTER + """
gateways:
  - {name: istio-egressgateway, kind: egress}
  - {name: web, kind: ingress, api: gateway-api, listeners: [{name: http, port: 80}]}
""")
    assert list(workload_name_problems(config)) == []


def test_a_chart_gateway_named_with_a_digit_first_is_refused() -> None:
    config = config_from(CLUSTER + "gateways:\n  - {name: 1egress, kind: egress}\n")
    assert list(workload_name_problems(config)) == [
        "gateways[0].name: got '1egress'; the gateway chart names its Service after the release, "
        "'1egress', which must be a DNS-1035 label: a lowercase letter first, at most 63 characters"
    ]


def test_a_gateway_api_gateway_whose_service_name_reaches_64_characters_is_refused() -> None:
    def config(name: str) -> Any:
        return config_from(CLUSTER + f"""
gateways:
  - {{name: {name}, kind: ingress, api: gateway-api, listeners: [{{name: http, port: 80}}]}}
""")

    assert list(workload_name_problems(config("g" * 57))) == []
    assert list(workload_name_problems(config("g" * 58))) == [
        f"gateways[0].name: got '{'g' * 58}'; Istio names the gateway's Service <gateway>-istio, "
        f"'{'g' * 58}-istio', which must be a DNS-1035 label: a lowercase letter first, "
        "at most 63 characters"
    ]
