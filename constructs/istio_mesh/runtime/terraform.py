"""Every cdktf, constructs and provider-binding import in the project.

Two toolchains bind the same classes under different package names: cdktf
0.21 (archived by HashiCorp on 2025-12-10, bindings frozen at hashicorp/helm
3.1.1 and hashicorp/kubernetes 2.38.0) and its maintained fork CDK Terrain
(``cdktn``, bindings of current providers). This module imports the one
:mod:`istio_mesh.runtime.toolchain` names, so nothing else in the package names
either; where the two providers want different output,
:mod:`istio_mesh.runtime.provider_dialect` says so.

The imports are plain ones, of the modules the one table
:data:`istio_mesh.runtime.bindings.BINDING_MODULES` lists: importing this
module changes nothing a plain ``import cdktf`` would not. Loading is most of
a synth's cost (docs/performance.md); the app entry points turn on the fast
path first (:func:`istio_mesh.runtime.fast_path.enable`), and these imports
then find the modules it loaded. The names are also imported under
``TYPE_CHECKING`` (mypy reads the cdktf names; both toolchains expose the
same classes with the same signatures for what we use), so that mypy checks
every call against the real bindings.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from istio_mesh.runtime.bindings import BINDING_MODULES, module_names
from istio_mesh.runtime.toolchain import TOOLCHAIN, TOOLCHAINS, ToolchainError

_CORE, _HELM, _KUBERNETES = TOOLCHAINS[TOOLCHAIN]

if TYPE_CHECKING:
    from cdktf import (
        App,
        AssetType,
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
        TerraformAsset,
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
    from cdktf_cdktf_provider_kubernetes.data_kubernetes_resources import DataKubernetesResources
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
else:
    # Plain imports: where the app turned the fast path on, they find the
    # modules it loaded already (istio_mesh.runtime.fast_path).
    _loaded = {name: importlib.import_module(name) for name in module_names(BINDING_MODULES)}
    _constructs = _loaded["constructs"]
    _cdktf = _loaded[_CORE]
    _helm_provider = _loaded[f"{_HELM}.provider"]
    _helm_release = _loaded[f"{_HELM}.release"]
    _k8s_annotations = _loaded[f"{_KUBERNETES}.annotations"]
    _k8s_data_resources = _loaded[f"{_KUBERNETES}.data_kubernetes_resources"]
    _k8s_labels = _loaded[f"{_KUBERNETES}.labels"]
    _k8s_manifest = _loaded[f"{_KUBERNETES}.manifest"]
    _k8s_namespace_v1 = _loaded[f"{_KUBERNETES}.namespace_v1"]
    _k8s_provider = _loaded[f"{_KUBERNETES}.provider"]
    _k8s_secret_v1 = _loaded[f"{_KUBERNETES}.secret_v1"]

    App = _cdktf.App
    AssetType = _cdktf.AssetType
    AzurermBackend = _cdktf.AzurermBackend
    CloudBackend = _cdktf.CloudBackend
    DataTerraformRemoteStateLocal = _cdktf.DataTerraformRemoteStateLocal
    GcsBackend = _cdktf.GcsBackend
    ITerraformDependable = _cdktf.ITerraformDependable
    LocalBackend = _cdktf.LocalBackend
    NamedCloudWorkspace = _cdktf.NamedCloudWorkspace
    Precondition = _cdktf.Precondition
    S3Backend = _cdktf.S3Backend
    TaggedCloudWorkspaces = _cdktf.TaggedCloudWorkspaces
    TerraformAsset = _cdktf.TerraformAsset
    TerraformLocal = _cdktf.TerraformLocal
    TerraformOutput = _cdktf.TerraformOutput
    TerraformProvider = _cdktf.TerraformProvider
    TerraformResource = _cdktf.TerraformResource
    TerraformResourceLifecycle = _cdktf.TerraformResourceLifecycle
    TerraformStack = _cdktf.TerraformStack
    TerraformVariable = _cdktf.TerraformVariable
    Testing = _cdktf.Testing
    HelmProvider = _helm_provider.HelmProvider
    HelmProviderKubernetes = _helm_provider.HelmProviderKubernetes
    HelmProviderKubernetesExec = _helm_provider.HelmProviderKubernetesExec
    HelmRelease = _helm_release.Release
    KubernetesAnnotations = _k8s_annotations.Annotations
    KubernetesAnnotationsMetadata = _k8s_annotations.AnnotationsMetadata
    DataKubernetesResources = _k8s_data_resources.DataKubernetesResources
    KubernetesLabels = _k8s_labels.Labels
    KubernetesLabelsMetadata = _k8s_labels.LabelsMetadata
    KubernetesManifest = _k8s_manifest.Manifest
    KubernetesManifestFieldManager = _k8s_manifest.ManifestFieldManager
    NamespaceV1 = _k8s_namespace_v1.NamespaceV1
    NamespaceV1Metadata = _k8s_namespace_v1.NamespaceV1Metadata
    KubernetesProvider = _k8s_provider.KubernetesProvider
    KubernetesProviderExec = _k8s_provider.KubernetesProviderExec
    SecretV1 = _k8s_secret_v1.SecretV1
    SecretV1Metadata = _k8s_secret_v1.SecretV1Metadata
    Construct = _constructs.Construct
    # The toolchain chosen (istio_mesh.runtime.toolchain) is the one whose classes the
    # stacks are built from, or the run stops here: the other one's output
    # pins other provider versions.
    if App.__module__.partition(".")[0] != _CORE or NamespaceV1.__module__.partition(".")[0] != _KUBERNETES:
        raise ToolchainError(
            f"{TOOLCHAIN} was chosen, but the bindings loaded are {App.__module__} and "
            f"{NamespaceV1.__module__}"
        )

__all__ = [
    "TOOLCHAIN",
    "TOOLCHAINS",
    "App",
    "AssetType",
    "AzurermBackend",
    "CloudBackend",
    "Construct",
    "DataKubernetesResources",
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
    "TerraformAsset",
    "TerraformLocal",
    "TerraformOutput",
    "TerraformProvider",
    "TerraformResource",
    "TerraformResourceLifecycle",
    "TerraformStack",
    "TerraformVariable",
    "Testing",
]
