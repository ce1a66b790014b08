"""The one way this project creates a Helm release.

Every release waits for its workloads, has a bounded timeout, cleans up after
itself when it fails and keeps a bounded history. Putting those settings in
one function means a new component cannot forget them; a test checks every
release in every synthesized stack anyway.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from istio_mesh.config.models import MeshConfig
from istio_mesh.terraform import (
    Construct,
    HelmRelease,
    ITerraformDependable,
    TerraformResourceLifecycle,
)


def values_json(values: Mapping[str, Any]) -> str:
    """Chart values as JSON text: valid YAML, escapes every string, keeps nulls in
    lists, and sorted keys keep synthesis byte-identical across runs."""
    return json.dumps(values, sort_keys=True, separators=(",", ":"))


def istio_release(
    scope: Construct,
    construct_id: str,
    *,
    config: MeshConfig,
    chart: str,
    name: str,
    namespace: str,
    values: Mapping[str, Any],
    depends_on: Sequence[ITerraformDependable] = (),
    wait: bool = True,
    version: str | None = None,
    prevent_destroy: bool = False,
) -> HelmRelease:
    """A release of one of Istio's charts at the config's pinned version, or
    at ``version`` for what follows one istiod revision.

    ``wait=False`` is only for a gateway whose LoadBalancer address arrives
    late (Helm 3 waits for it); everything else is waited for.
    ``prevent_destroy`` makes Terraform refuse any plan that destroys or
    replaces the release.
    """
    helm = config.helm
    release = HelmRelease(
        scope,
        construct_id,
        name=name,
        chart=chart,
        repository=config.istio.chart_repository,
        version=version or config.istio.version,
        namespace=namespace,
        create_namespace=True,
        values=[values_json(values)],
        wait=wait,
        wait_for_jobs=wait,
        timeout=helm.timeout_seconds,
        atomic=helm.atomic and wait,
        cleanup_on_fail=True,
        max_history=helm.max_history,
        depends_on=list(depends_on) or None,
        lifecycle=TerraformResourceLifecycle(prevent_destroy=True) if prevent_destroy else None,
    )
    # Terraform addresses are part of the public contract (renaming one moves
    # state), so they are the release names, not cdktf's path hashes.
    release.override_logical_id(name)
    return release
