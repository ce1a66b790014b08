"""The one way this project renders a Helm release: :class:`IstioChart`.

Every release waits for its workloads, has a bounded timeout, cleans up after
itself when it fails and keeps a bounded history (the plan item carries the
numbers; :mod:`istio_mesh.plan.mesh` sets them the same way for every
release). A test checks every release in every synthesized stack anyway.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from istio_mesh.components.upstream import remember_address, require_upstream
from istio_mesh.plan.items import HelmReleaseItem
from istio_mesh.terraform import (
    Construct,
    HelmRelease,
    ITerraformDependable,
    TerraformProvider,
    TerraformResourceLifecycle,
)


def values_json(values: Mapping[str, Any]) -> str:
    """Chart values as JSON text: valid YAML, escapes every string, keeps nulls in
    lists, and sorted keys keep synthesis byte-identical across runs."""
    return json.dumps(values, sort_keys=True, separators=(",", ":"))


class IstioChart(Construct):
    """One ``helm_release`` of an Istio chart, from its plan item.

    ``after`` are the upstream resources the release waits for (the objects
    behind the item's ``after`` addresses); ``provider`` an aliased Helm
    provider, else the stack's default one.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        release: HelmReleaseItem,
        after: Sequence[ITerraformDependable] = (),
        provider: TerraformProvider | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        require_upstream(f"release {release.name!r}", release.after, after)
        self.item = release
        self.release = HelmRelease(
            self,
            "release",
            name=release.name,
            chart=release.chart,
            repository=release.repository,
            version=release.version,
            namespace=release.namespace,
            create_namespace=True,
            values=[values_json(release.values)],
            wait=release.wait,
            wait_for_jobs=release.wait,
            timeout=release.timeout_seconds,
            atomic=release.atomic,
            cleanup_on_fail=True,
            max_history=release.max_history,
            depends_on=list(after) or None,
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True) if release.prevent_destroy else None,
            provider=provider,
        )
        # Terraform addresses are part of the public contract (renaming one
        # moves state), so they are the release names, not cdktf's path hashes.
        self.release.override_logical_id(release.name)
        remember_address(self.release, release.address)

    @property
    def resource(self) -> HelmRelease:
        """What downstream objects wait for."""
        return self.release
