"""The config names the Istio objects the policies plan generates, without
building them (istio_mesh.config.objects), so that it can refuse an extra
resource that would be their second owner without importing the builders.
The two must agree on every config, or a collision would slip through."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from config_fuzz import near_valid_texts
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.loader import parse_config
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.config.objects import generated_identities, identity, resource_address
from istio_mesh.plan import policies_plan


def built(config: MeshConfig) -> list[tuple[str, str, str, str]]:
    """Every Istio object (``*.istio.io``) the plan generates from typed
    settings: extraResources and the Gateway API waypoints left out."""
    plan = policies_plan(config)
    generated = [item.manifest for item in plan.manifests if item not in plan.extra_resources]
    return [identity(m) for m in generated if identity(m)[0].endswith(".istio.io")]


def test_every_shipped_config_and_fixture_names_what_the_builders_build(
    all_configs: dict[str, MeshConfig],
) -> None:
    for name, config in all_configs.items():
        assert generated_identities(config) == built(config), name


def test_the_configs_generate_objects_of_every_kind(all_configs: dict[str, MeshConfig]) -> None:
    # The check above means something only if the configs reach every builder.
    kinds = {kind for config in all_configs.values() for _, kind, _, _ in built(config)}
    assert kinds == {
        "AuthorizationPolicy", "DestinationRule", "Gateway", "PeerAuthentication",
        "ServiceEntry", "Sidecar", "Telemetry", "VirtualService",
    }


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(near_valid_texts())
def test_generated_configs_name_what_the_builders_build(text: str) -> None:
    try:
        config = parse_config(text, "fuzz.yaml")
    except ConfigError:
        return
    assert generated_identities(config) == built(config)


def test_an_extra_resource_that_a_setting_generates_is_refused() -> None:
    text = """
authorization: {defaultDeny: true}
extraResources:
  - apiVersion: security.istio.io/v1beta1
    kind: AuthorizationPolicy
    metadata: {name: allow-nothing, namespace: istio-system}
    spec: {}
"""
    try:
        parse_config(text, "config/prod.yaml")
    except ConfigError as exc:
        assert str(exc) == (
            "config/prod.yaml: extraResources[0].metadata.name: AuthorizationPolicy "
            "istio-system/allow-nothing is also generated from this config's typed settings; "
            "rename it or change the setting instead"
        )
    else:
        raise AssertionError("the collision was accepted")


def test_terraform_addresses_name_kind_namespace_and_name() -> None:
    manifest = {"apiVersion": "networking.istio.io/v1", "kind": "ServiceEntry",
                "metadata": {"name": "api.example.com", "namespace": "istio-system"}}
    assert resource_address(manifest, prefix="egress_") == (
        "egress_service_entry_istio-system_api_example_com"
    )
