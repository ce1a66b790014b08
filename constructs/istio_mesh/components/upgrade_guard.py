"""Plan-time refusal of an in-place Istio upgrade that skips a minor version.

The running version is not in the config: it is whatever the last apply
installed. :class:`InstalledVersions` exports the version of every
control-plane release as a stack output and reads that output back from the
stack's previous state; an :class:`UpgradeGuard` per release compares it with
the version this plan would install, in a ``terraform_data`` precondition that
the release depends on. ``terraform_data`` and ``terraform_remote_state`` are
Terraform builtins, so the check needs no provider and runs in every plan.
"""

from __future__ import annotations

from istio_mesh.components.errors import ConstructError
from istio_mesh.runtime.terraform import (
    Construct,
    HelmRelease,
    Precondition,
    TerraformLocal,
    TerraformOutput,
    TerraformResource,
    TerraformResourceLifecycle,
)
from istio_mesh.runtime.upgrades import REFUSAL, SINCE_LAST_APPLY, minor_index

VERSIONS_OUTPUT = "istio_control_plane_versions"
"""Stack output: control-plane release name -> the Istio version it runs."""

PREVIOUS_VERSIONS = "previous_istio_versions"
PREVIOUS_MINORS = "previous_istio_minors"


class InstalledVersions(Construct):
    """The Istio version of each control-plane release, after the last apply and after this one.

    The exported version is the release's own ``version`` attribute, so the
    output only changes once the release itself applied: a failed upgrade
    leaves the old version as "previous" for the next plan.

    ``previous_versions`` is an HCL expression for the same output in the
    stack's last state, ``null`` before the first apply (see
    :func:`istio_mesh.stacks.state.previous_outputs`). One per stack.

    Keyword arguments:
        previous_versions: that HCL expression (required; no default, as only
            the stack knows where its last state is).
    """

    def __init__(self, scope: Construct, construct_id: str, *, previous_versions: str) -> None:
        super().__init__(scope, construct_id)
        self._exported: dict[str, str] = {}
        self.output = TerraformOutput(
            self,
            "output",
            value={},
            description="Istio version of each control-plane release, read back by the upgrade guards.",
        )
        self.output.override_logical_id(VERSIONS_OUTPUT)
        versions = TerraformLocal(self, "previous-versions", f"${{merge({{}}, {previous_versions})}}")
        versions.override_logical_id(PREVIOUS_VERSIONS)
        minors = TerraformLocal(
            self,
            "previous-minors",
            f"${{{{for name, version in local.{PREVIOUS_VERSIONS} : name => "
            'tonumber(split(".", version)[0]) * 1000 + tonumber(split(".", version)[1])}}',
        )
        minors.override_logical_id(PREVIOUS_MINORS)

    def export(self, release_name: str, installed: str) -> None:
        """Record what ``release_name`` runs once applied (a reference to the release)."""
        self._exported[release_name] = installed
        self.output.value = dict(sorted(self._exported.items()))


class UpgradeGuard(Construct):
    """Refuses a plan that changes ``release`` in place by more than one Istio minor version.

    Adds itself to the release's dependencies, so the precondition is checked
    before Terraform touches the release. Keyed by the release name: a new
    release (a new revision beside the running one) has no previous version
    and passes; a release whose version moves from 1.28.x to 1.30.x does not.
    A destroy plan does not evaluate preconditions, so it is never blocked.

    Keyword arguments:
        release: the istiod ``helm_release`` to guard (required); its name
            must be a literal, the key of its version in the stack output.
        version: the Istio version this plan installs in it (required).
        installed: the stack's :class:`InstalledVersions` (required), which
            also gets this release's version to export.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        release: HelmRelease,
        version: str,
        installed: InstalledVersions,
    ) -> None:
        super().__init__(scope, construct_id)
        name = release.name_input
        if not isinstance(name, str):
            raise ConstructError("the release needs a literal name to key its version by", self)
        index = minor_index(version)
        previous = f'${{lookup(local.{PREVIOUS_VERSIONS}, "{name}", "none")}}'
        self.resource = TerraformResource(
            self,
            "guard",
            terraform_resource_type="terraform_data",
            lifecycle=TerraformResourceLifecycle(
                precondition=[
                    Precondition(
                        condition=(
                            f'${{abs(lookup(local.{PREVIOUS_MINORS}, "{name}", {index}) - {index}) <= 1}}'
                        ),
                        error_message=REFUSAL.format(
                            release=name, previous=previous, since=SINCE_LAST_APPLY, version=version
                        ),
                    )
                ]
            ),
        )
        self.resource.add_override("input", version)
        address = f"{name}-upgrade-guard"
        self.resource.override_logical_id(address)
        # The plain address, as cdktf writes depends_on itself ("${...}" is
        # not an address).
        release.depends_on = [*(release.depends_on or []), f"terraform_data.{address}"]
        installed.export(name, release.version)
