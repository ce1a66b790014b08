"""Every cdktf, constructs and provider-binding import in the project.

HashiCorp deprecated cdktf on 2025-12-10 (0.21 is its last release); the
community fork is CDK Terrain (``cdktn``). Keeping the whole surface we use
in this one module means a move to the fork, or to another provider binding
version, changes this file and nothing else.
"""

from __future__ import annotations

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
from constructs import Construct

__all__ = [
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
