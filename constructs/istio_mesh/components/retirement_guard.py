"""Plan-time refusal to destroy an istiod revision that something still uses.

Terraform's rules shape this guard:

- A resource removed from the configuration has no configuration, so no
  precondition of its own: the retired release cannot guard itself. The
  guard is a ``terraform_data`` that exists *because* the config names the
  revision in ``retiredRevisions``, so it is in the configuration exactly at
  the apply that removes the release.
- Its three ``kubernetes_resources`` data sources have literal arguments and
  no dependencies, so Terraform reads them while planning, against the live
  cluster; the guard's precondition is then known during the plan, and when
  it fails the plan fails: nothing is applied, the release's destroy
  included. (Ordering between the guard and the destroy never comes into it.)
- ``terraform destroy`` (``cdktf destroy``) plans the destruction of every
  resource, this guard too, and checks no precondition: tearing down the
  whole mesh stack is not guarded here (``protection.preventDestroy`` is).

A revision is in use while a namespace carries ``istio.io/rev`` with its
name or a tag that (live) points at it, while a pod carries its revision
label (``istio.io/rev=<revision>``, which the injector sets), or while a tag's
mutating webhook still points at it (labels ``istio.io/tag`` and
``istio.io/rev=<revision>``).

:class:`RevisionRemovalGuard` closes the gap of a revision dropped from the
config without being named as retired: it compares the istiod releases of
the last apply (read back by :class:`InstalledVersions`) with this config's.
"""

from __future__ import annotations

from collections.abc import Sequence

from istio_mesh.components.upgrade_guard import PREVIOUS_VERSIONS
from istio_mesh.plan.day_two import RetirementGuard
from istio_mesh.runtime.terraform import (
    Construct,
    DataKubernetesResources,
    Precondition,
    TerraformLocal,
    TerraformProvider,
    TerraformResource,
    TerraformResourceLifecycle,
)

REV_LABEL = "istio.io/rev"
TAG_LABEL = "istio.io/tag"

IN_USE = (
    'Istio revision "{revision}" is still in use, so the plan does not destroy its istiod release '
    '"{release}". Namespaces labelled istio.io/rev with it or one of its tags: {namespaces}. '
    "Pods it injected, per namespace: {pods}. Revision tags still pointing at it: {tags}. "
    "Next: point each namespace at a revision or tag that stays (its namespaces[].revision here, "
    "or kubectl label namespace NAME istio.io/rev=TAG --overwrite), move the tags (revisionTags) "
    "in an apply before this one, restart the workloads (kubectl -n NAMESPACE rollout restart "
    "deployment) so the new revision injects them, and plan again. To remove it anyway, set "
    "retiredRevisions[].allowInUse.reason."
)
"""The refusal; the guard fills the lists in at plan time from the cluster."""

NOT_RETIRED = (
    "Istio release(s) {releases} ran after the last apply and are not in this config. Name each "
    "removed revision in retiredRevisions (e.g. retiredRevisions: [{{name: 1-29-6}}]) so the plan "
    "first checks that no namespace, pod or revision tag still uses it."
)


def _listed(expression: str) -> str:
    return f'${{length({expression}) == 0 ? "none" : join(", ", {expression})}}'


class RetirementGuardConstruct(Construct):
    """Refuses the plan while anything in the cluster still uses ``guard.revision``.

    With ``guard.override_reason`` the cluster is not read and the guard only
    records the reason (its ``input``), so the plan proceeds.

    Keyword arguments:
        guard: the plan's guard item for one retired revision (required).
        provider: an aliased Kubernetes provider, for the three live lists.
            Default: the stack's default one.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        guard: RetirementGuard,
        provider: TerraformProvider | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.guard = guard
        self.resource = TerraformResource(self, "guard", terraform_resource_type="terraform_data")
        self.resource.override_logical_id(guard.address_name)
        recorded = {"revision": guard.revision, "release": guard.release_name}
        self.data_sources: list[DataKubernetesResources] = []
        if guard.override_reason is not None:
            self.resource.add_override("input", {**recorded, "allow_in_use": guard.override_reason})
            return
        self.resource.add_override("input", recorded)
        tags = self._list("tags", "admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration",
                          f"{TAG_LABEL},{REV_LABEL}={guard.revision}", provider)
        namespaces = self._list("namespaces", "v1", "Namespace", REV_LABEL, provider)
        pods = self._list("pods", "v1", "Pod", f"{REV_LABEL}={guard.revision}", provider)
        tag_names = self._local(
            "tags", f'${{sort([for w in {tags} : w.metadata.labels["{TAG_LABEL}"]])}}')
        namespace_names = self._local(
            "namespaces",
            f'${{sort([for ns in {namespaces} : ns.metadata.name if contains(concat(["{guard.revision}"], '
            f'local.{tag_names}), try(ns.metadata.labels["{REV_LABEL}"], ""))])}}',
        )
        pod_counts = self._local(
            "pods",
            f"${{{{for ns, names in {{for p in {pods} : p.metadata.namespace => p.metadata.name...}} : "
            "ns => length(names)}}",
        )
        pod_text = f'[for ns, n in local.{pod_counts} : "${{ns}}: ${{n}}"]'
        message = IN_USE.format(
            revision=guard.revision,
            release=guard.release_name,
            namespaces=_listed(f"local.{namespace_names}"),
            pods=_listed(pod_text),
            tags=_listed(f"local.{tag_names}"),
        )
        self.resource.add_override("lifecycle", {"precondition": [{
            "condition": (f"${{length(local.{namespace_names}) == 0 && length(local.{pod_counts}) == 0 "
                          f"&& length(local.{tag_names}) == 0}}"),
            "error_message": message,
        }]})

    def _list(
        self, what: str, api_version: str, kind: str, label_selector: str, provider: TerraformProvider | None,
    ) -> str:
        """A live list read at plan time; returns the HCL reference to its objects."""
        name = f"{self.guard.release_name}-retirement-{what}"
        data = DataKubernetesResources(
            self, what, api_version=api_version, kind=kind, label_selector=label_selector, provider=provider,
        )
        data.override_logical_id(name)
        self.data_sources.append(data)
        return f"data.kubernetes_resources.{name}.objects"

    def _local(self, what: str, expression: str) -> str:
        name = f"{self.guard.release_name}-retirement-{what}"
        TerraformLocal(self, f"local-{what}", expression).override_logical_id(name)
        return name


class RevisionRemovalGuard(Construct):
    """Refuses a plan that drops an istiod release of the last apply without
    naming its revision in ``retiredRevisions``.

    Keyword arguments:
        kept: the istiod release names this plan keeps, retired ones
            included (required); any other release of the last apply fails
            the plan.
    """

    def __init__(self, scope: Construct, construct_id: str, *, kept: Sequence[str]) -> None:
        super().__init__(scope, construct_id)
        gone = f"sort(setsubtract(keys(local.{PREVIOUS_VERSIONS}), {_hcl_list(kept)}))"
        self.resource = TerraformResource(
            self,
            "guard",
            terraform_resource_type="terraform_data",
            lifecycle=TerraformResourceLifecycle(precondition=[Precondition(
                condition=f"${{length({gone}) == 0}}",
                error_message=NOT_RETIRED.format(releases=f'${{join(", ", {gone})}}'),
            )]),
        )
        self.resource.override_logical_id("istiod-removal-guard")


def _hcl_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in sorted(values)) + "]"
