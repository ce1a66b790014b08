"""Every cdktf, constructs and provider-binding import in the project.

Two toolchains bind the same classes under different package names: cdktf
0.21 (archived by HashiCorp on 2025-12-10, bindings frozen at hashicorp/helm
3.1.1 and hashicorp/kubernetes 2.38.0) and its maintained fork CDK Terrain
(``cdktn``, bindings of current providers). This module imports the one
:mod:`istio_mesh.toolchain` names, so nothing else in the package names
either; where the two providers want different output,
:mod:`istio_mesh.provider_dialect` says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from istio_mesh.toolchain import TOOLCHAIN, TOOLCHAINS

# mypy reads the cdktf branch (TYPE_CHECKING is always true to it): both
# toolchains expose the same classes with the same signatures for what we use.
if TYPE_CHECKING or TOOLCHAIN == "cdktf":
    from cdktf import (
        App,
        AzurermBackend,
        CloudBackend,
        DataTerraformRemoteStateLocal,
        GcsBackend,
        ITerraformDependable,
        LocalBackend,
        NamedCloudWorkspace,
        Precondition,
        S3Backend,
        TaggedCloudWorkspaces,
        TerraformLocal,
        TerraformOutput,
        TerraformProvider,
        TerraformResource,
        TerraformResourceLifecycle,
        TerraformStack,
        TerraformVariable,
        Testing,
    )
    from cdktf_cdktf_provider_helm.provider import (
        HelmProvider,
        HelmProviderKubernetes,
        HelmProviderKubernetesExec,
    )
    from cdktf_cdktf_provider_helm.release import Release as HelmRelease
    from cdktf_cdktf_provider_kubernetes.annotations import Annotations as KubernetesAnnotations
    from cdktf_cdktf_provider_kubernetes.annotations import (
        AnnotationsMetadata as KubernetesAnnotationsMetadata,
    )
    from cdktf_cdktf_provider_kubernetes.labels import Labels as KubernetesLabels
    from cdktf_cdktf_provider_kubernetes.labels import LabelsMetadata as KubernetesLabelsMetadata
    from cdktf_cdktf_provider_kubernetes.manifest import Manifest as KubernetesManifest
    from cdktf_cdktf_provider_kubernetes.manifest import (
        ManifestFieldManager as KubernetesManifestFieldManager,
    )
    from cdktf_cdktf_provider_kubernetes.namespace_v1 import NamespaceV1, NamespaceV1Metadata
    from cdktf_cdktf_provider_kubernetes.provider import KubernetesProvider, KubernetesProviderExec
    from cdktf_cdktf_provider_kubernetes.secret_v1 import SecretV1, SecretV1Metadata
else:
    from cdktn import (
        App,
        AzurermBackend,
        CloudBackend,
        DataTerraformRemoteStateLocal,
        GcsBackend,
        ITerraformDependable,
        LocalBackend,
        NamedCloudWorkspace,
        Precondition,
        S3Backend,
        TaggedCloudWorkspaces,
        TerraformLocal,
        TerraformOutput,
        TerraformProvider,
        TerraformResource,
        TerraformResourceLifecycle,
        TerraformStack,
        TerraformVariable,
        Testing,
    )
    from cdktn_provider_helm.provider import (
        HelmProvider,
        HelmProviderKubernetes,
        HelmProviderKubernetesExec,
    )
    from cdktn_provider_helm.release import Release as HelmRelease
    from cdktn_provider_kubernetes.annotations import Annotations as KubernetesAnnotations
    from cdktn_provider_kubernetes.annotations import (
        AnnotationsMetadata as KubernetesAnnotationsMetadata,
    )
    from cdktn_provider_kubernetes.labels import Labels as KubernetesLabels
    from cdktn_provider_kubernetes.labels import LabelsMetadata as KubernetesLabelsMetadata
    from cdktn_provider_kubernetes.manifest import Manifest as KubernetesManifest
    from cdktn_provider_kubernetes.manifest import (
        ManifestFieldManager as KubernetesManifestFieldManager,
    )
    from cdktn_provider_kubernetes.namespace_v1 import NamespaceV1, NamespaceV1Metadata
    from cdktn_provider_kubernetes.provider import KubernetesProvider, KubernetesProviderExec
    from cdktn_provider_kubernetes.secret_v1 import SecretV1, SecretV1Metadata
from constructs import Construct

__all__ = [
    "TOOLCHAIN",
    "TOOLCHAINS",
    "App",
    "AzurermBackend",
    "CloudBackend",
    "Construct",
    "DataTerraformRemoteStateLocal",
    "GcsBackend",
    "HelmProvider",
    "HelmProviderKubernetes",
    "HelmProviderKubernetesExec",
    "HelmRelease",
    "ITerraformDependable",
    "KubernetesAnnotations",
    "KubernetesAnnotationsMetadata",
    "KubernetesLabels",
    "KubernetesLabelsMetadata",
    "KubernetesManifest",
    "KubernetesManifestFieldManager",
    "KubernetesProvider",
    "KubernetesProviderExec",
    "LocalBackend",
    "NamedCloudWorkspace",
    "NamespaceV1",
    "NamespaceV1Metadata",
    "Precondition",
    "S3Backend",
    "TaggedCloudWorkspaces",
    "SecretV1",
    "SecretV1Metadata",
    "TerraformLocal",
    "TerraformOutput",
    "TerraformProvider",
    "TerraformResource",
    "TerraformResourceLifecycle",
    "TerraformStack",
    "TerraformVariable",
    "Testing",
]
