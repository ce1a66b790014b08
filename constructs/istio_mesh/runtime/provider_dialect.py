"""Where the two toolchains' providers want different output, in one place.

cdktf 0.21 binds hashicorp/helm 3.1.1 and hashicorp/kubernetes 2.38.0; CDK
Terrain's bindings (``cdktn-provider-helm`` 15.1, ``cdktn-provider-kubernetes``
17.1) bind helm 3.3.0 and kubernetes 3.4.0. For everything this package
emits (``helm_release`` and its provider block with ``kubernetes.exec``,
``kubernetes_manifest``, ``kubernetes_labels``, ``kubernetes_annotations``,
``kubernetes_secret_v1`` with ``data_wo``, the kubernetes provider with
``exec``) the arguments and their JSON are the same, with two exceptions,
both handled here (docs/toolchain.md lists what was checked):

- ``kubernetes_namespace_v1``: the 3.4.0 binding takes ``metadata`` as a
  list of ``NamespaceV1Metadata`` (and writes a JSON array), where the 2.38.0
  binding took one struct (a JSON object). The provider's schema is a single
  ``metadata`` block either way (a list of at most one in its source up to
  3.2.1), and Terraform's JSON syntax reads a block from an object or an
  array, so only the brackets differ.
- The provider requirement: cdktf's bindings pin the exact version they were
  generated from (``3.1.1``, ``2.38.0``: each package's generator metadata,
  ``providerVersion``). On CDK Terrain the stacks ask for the patch releases
  of the version the bindings were generated from (helm 3.3.0, kubernetes
  3.4.0): ``~> 3.3.0`` is ``>= 3.3.0, < 3.4.0`` and ``~> 3.4.0`` is
  ``>= 3.4.0, < 3.5.0``. Patch releases keep the schema the bindings were
  generated from; a new minor version can add or change arguments, and
  nothing here has checked the JSON against it, so ``terraform init
  -upgrade`` must not take one. A new binding release moves these with it
  (tests/runtime/test_toolchain.py reads the bound version from the packages).

One difference is CDK Terrain's, not a provider's: cdktn checks at synthesis
that every feature used is supported by the Terraform versions the project
targets (``targetVersions`` context, default ``terraform >=1.5.7``), and
write-only attributes (``data_wo``) need 1.11. The stacks already require
``>= 1.11`` where they use them; :func:`app_context` declares the same
target to cdktn.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from istio_mesh.runtime.terraform import (
    TOOLCHAIN,
    Construct,
    NamespaceV1,
    NamespaceV1Metadata,
    TerraformProvider,
    TerraformStack,
)


@dataclass(frozen=True)
class ProviderDialect:
    """What one toolchain's provider bindings need that the other's do not."""

    # Provider name ("helm", "kubernetes") -> version constraint written to
    # required_providers; a provider not named keeps its binding's own.
    version_constraints: Mapping[str, str] = field(default_factory=dict)
    # The kubernetes_namespace_v1 binding takes `metadata` as a list (3.4.0's).
    namespace_metadata_is_list: bool = False
    # Context the App is created with.
    app_context: Mapping[str, Any] = field(default_factory=dict)


DIALECTS: dict[str, ProviderDialect] = {
    "cdktf": ProviderDialect(),
    "cdktn": ProviderDialect(
        version_constraints={"helm": "~> 3.3.0", "kubernetes": "~> 3.4.0"},
        namespace_metadata_is_list=True,
        # Terraform 1.11 brought write-only attributes and ephemeral values;
        # OpenTofu has them from 1.11 too.
        app_context={"targetVersions": {"terraform": ">=1.11.0", "opentofu": ">=1.11.0"}},
    ),
}

DIALECT = DIALECTS[TOOLCHAIN]


def app_context() -> dict[str, Any]:
    """Context for the App: what this toolchain must be told about the project."""
    return copy.deepcopy(dict(DIALECT.app_context))


def require_provider_version(provider: TerraformProvider, name: str) -> None:
    """Write this toolchain's version constraint for ``name`` into the
    provider's stack (``terraform.required_providers``), if it has one."""
    constraint = DIALECT.version_constraints.get(name)
    if constraint is not None:
        TerraformStack.of(provider).add_override(
            f"terraform.required_providers.{name}.version", constraint
        )


def namespace_v1(
    scope: Construct,
    construct_id: str,
    *,
    name: str,
    labels: Mapping[str, str],
    provider: TerraformProvider | None = None,
) -> NamespaceV1:
    """A ``kubernetes_namespace_v1`` with its metadata in the shape the bound
    provider version takes."""
    metadata = NamespaceV1Metadata(name=name, labels=dict(labels))
    if DIALECT.namespace_metadata_is_list:
        # mypy reads the cdktf 0.21 binding, whose `metadata` is one struct.
        return NamespaceV1(scope, construct_id, metadata=cast(Any, [metadata]), provider=provider)
    return NamespaceV1(scope, construct_id, metadata=metadata, provider=provider)
