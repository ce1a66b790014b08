"""Which istiod serves what: revisions, revision tags and the default revision.

Revision names, tag names and "no name" (the default revision) all end up in
the same places (namespace labels, gateway pods, ztunnel), so every consumer
resolves them here, in one way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from istio_mesh.config.versions import parse_version

if TYPE_CHECKING:
    from istio_mesh.config.cluster import MeshConfig
    from istio_mesh.config.istiod import IstiodSettings

DEFAULT_REVISION = "default"
"""Istio's name for the un-revisioned istiod (chart ``revision: ""``) and for
the revision tag that serves ``istio-injection=enabled``."""


@dataclass(frozen=True)
class ControlPlane:
    """One istiod release: its revision name, Istio version and settings."""

    revision: str
    version: str
    settings: IstiodSettings

    @property
    def chart_revision(self) -> str:
        """The istiod chart's ``revision`` value: empty for the un-revisioned istiod."""
        return "" if self.revision == DEFAULT_REVISION else self.revision

    @property
    def release_name(self) -> str:
        """Helm release and Service name, as the chart names the Service."""
        return "istiod" if self.revision == DEFAULT_REVISION else f"istiod-{self.revision}"

    @property
    def minor(self) -> tuple[int, int]:
        major, minor, _ = parse_version(self.version)
        return major, minor


def control_planes(config: MeshConfig) -> tuple[ControlPlane, ...]:
    """Every istiod release, in config order. Without ``revisions`` it is the
    single un-revisioned istiod configured by ``istiod``."""
    if not config.revisions:
        return (ControlPlane(DEFAULT_REVISION, config.istio.version, config.istiod),)
    return tuple(
        ControlPlane(r.name, r.version or config.istio.version, r) for r in config.revisions
    )


def default_revision(config: MeshConfig) -> str | None:
    """The revision (not tag) serving istio-injection=enabled and validation, if any."""
    names = {cp.revision for cp in control_planes(config)}
    chosen = config.default_revision
    if chosen is None:
        return DEFAULT_REVISION if DEFAULT_REVISION in names else None
    return config.revision_tags.get(chosen, chosen)


def resolve(config: MeshConfig, name: str | None) -> ControlPlane | None:
    """The control plane behind a revision name, a tag, or ``None`` (the
    default revision); ``None`` when nothing serves that name."""
    revision = default_revision(config) if name is None else config.revision_tags.get(name, name)
    for plane in control_planes(config):
        if plane.revision == revision:
            return plane
    return None


def managed_tags(config: MeshConfig) -> dict[str, ControlPlane]:
    """Revision tags this stack owns, tag -> control plane, sorted by tag.

    Includes the ``default`` tag whenever the default revision is a named
    revision: its webhooks serve ``istio-injection=enabled`` and pods asking
    for injection without a revision, which the un-revisioned istiod's own
    chart would serve otherwise (so there is no ``default`` tag then).
    """
    tags: dict[str, ControlPlane] = {}
    for tag in sorted(config.revision_tags):
        plane = resolve(config, tag)
        if plane is not None:
            tags[tag] = plane
    chosen = resolve(config, None)
    if chosen is not None and chosen.revision != DEFAULT_REVISION:
        tags[DEFAULT_REVISION] = chosen
    return dict(sorted(tags.items()))
