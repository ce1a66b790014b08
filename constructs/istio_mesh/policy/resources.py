"""Everything the policies stack generates from typed settings, and how each
object is identified in Kubernetes and addressed in Terraform."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from istio_mesh.config.models import MeshConfig
from istio_mesh.policy.authorization import allow_policies, default_deny
from istio_mesh.policy.egress import egress_manifests
from istio_mesh.policy.manifests import mtls_policies, peer_authentication
from istio_mesh.policy.multicluster import multicluster_manifests
from istio_mesh.policy.sidecars import sidecar_manifests

Identity = tuple[str, str, str, str]
"""(API group, kind, namespace, name): one object, whatever the API version."""


def identity(manifest: Mapping[str, Any]) -> Identity:
    """Which Kubernetes object a manifest is."""
    group = str(manifest["apiVersion"]).rpartition("/")[0]
    metadata = manifest["metadata"]
    return group, str(manifest["kind"]), str(metadata["namespace"]), str(metadata["name"])


def resource_address(manifest: Mapping[str, Any], *, prefix: str = "") -> str:
    """A stable Terraform resource name: ``<prefix><kind>_<namespace>_<name>``,
    e.g. ``authorization_policy_shop_allow-web``. Kind, namespace and name make
    it unique; '.' (allowed in object names, not in Terraform names) becomes '_',
    which object names never contain."""
    _, kind, namespace, name = identity(manifest)
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", kind).lower()
    return f"{prefix}{snake}_{namespace}_{name}".replace(".", "_")


def generated_manifests(config: MeshConfig) -> list[dict[str, Any]]:
    """Every Istio object the typed settings produce (extraResources excluded)."""
    out = [peer_authentication("default", ns, mode) for ns, mode in mtls_policies(config)]
    out += allow_policies(config)
    if config.authorization.default_deny:
        out.append(default_deny(config))
    out += egress_manifests(config)
    out += sidecar_manifests(config)
    out += multicluster_manifests(config)
    return out
