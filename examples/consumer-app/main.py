#!/usr/bin/env python
"""A platform team's own cdktf app that uses istio-mesh as a library.

The team's ``platform`` stack holds Istio's releases (``IstioMesh``) next to
resources of its own: a namespace for its apps, created once istiod's
injector answers, and a ConfigMap of mesh facts for those apps. A second
stack applies the mesh's policies (``IstioPolicies``) after it, because
``kubernetes_manifest`` needs Istio's CRDs at plan time. Both render one
plan, built once from the mesh config (``mesh.yaml``), which only says what
to install; the app configures its own providers and state.

Installed from the built wheel by ``make example``; run ``python main.py``.
"""

from __future__ import annotations

from pathlib import Path

# Optional, and first: the fast path main.py uses (only the binding modules
# used, jsii's kernel without its relay). Without it the app works the same,
# only slower; it must run before anything imports cdktf.
from istio_mesh.runtime.fast_path import enable as enable_fast_path

enable_fast_path()

from cdktf import App, LocalBackend, TerraformOutput, TerraformStack  # noqa: E402 (on purpose: after it)
from cdktf_cdktf_provider_helm.provider import HelmProvider, HelmProviderKubernetes  # noqa: E402
from cdktf_cdktf_provider_kubernetes.config_map_v1 import (  # noqa: E402
    ConfigMapV1,
    ConfigMapV1Metadata,
)
from cdktf_cdktf_provider_kubernetes.namespace_v1 import (  # noqa: E402
    NamespaceV1,
    NamespaceV1Metadata,
)
from cdktf_cdktf_provider_kubernetes.provider import KubernetesProvider  # noqa: E402
from constructs import Construct  # noqa: E402

from istio_mesh import ClusterPlan, IstioMesh, IstioPolicies, cluster_plan, load_config  # noqa: E402

HERE = Path(__file__).resolve().parent
CLUSTER = {"config_path": "~/.kube/config", "config_context": "platform"}
APPS_NAMESPACE = "team-apps"


def local_state(stack: TerraformStack, name: str) -> None:
    # A relative path keeps the synthesized JSON the same on every machine.
    LocalBackend(stack, path=f"../../../terraform.{name}.tfstate")


class PlatformStack(TerraformStack):
    """Istio plus the team's own namespace and ConfigMap, in one stack."""

    def __init__(self, scope: Construct, stack_id: str, *, plan: ClusterPlan) -> None:
        super().__init__(scope, stack_id)
        local_state(self, stack_id)
        HelmProvider(self, "helm", kubernetes=HelmProviderKubernetes(**CLUSTER))
        KubernetesProvider(self, "kubernetes", **CLUSTER)

        self.mesh = IstioMesh(self, "istio", plan=plan)
        facts = self.mesh.outputs

        apps = NamespaceV1(
            self,
            "apps",
            metadata=NamespaceV1Metadata(
                name=APPS_NAMESPACE, labels={"istio-injection": "enabled"}
            ),
            # Pods created before istiod's injector answers run without sidecars.
            depends_on=[self.mesh.istiod.release],
        )
        ConfigMapV1(
            self,
            "mesh-facts",
            metadata=ConfigMapV1Metadata(name="mesh-facts", namespace=apps.metadata.name),
            data={
                "meshId": facts["mesh_id"],
                "rootNamespace": facts["root_namespace"],
                "istiodRevisions": ",".join(facts["istiod_revisions"]),
                "ingressServices": ",".join(
                    f"{g['service']}.{g['namespace']}"
                    for g in facts["ingress_gateways"].values()
                ),
            },
        )
        TerraformOutput(self, "ingress_gateways", value=facts["ingress_gateways"])


class TeamPoliciesStack(TerraformStack):
    """The mesh's policies and namespaces, applied after the platform stack."""

    def __init__(
        self, scope: Construct, stack_id: str, *, plan: ClusterPlan, platform: PlatformStack
    ) -> None:
        super().__init__(scope, stack_id)
        self.add_dependency(platform)
        local_state(self, stack_id)
        KubernetesProvider(self, "kubernetes", **CLUSTER)
        IstioPolicies(self, "istio-policies", plan=plan)


def build_app(outdir: str | None = None) -> App:
    """The app's two stacks; ``outdir`` defaults to cdktf.out beside cdktf.json."""
    plan = cluster_plan(load_config(HERE / "mesh.yaml"))
    app = App(outdir=outdir) if outdir else App()
    platform = PlatformStack(app, "platform", plan=plan)
    TeamPoliciesStack(app, "platform-policies", plan=plan, platform=platform)
    return app


if __name__ == "__main__":
    build_app().synth()
