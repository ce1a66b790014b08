"""``<name>-mesh``: Istio's Helm releases, in dependency order."""

from __future__ import annotations

from istio_mesh.components import IstioMesh, MeshOutputs
from istio_mesh.components.health_checks import MeshHealthChecks
from istio_mesh.components.retirement_guard import RetirementGuardConstruct, RevisionRemovalGuard
from istio_mesh.components.upgrade_guard import VERSIONS_OUTPUT, InstalledVersions, UpgradeGuard
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.plan import ClusterPlan, cluster_plan
from istio_mesh.stacks.connection import cluster_access, helm_provider, kubernetes_provider
from istio_mesh.stacks.state import previous_outputs, state_backend
from istio_mesh.runtime.terraform import Construct, TerraformStack


class MeshStack(TerraformStack):
    """:class:`IstioMesh` with the config's state backend, provider
    credentials and the outputs other stacks read.

    The Helm provider, and a Kubernetes provider only for revision tags
    (webhooks and Services, built-in kinds) or a plug-in CA's ``cacerts``
    secret: Istio custom resources go to the policies stack, planned after
    this one is applied.

    Each istiod revision also waits for its upgrade guard, which refuses at
    plan time an in-place change of more than one Istio minor version; it
    reads the stack's own last state back through the config's backend
    (local, HCP Terraform, S3, GCS or azurerm).

    Day two (docs/day-two.md): a revision named in ``retiredRevisions`` gets
    a guard that fails the plan while the cluster still uses it, an istiod
    release of the last apply that is neither in the config nor retired
    fails the plan too, and ``check`` blocks assert the mesh's health
    (``healthChecks``), which is why the Kubernetes provider is there
    whenever either is.
    """

    def __init__(
        self, scope: Construct, stack_id: str, *, config: MeshConfig, plan: ClusterPlan | None = None
    ) -> None:
        super().__init__(scope, stack_id)
        self.config = config
        self.plan = plan if plan is not None else cluster_plan(config)
        state_backend(self, config.backend, kind="mesh", stack_name=stack_id)
        access = cluster_access(self, config.connection)
        helm_provider(self, access)
        if self.plan.mesh.needs_kubernetes_provider or self.plan.mesh.reads_cluster:
            kubernetes_provider(self, access)
        self.mesh = IstioMesh(self, "istio", plan=self.plan)
        self.base, self.cni, self.istiod = self.mesh.base, self.mesh.cni, self.mesh.istiod
        self.gateways = self.mesh.gateways
        self.outputs = MeshOutputs(
            self, "outputs", outputs=self.plan.outputs, releases=self.plan.mesh.releases
        )
        previous = previous_outputs(
            self, stack_id, defaults={VERSIONS_OUTPUT: {}}, backend=config.backend, kind="mesh"
        )
        self.installed_versions = InstalledVersions(
            self, "installed-versions", previous_versions=previous.get(VERSIONS_OUTPUT)
        )
        self.upgrade_guards: list[UpgradeGuard] = [
            UpgradeGuard(
                self,
                f"upgrade-guard-{istiod.item.name}",
                release=istiod.release,
                version=istiod.item.version,
                installed=self.installed_versions,
            )
            for istiod in self.mesh.istiods.values()
        ]
        kept = [item.name for item in self.plan.mesh.istiods.values()]
        self.retirement_guards = [
            RetirementGuardConstruct(self, f"retirement-guard-{guard.revision}", guard=guard)
            for guard in self.plan.mesh.retirements
        ]
        self.removal_guard = RevisionRemovalGuard(
            self, "istiod-removal-guard", kept=[*kept, *(g.release_name for g in self.plan.mesh.retirements)]
        )
        self.health_checks = MeshHealthChecks(self, "health-checks", checks=self.plan.mesh.health_checks)
