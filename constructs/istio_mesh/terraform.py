"""Every cdktf, constructs and provider-binding import in the project.

HashiCorp deprecated cdktf on 2025-12-10 (0.21 is its last release); the
community fork is CDK Terrain (``cdktn``). Keeping the whole surface we use
in this one module means a move to the fork, or to another provider binding
version, changes this file and nothing else.
"""

from __future__ import annotations

from cdktf import (
    App,
    DataTerraformRemoteStateLocal,
    ITerraformDependable,
    LocalBackend,
    Precondition,
    TerraformLocal,
    TerraformOutput,
    TerraformProvider,
    TerraformResource,
    TerraformResourceLifecycle,
    TerraformStack,
    TerraformVariable,
)
from cdktf_cdktf_provider_helm.provider import HelmProvider, HelmProviderKubernetes
from cdktf_cdktf_provider_helm.release import Release as HelmRelease
from cdktf_cdktf_provider_kubernetes.labels import Labels as KubernetesLabels
from cdktf_cdktf_provider_kubernetes.labels import LabelsMetadata as KubernetesLabelsMetadata
from cdktf_cdktf_provider_kubernetes.manifest import Manifest as KubernetesManifest
from cdktf_cdktf_provider_kubernetes.namespace_v1 import NamespaceV1, NamespaceV1Metadata
from cdktf_cdktf_provider_kubernetes.provider import KubernetesProvider
from constructs import Construct

__all__ = [
    "App",
    "Construct",
    "DataTerraformRemoteStateLocal",
    "HelmProvider",
    "HelmProviderKubernetes",
    "HelmRelease",
    "ITerraformDependable",
    "KubernetesLabels",
    "KubernetesLabelsMetadata",
    "KubernetesManifest",
    "KubernetesProvider",
    "LocalBackend",
    "NamespaceV1",
    "NamespaceV1Metadata",
    "Precondition",
    "TerraformLocal",
    "TerraformOutput",
    "TerraformProvider",
    "TerraformResource",
    "TerraformResourceLifecycle",
    "TerraformStack",
    "TerraformVariable",
]
