"""The one way this project renders a Helm release: :class:`IstioChart`.

Every release waits for its workloads, has a bounded timeout, cleans up after
itself when it fails and keeps a bounded history (the plan item carries the
numbers; :mod:`istio_mesh.plan.mesh` sets them the same way for every
release). A test checks every release in every synthesized stack anyway.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from istio_mesh.components.errors import ConstructError
from istio_mesh.components.upstream import remember_address, require_upstream
from istio_mesh.plan.items import HelmReleaseItem
from istio_mesh.runtime.terraform import (
    AssetType,
    Construct,
    HelmRelease,
    ITerraformDependable,
    TerraformAsset,
    TerraformProvider,
    TerraformResourceLifecycle,
)


def packaged_chart_directory(chart: str, scope: Construct) -> str:
    """Where a chart this package ships lives on disk (``istio_mesh/charts/<chart>``);
    ``scope`` is the construct that needs it, named when there is no such chart."""
    folder = resources.files("istio_mesh") / "charts" / chart
    if not folder.is_dir():
        raise ConstructError(f"no chart {chart!r} ships with istio_mesh (looked in {folder})", scope)
    return str(folder)


def values_json(values: Mapping[str, Any]) -> str:
    """Chart values as JSON text: valid YAML, escapes every string, keeps nulls in
    lists, and sorted keys keep synthesis byte-identical across runs."""
    return json.dumps(values, sort_keys=True, separators=(",", ":"))


class IstioChart(Construct):
    """One ``helm_release`` of an Istio chart, from its plan item.

    Keyword arguments:
        release: the plan item to render (required): chart, version, values,
            namespace and the Terraform address.
        after: the upstream resources the release waits for, the objects
            behind the item's ``after`` addresses; each one it names must be
            there, or the construct raises :class:`ConstructError`. Default:
            none, right for an item that comes after nothing (``base``).
        provider: an aliased Helm provider. Default: the stack's default one.
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
        require_upstream(self, f"release {release.name!r}", release.after, after)
        self.item = release
        chart, repository = release.chart, release.repository or None
        self.chart_asset: TerraformAsset | None = None
        if release.packaged:
            # A library user's synth has no repository beside it: the chart
            # is copied into the stack's output, under a folder named by a
            # hash of its contents, so the path is the same on every synth
            # and a new bundle is a new path (an in-place upgrade).
            self.chart_asset = TerraformAsset(
                self, "chart", path=packaged_chart_directory(release.chart, self), type=AssetType.DIRECTORY
            )
            chart = self.chart_asset.path
        self.release = HelmRelease(
            self,
            "release",
            name=release.name,
            chart=chart,
            repository=repository,
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
