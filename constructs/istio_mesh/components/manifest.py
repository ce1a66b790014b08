"""The one way this project applies an Istio object: ``kubernetes_manifest``
addressed by kind, namespace and name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from istio_mesh.components.namespaces import MeshNamespace
from istio_mesh.policy.resources import resource_address
from istio_mesh.terraform import Construct, ITerraformDependable, KubernetesManifest


def istio_manifest(
    scope: Construct,
    manifest: Mapping[str, Any],
    *,
    namespaces: Mapping[str, MeshNamespace],
    depends_on: Sequence[ITerraformDependable] = (),
    prefix: str = "",
) -> KubernetesManifest:
    """A ``kubernetes_manifest`` for ``manifest``.

    The Terraform address (``authorization_policy_shop_allow-web``) is derived
    from the object, so adding or reordering config entries moves no other
    resource's state. An object in a namespace this stack onboards waits for
    that namespace.
    """
    address = resource_address(manifest, prefix=prefix)
    onboarded = namespaces.get(manifest["metadata"]["namespace"])
    upstream = [*depends_on, *([onboarded.resource] if onboarded else [])]
    resource = KubernetesManifest(scope, address, manifest=dict(manifest), depends_on=upstream or None)
    resource.override_logical_id(address)
    return resource
