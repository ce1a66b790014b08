"""The CRDs the generated objects belong to (istio_mesh.apirules.crds):
Istio's from the shipped release data, Gateway API's from the shipped chart's
files per channel, Argo CD's Application from its shipped schema. This file
checks which (apiVersion, kind) each serves, with whose name, scope and CEL
rules, and that an unserved version or an unknown kind gets no schema."""

from __future__ import annotations

import pytest

from istio_mesh.apirules.crds import istio_data, served_schema

ISTIO = "1.30.3"


def test_istios_data_names_its_release_and_holds_its_fifteen_crds() -> None:
    data = istio_data(ISTIO)
    assert data["istioVersion"] == ISTIO
    assert len(data["crds"]) == 15
    assert "networking.istio.io/ServiceEntry" in data["crds"]


def test_istio_data_of_a_release_the_package_does_not_ship_is_not_found() -> None:
    with pytest.raises(FileNotFoundError):
        istio_data("0.0.1")


def test_an_istio_kind_is_served_by_istios_crd_with_its_cel_rules() -> None:
    served = served_schema("networking.istio.io/v1", "ServiceEntry", istio_version=ISTIO)
    assert served is not None
    assert served.source == "Istio 1.30.3"
    assert served.namespaced is True
    assert len(served.rules) == 15
    assert "spec" in served.schema["properties"]


def test_an_older_served_istio_version_gets_the_same_schema() -> None:
    v1 = served_schema("networking.istio.io/v1", "ServiceEntry", istio_version=ISTIO)
    alpha = served_schema("networking.istio.io/v1alpha3", "ServiceEntry", istio_version=ISTIO)
    assert v1 is not None and alpha is not None
    assert alpha.schema == v1.schema


def test_an_istio_version_the_crd_does_not_serve_gets_no_schema() -> None:
    assert served_schema("networking.istio.io/v7", "ServiceEntry", istio_version=ISTIO) is None


@pytest.mark.parametrize(("api_version", "kind"), [
    pytest.param("v1", "Service", id="built-in-kind"),
    pytest.param("monitoring.coreos.com/v1", "PodMonitor", id="crd-the-cluster-brings"),
])
def test_a_kind_no_shipped_crd_serves_gets_no_schema(api_version: str, kind: str) -> None:
    assert served_schema(api_version, kind, istio_version=ISTIO) is None


def test_a_gateway_api_kind_is_served_by_the_channel_named_in_the_source() -> None:
    served = served_schema("gateway.networking.k8s.io/v1", "HTTPRoute", istio_version=ISTIO)
    assert served is not None
    assert served.source == "Gateway API (standard channel)"
    assert served.namespaced is True
    assert served.rules


def test_a_cluster_scoped_gateway_api_kind_is_not_namespaced() -> None:
    served = served_schema("gateway.networking.k8s.io/v1", "GatewayClass", istio_version=ISTIO)
    assert served is not None
    assert served.namespaced is False


def test_an_experimental_gateway_api_kind_is_served_only_on_the_experimental_channel() -> None:
    assert served_schema("gateway.networking.k8s.io/v1alpha2", "TCPRoute", istio_version=ISTIO,
                         channel="standard") is None
    served = served_schema("gateway.networking.k8s.io/v1alpha2", "TCPRoute", istio_version=ISTIO,
                           channel="experimental")
    assert served is not None
    assert served.source == "Gateway API (experimental channel)"


def test_a_gateway_api_version_the_crd_does_not_serve_gets_no_schema() -> None:
    assert served_schema("gateway.networking.k8s.io/v9", "Gateway", istio_version=ISTIO) is None


def test_an_argo_cd_application_is_served_by_argo_cds_schema_without_cel_rules() -> None:
    served = served_schema("argoproj.io/v1alpha1", "Application", istio_version=ISTIO)
    assert served is not None
    assert served.source == "Argo CD"
    assert served.rules == ()
    assert served.namespaced is True
    assert "spec" in served.schema["properties"]


def test_an_argo_cd_application_of_another_version_gets_no_schema() -> None:
    assert served_schema("argoproj.io/v1beta1", "Application", istio_version=ISTIO) is None
