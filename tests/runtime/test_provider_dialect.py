"""Where the two toolchains' providers want different output
(istio_mesh.runtime.provider_dialect): the provider version constraints, the
shape of a namespace's ``metadata`` and the App context. This file checks
both dialects' settings as written, and what the active toolchain's stack
renders for a namespace and a provider requirement."""

from __future__ import annotations

from typing import Any

from conftest import fresh_stack, synth_stack
from istio_mesh.runtime.provider_dialect import DIALECT, DIALECTS, ProviderDialect, app_context
from istio_mesh.runtime.toolchain import TOOLCHAIN

BOUND_KUBERNETES = {"cdktf": "2.38.0", "cdktn": "~> 3.4.0"}
"""The kubernetes provider version each toolchain's stacks ask for."""


def _namespace_stack(labels: dict[str, str]) -> dict[str, Any]:
    from istio_mesh.runtime.provider_dialect import namespace_v1, require_provider_version
    from istio_mesh.runtime.terraform import KubernetesProvider

    stack = fresh_stack()
    provider = KubernetesProvider(stack, "k8s", alias="target", config_path="~/.kube/config")
    require_provider_version(provider, "kubernetes")
    namespace_v1(stack, "shop", name="shop", labels=labels, provider=provider)
    return synth_stack(stack)


def test_cdktf_needs_nothing_of_its_own() -> None:
    assert DIALECTS["cdktf"] == ProviderDialect({}, False, {})


def test_cdk_terrain_pins_patch_releases_lists_namespace_metadata_and_targets_terraform_1_11() -> None:
    assert DIALECTS["cdktn"] == ProviderDialect(
        version_constraints={"helm": "~> 3.3.0", "kubernetes": "~> 3.4.0"},
        namespace_metadata_is_list=True,
        app_context={"targetVersions": {"terraform": ">=1.11.0", "opentofu": ">=1.11.0"}},
    )


def test_the_dialect_in_use_is_the_chosen_toolchains() -> None:
    assert DIALECT is DIALECTS[TOOLCHAIN]


def test_app_context_is_a_copy_a_caller_cannot_change_the_dialect_through() -> None:
    context = app_context()
    context["targetVersions"] = {"terraform": ">=0.1"}
    assert app_context() == {"cdktf": {}, "cdktn": {
        "targetVersions": {"terraform": ">=1.11.0", "opentofu": ">=1.11.0"}}}[TOOLCHAIN]


def test_a_namespace_renders_its_metadata_in_the_shape_the_bound_provider_takes() -> None:
    metadata = {"name": "shop", "labels": {"istio-injection": "enabled"}}
    shape = {"cdktf": metadata, "cdktn": [metadata]}[TOOLCHAIN]
    assert _namespace_stack({"istio-injection": "enabled"})["resource"] == {
        "kubernetes_namespace_v1": {"shop": {"metadata": shape, "provider": "kubernetes.target"}}}


def test_a_namespace_without_labels_renders_an_empty_label_map() -> None:
    namespace = _namespace_stack({})["resource"]["kubernetes_namespace_v1"]["shop"]
    metadata = namespace["metadata"] if isinstance(namespace["metadata"], dict) else namespace["metadata"][0]
    assert metadata == {"name": "shop", "labels": {}}


def test_the_provider_requirement_is_the_toolchains_version_for_the_provider() -> None:
    required = _namespace_stack({})["terraform"]["required_providers"]
    assert required["kubernetes"]["version"] == BOUND_KUBERNETES[TOOLCHAIN]


def test_a_provider_without_a_dialect_constraint_keeps_its_bindings_version() -> None:
    from istio_mesh.runtime.provider_dialect import require_provider_version
    from istio_mesh.runtime.terraform import KubernetesProvider

    stack = fresh_stack()
    provider = KubernetesProvider(stack, "k8s", config_path="~/.kube/config")
    require_provider_version(provider, "not-a-provider")
    version = synth_stack(stack)["terraform"]["required_providers"]["kubernetes"]["version"]
    assert version == {"cdktf": "2.38.0", "cdktn": "3.4.0"}[TOOLCHAIN]
