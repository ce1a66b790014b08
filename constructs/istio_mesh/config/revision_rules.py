"""Rules tying revisions, tags, gateways, namespaces and ambient mode together.

Each rule raises :class:`RuleViolation` at the field a user has to change,
naming the rule, so ``revisions[1].version`` says why 1.30 cannot sit beside
1.28 rather than that "the config is invalid".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from istio_mesh.config.control_planes import (
    DEFAULT_REVISION,
    ControlPlane,
    control_planes,
    default_revision,
)
from istio_mesh.config.errors import RuleViolation

if TYPE_CHECKING:
    from istio_mesh.config.cluster import MeshConfig


def _names(items: list[str]) -> str:
    return ", ".join(repr(i) for i in items)


def _version_text(minor: tuple[int, int]) -> str:
    return f"{minor[0]}.{minor[1]}"


def check_revisions(config: MeshConfig) -> None:
    """Revisions are unique and within one minor; tags point at revisions;
    everything that names a revision or tag names one that exists."""
    planes = control_planes(config)
    revisions = [p.revision for p in planes]
    if config.revisions:
        if "istiod" in config.model_fields_set:
            raise RuleViolation(
                ("istiod",),
                "is the un-revisioned istiod and unused when revisions are listed; "
                "move its settings into revisions[] (name 'default' keeps that istiod)",
            )
        for i, name in enumerate(revisions):
            if name in revisions[:i]:
                raise RuleViolation(
                    ("revisions", i, "name"),
                    f"{name!a} is used more than once; revision names must be unique",
                )
    _check_versions(config, planes)
    _check_tags(config, revisions)
    _check_default(config, revisions)
    _check_references(config)


def _check_versions(config: MeshConfig, planes: tuple[ControlPlane, ...]) -> None:
    oldest = min(planes, key=lambda p: p.minor)
    for i, plane in enumerate(planes):
        if plane.minor[0] != oldest.minor[0] or plane.minor[1] > oldest.minor[1] + 1:
            raise RuleViolation(
                ("revisions", i, "version"),
                f"got {plane.version!a}; skips a minor version: revision {oldest.revision!a} "
                f"still runs {oldest.version}, and Istio upgrades across at most one minor "
                f"at a time; install {_version_text((oldest.minor[0], oldest.minor[1] + 1))} "
                f"first or remove {oldest.revision!a}",
            )
    if not config.revisions:
        return
    newest = max(planes, key=lambda p: p.minor)
    shared = ControlPlane("", config.istio.version, config.istiod).minor
    if shared < newest.minor or shared[1] > oldest.minor[1] + 1 or shared[0] != oldest.minor[0]:
        raise RuleViolation(
            ("istio", "version"),
            f"got {config.istio.version!a}; base (CRDs), cni and ztunnel must be at least as "
            f"new as the newest revision ({newest.revision!a}, {newest.version}) and at most "
            f"one minor above the oldest ({oldest.revision!a}, {oldest.version})",
        )


def _check_tags(config: MeshConfig, revisions: list[str]) -> None:
    for tag, target in config.revision_tags.items():
        if tag == DEFAULT_REVISION:
            raise RuleViolation(
                ("revisionTags", tag),
                "'default' is Istio's default tag; choose it with defaultRevision",
            )
        if tag in revisions:
            raise RuleViolation(
                ("revisionTags", tag),
                "is also a revision name; a tag and a revision cannot share a name",
            )
        if target not in revisions:
            raise RuleViolation(
                ("revisionTags", tag),
                f"got {target!a}; a tag must point to an installed revision: {_names(revisions)}",
            )


def _check_default(config: MeshConfig, revisions: list[str]) -> None:
    chosen = config.default_revision
    if chosen is None:
        return
    if chosen not in revisions and chosen not in config.revision_tags:
        allowed = revisions + sorted(config.revision_tags)
        raise RuleViolation(
            ("defaultRevision",),
            f"got {chosen!a}; must be an installed revision or a tag: {_names(allowed)}",
        )
    if DEFAULT_REVISION in revisions and default_revision(config) != DEFAULT_REVISION:
        raise RuleViolation(
            ("defaultRevision",),
            f"got {chosen!a}; while the un-revisioned istiod ('default') is installed it "
            f"serves istio-injection=enabled itself; remove it from revisions before moving "
            f"the default",
        )


def _check_references(config: MeshConfig) -> None:
    known = [p.revision for p in control_planes(config)] + sorted(config.revision_tags)
    has_default = default_revision(config) is not None
    for i, gateway in enumerate(config.gateways):
        if gateway.revision is not None and gateway.revision not in known:
            raise RuleViolation(
                ("gateways", i, "revision"),
                f"got {gateway.revision!a}; must be an installed revision or a tag: {_names(known)}",
            )
        if gateway.revision is None and not has_default:
            raise RuleViolation(
                ("gateways", i, "revision"),
                "not set and there is no default revision; name a revision or tag, "
                "or set defaultRevision",
            )
    for i, namespace in enumerate(config.namespaces):
        if namespace.revision is not None and namespace.revision not in known:
            raise RuleViolation(
                ("namespaces", i, "revision"),
                f"got {namespace.revision!a}; must be an installed revision or a tag: "
                f"{_names(known)}",
            )
        uses_default = (
            namespace.dataplane == "sidecar" and namespace.injection and namespace.revision is None
        )
        if uses_default and not has_default:
            raise RuleViolation(
                ("namespaces", i, "revision"),
                "not set and there is no default revision to serve istio-injection=enabled; "
                "name a revision or tag, or set defaultRevision",
            )


def check_ambient(config: MeshConfig) -> None:
    """Ambient needs the CNI agent and ztunnel; ambient namespaces need ambient."""
    ambient = config.istio.profile == "ambient"
    if ambient and not config.cni.enabled:
        raise RuleViolation(
            ("cni", "enabled"),
            "got false; istio.profile 'ambient' needs the CNI node agent, which redirects "
            "pod traffic to ztunnel; set cni.enabled: true",
        )
    if ambient and not config.ztunnel.enabled:
        raise RuleViolation(
            ("ztunnel", "enabled"),
            "got false; istio.profile 'ambient' needs ztunnel, the ambient data plane; "
            "set ztunnel.enabled: true",
        )
    if config.ztunnel.enabled and not ambient:
        raise RuleViolation(
            ("ztunnel", "enabled"),
            "got true; ztunnel only serves ambient mode; set istio.profile: ambient "
            "or ztunnel.enabled: false",
        )
    if ambient and default_revision(config) is None:
        raise RuleViolation(
            ("defaultRevision",),
            "not set; ztunnel gets its certificates and config from the default "
            "revision; set defaultRevision",
        )
    for i, namespace in enumerate(config.namespaces):
        if namespace.dataplane == "ambient" and not ambient:
            raise RuleViolation(
                ("namespaces", i, "dataplane"),
                "got 'ambient'; ambient enrolment needs istio.profile: ambient",
            )
