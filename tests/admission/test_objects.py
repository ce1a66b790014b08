"""Each planned object against its CRD (istio_mesh.admission.objects): the
schema (unknown fields count), then the CEL rules after defaulting, each
problem named by the config field and value behind it. This file checks
crd_problems, value_at and refusals on hand-written ServiceEntries and a
built-in kind, against the shipped Istio 1.30.3 CRDs."""

from __future__ import annotations

from typing import Any

from istio_mesh.admission.objects import crd_problems, refusals, value_at
from istio_mesh.admission.origins import Origin

ISTIO = "1.30.3"


def _service_entry(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "networking.istio.io/v1", "kind": "ServiceEntry",
            "metadata": {"name": "db", "namespace": "shop"},
            "spec": {"hosts": ["db.example.com"],
                     "ports": [{"number": 5432, "name": "tcp", "protocol": "TCP"}], **spec}}


def _refusals(manifest: dict[str, Any], origin: Origin, **kwargs: Any) -> list[str]:
    return list(refusals(manifest, origin, istio_version=ISTIO, channel="standard", **kwargs))


# -- crd_problems -------------------------------------------------------------------


def test_a_valid_istio_object_has_no_problems_and_names_its_crd() -> None:
    assert crd_problems(_service_entry(), istio_version=ISTIO, channel="standard") == ("Istio 1.30.3", [])


def test_a_built_in_kind_is_not_checked() -> None:
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"}, "bogus": 1}
    assert crd_problems(service, istio_version=ISTIO, channel="standard") == ("", [])


def test_an_unknown_field_is_a_schema_problem() -> None:
    assert crd_problems(_service_entry(hostz=["x"]), istio_version=ISTIO, channel="standard") == (
        "Istio 1.30.3", [(("spec",), "unknown field 'hostz' (the API server would drop it silently)")])


def test_a_cel_rule_is_checked_after_defaulting() -> None:
    # workloadSelector and endpoints exclude each other; resolution defaults
    # to NONE, which may not set endpoints either.
    manifest = _service_entry(workloadSelector={"labels": {"app": "db"}}, endpoints=[{"address": "10.0.0.1"}])
    assert crd_problems(manifest, istio_version=ISTIO, channel="standard") == ("Istio 1.30.3", [
        (("spec",), "only one of WorkloadSelector or Endpoints can be set"),
        (("spec",), "NONE mode cannot set endpoints"),
    ])


def test_cel_rules_are_not_evaluated_while_the_schema_is_broken() -> None:
    manifest = _service_entry(workloadSelector={"labels": {"app": "db"}}, endpoints=[{"address": "10.0.0.1"}],
                              hostz=1)
    _, found = crd_problems(manifest, istio_version=ISTIO, channel="standard")
    assert found == [(("spec",), "unknown field 'hostz' (the API server would drop it silently)")]


# -- value_at --------------------------------------------------------------------------


def test_value_at_follows_keys_and_list_indexes() -> None:
    assert value_at({"a": [{"b": 1}, {"b": 2}]}, ("a", 1, "b")) == 2


def test_value_at_the_empty_path_is_the_whole_object() -> None:
    assert value_at({"a": 1}, ()) == {"a": 1}


def test_value_at_a_path_that_is_not_there_is_none() -> None:
    assert value_at({"a": [{"b": 1}]}, ("a", 1, "b")) is None
    assert value_at({"a": [1]}, ("a", "0")) is None
    assert value_at({"a": [1]}, ("a", -1)) is None
    assert value_at({"a": "text"}, ("a", "b")) is None


# -- refusals -------------------------------------------------------------------------


def test_an_admitted_object_has_no_refusals() -> None:
    assert _refusals(_service_entry(), Origin(("egress",))) == []


def test_a_refusal_without_a_mapped_field_names_the_entry_the_object_field_and_its_value() -> None:
    manifest = _service_entry(ports=[{"number": 70000, "name": "tcp", "protocol": "TCP"}])
    assert _refusals(manifest, Origin(("egress",))) == [
        "egress: got 70000; the ServiceEntry it produces at spec.ports[0].number breaks the "
        "Istio 1.30.3 CRD: port must be between 1-65535"
    ]


def test_a_refusal_on_a_whole_object_shows_no_value() -> None:
    assert _refusals(_service_entry(hostz=1), Origin(("extraResources", 3))) == [
        "extraResources[3]: the ServiceEntry it produces at spec breaks the Istio 1.30.3 CRD: "
        "unknown field 'hostz' (the API server would drop it silently)"
    ]


def test_a_list_value_is_shown_by_its_length() -> None:
    lines = _refusals(_service_entry(hosts=[]), Origin(("egress",)))
    assert lines and all(line.startswith("egress: got 0 items; the ServiceEntry it produces at spec.hosts ")
                         for line in lines), lines


def test_a_mapped_field_shows_the_value_as_the_config_spells_it() -> None:
    manifest = _service_entry(ports=[{"number": 70000, "name": "tcp", "protocol": "TCP"}])
    origin = Origin(("egress", "hosts", 0),
                    lambda path: ("port",) if path == ("spec", "ports", 0, "number") else None)
    config = {"egress": {"hosts": [{"port": "70k"}]}}
    assert _refusals(manifest, origin, config=lambda: config) == [
        "egress.hosts[0].port: got '70k'; the ServiceEntry it produces breaks the Istio 1.30.3 CRD: "
        "port must be between 1-65535"
    ]


def test_a_mapped_field_missing_from_the_config_falls_back_to_the_objects_value() -> None:
    manifest = _service_entry(ports=[{"number": 0, "name": "tcp", "protocol": "TCP"}])
    origin = Origin(("egress",), lambda path: ("port",) if path[-1:] == ("number",) else None)
    assert _refusals(manifest, origin, config=lambda: {}) == [
        "egress.port: got 0; the ServiceEntry it produces breaks the Istio 1.30.3 CRD: "
        "port must be between 1-65535"
    ]
