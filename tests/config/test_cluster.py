"""Config models: defaults, documentation and immutability."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from conftest import config_from
from istio_mesh.config.base import models_in
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.mesh_settings import OutboundTrafficPolicy
from istio_mesh.config.namespaces import MtlsMode


def _models(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[type[BaseModel]]:
    seen = seen if seen is not None else set()
    if model not in seen:
        seen.add(model)
        for field in model.model_fields.values():
            for sub in models_in(field.annotation):
                _models(sub, seen)
    return seen


def test_every_field_is_described() -> None:
    undocumented = [
        f"{model.__name__}.{name}"
        for model in _models(MeshConfig)
        for name, field in model.model_fields.items()
        if not (field.description or "").strip()
    ]
    assert undocumented == []


def test_every_model_is_frozen_and_rejects_unknown_keys() -> None:
    for model in _models(MeshConfig):
        assert model.model_config.get("frozen") is True, model.__name__
        assert model.model_config.get("extra") == "forbid", model.__name__


def test_an_empty_mapping_is_a_valid_config_with_safe_defaults() -> None:
    config = config_from("{}")
    assert config.istio.version == "1.30.3"
    assert config.istio_namespace == "istio-system"
    assert config.istiod.replicas == 1
    assert config.gateways == ()
    assert config.cni.enabled is False
    assert config.mtls.mode is MtlsMode.PERMISSIVE
    assert config.mesh.outbound_traffic_policy is OutboundTrafficPolicy.ALLOW_ANY
    assert config.connection.mode == "kubeconfig"
    assert config.helm.timeout_seconds == 600 and config.helm.max_history == 10


def test_config_cannot_be_changed_after_validation() -> None:
    config = config_from("istiod: {replicas: 3}")
    with pytest.raises(ValidationError):
        config.istiod.replicas = 1  # type: ignore[misc]


def test_yaml_keys_are_camel_case_and_python_names_snake_case() -> None:
    config = config_from("mesh: {holdApplicationUntilProxyStarts: true}")
    assert config.mesh.hold_application_until_proxy_starts is True


def test_gateway_defaults_follow_its_kind() -> None:
    config = config_from(
        "gateways: [{name: in, kind: ingress}, {name: out, kind: egress}]"
    )
    ingress, egress = config.gateways
    assert (ingress.resolved_namespace, ingress.service_type) == ("istio-ingress", "LoadBalancer")
    assert (egress.resolved_namespace, egress.service_type) == ("istio-egress", "ClusterIP")


def test_numeric_quantities_are_kept_as_strings() -> None:
    config = config_from("istiod: {resources: {requests: {cpu: 2, memory: 1Gi}}}")
    assert config.istiod.resources is not None
    assert config.istiod.resources.requests.cpu == "2"


def test_connection_mode_defaults_to_kubeconfig() -> None:
    config = config_from("connection: {context: prod}")
    assert config.connection.mode == "kubeconfig"
    assert config.connection.context == "prod"  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["dev", "staging", "prod"])
def test_shipped_configs_load(name: str, all_configs: dict[str, MeshConfig]) -> None:
    assert name in all_configs


def test_shipped_environments_say_what_the_issue_asks(all_configs: dict[str, MeshConfig]) -> None:
    dev, staging, prod = all_configs["dev"], all_configs["staging"], all_configs["prod"]
    assert dev.gateways == ()
    assert dev.istiod.resources and dev.istiod.resources.requests.to_values() == {
        "cpu": "100m", "memory": "256Mi"}

    assert staging.istiod.replicas == 1
    assert staging.istiod.resources and staging.istiod.resources.requests.to_values() == {
        "cpu": "500m", "memory": "1Gi"}
    assert [(g.kind, g.replicas) for g in staging.gateways] == [("ingress", 1)]
    assert staging.mesh.access_log.file == "/dev/stdout"

    assert prod.istiod.replicas == 3
    assert prod.istiod.resources and prod.istiod.resources.requests.to_values() == {
        "cpu": "1000m", "memory": "2Gi"}
    ingress = [g for g in prod.gateways if g.kind == "ingress"]
    assert [(g.replicas, g.resources and g.resources.requests.to_values()) for g in ingress] == [
        (2, {"cpu": "500m", "memory": "256Mi"})]
    assert any(g.kind == "egress" for g in prod.gateways)
    assert prod.mtls.mode is MtlsMode.STRICT
    assert prod.mesh.outbound_traffic_policy is OutboundTrafficPolicy.REGISTRY_ONLY
    assert prod.mesh.hold_application_until_proxy_starts is True
    assert prod.cni.enabled is True
    assert len([n for n in prod.namespaces if n.injection]) >= 2
