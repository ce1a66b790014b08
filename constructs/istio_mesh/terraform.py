"""Every cdktf, constructs and provider-binding import in the project.

Two toolchains bind the same classes under different package names: cdktf
0.21 (archived by HashiCorp on 2025-12-10, bindings frozen at hashicorp/helm
3.1.1 and hashicorp/kubernetes 2.38.0) and its maintained fork CDK Terrain
(``cdktn``, bindings of current providers). This module loads the one
:mod:`istio_mesh.toolchain` names, so nothing else in the package names
either; where the two providers want different output,
:mod:`istio_mesh.provider_dialect` says so.

Loading is the cost of a synth (docs/performance.md), so it is done here by
hand, from the one table :data:`BINDING_MODULES`: the CDK core whole, and of
each provider package only the modules we use, without the package
``__init__`` that imports all of its modules (about 110 for Kubernetes). The
names are also imported under ``TYPE_CHECKING`` (mypy reads the cdktf names;
both toolchains expose the same classes with the same signatures for what we
use), so that mypy checks every call against the real bindings. This module
imports nothing of ours but the standard-library-only toolchain module, so
``make bench`` can load it on its own.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import marshal
import os
import sys
from collections.abc import Mapping, Sequence
from types import CodeType, ModuleType
from typing import TYPE_CHECKING

from istio_mesh.toolchain import TOOLCHAIN, TOOLCHAINS, ToolchainError

TYPE_CHECKS_ENV = "ISTIO_MESH_BINDING_TYPE_CHECKS"
"""Set to ``1`` to keep the bindings' runtime argument checks (see
:func:`load_bindings`); any other value, or none, leaves them out."""


def load_bindings(table: Mapping[str, Sequence[str]]) -> dict[str, ModuleType]:
    """Import what ``table`` names and return it by dotted name.

    A package with no modules listed is imported whole. Of a package with
    modules listed, only those are imported (and its ``_jsii`` module, which
    loads the package's jsii assembly into node); the package itself is put
    in ``sys.modules`` without running its ``__init__``, which runs the first
    time anyone reads an attribute of it (see :func:`_deferred_package`). So
    code that imports the bindings itself, before or after this, gets the
    same modules and the same classes as a plain ``import`` gives.

    Unless ``ISTIO_MESH_BINDING_TYPE_CHECKS=1``, what is imported here for
    the first time is compiled as ``python -O`` compiles it: the bindings
    check each argument of each call with typeguard under ``if __debug__:``,
    and that check costs more than the jsii call it guards (docs/
    performance.md). jsii's own marshalling still rejects what it cannot
    send; our calls are checked by mypy against the same signatures.
    """
    keep_checks = os.environ.get(TYPE_CHECKS_ENV) == "1"
    names = {package if not modules else f"{package}.{module}"
             for package, modules in table.items() for module in modules or ("",)}
    finder = None if keep_checks else _UncheckedFinder(names)
    if finder is not None:
        sys.meta_path.insert(0, finder)
    try:
        loaded: dict[str, ModuleType] = {}
        for package, modules in table.items():
            if not modules:
                loaded[package] = importlib.import_module(package)
                continue
            if package not in sys.modules:
                _deferred_package(package)
            importlib.import_module(f"{package}._jsii")
            for module in modules:
                name = f"{package}.{module}"
                loaded[name] = importlib.import_module(name)
    finally:
        if finder is not None:
            sys.meta_path.remove(finder)
    return loaded


def _deferred_package(name: str) -> None:
    """Put package ``name`` in ``sys.modules`` with its ``__init__`` not yet run.

    Its submodules import as usual (they need only its ``__path__``). Reading
    any other attribute of it (``pkg.deployment``, ``from pkg import *``)
    runs the real ``__init__`` first, which imports every module of the
    package, as a plain ``import pkg`` would have done.
    """
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        raise ModuleNotFoundError(f"no package named {name!r}", name=name)
    package = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def run_init(attribute: str) -> object:
        if attribute.startswith("__") and attribute != "__all__":
            raise AttributeError(f"module {name!r} has no attribute {attribute!r}")
        vars(package).pop("__getattr__", None)
        loader.exec_module(package)
        return getattr(package, attribute)

    setattr(package, "__getattr__", run_init)
    sys.modules[name] = package


class _UncheckedFinder(importlib.abc.MetaPathFinder):
    """Finds the modules ``names`` as usual, to be loaded by :class:`_UncheckedLoader`."""

    def __init__(self, names: set[str]) -> None:
        self._names = frozenset(names)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self._names:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return spec
        spec.loader = _UncheckedLoader(spec.loader.name, spec.loader.path)
        spec.cached = importlib.util.cache_from_source(spec.loader.path, optimization=1)
        return spec


class _UncheckedLoader(importlib.machinery.SourceFileLoader):
    """Loads a module compiled with ``optimize=1`` (``python -O``'s bytecode,
    which drops ``if __debug__:`` blocks), from and into the ``.opt-1.pyc``
    file ``python -O`` itself uses. Where that file is missing and cannot be
    written, the ordinary bytecode is used: compiling a large module on
    every run would cost more than its checks."""

    def get_code(self, fullname: str) -> CodeType | None:
        source = self.get_filename(fullname)
        cache = importlib.util.cache_from_source(source, optimization=1)
        stat = os.stat(source)
        header = (importlib.util.MAGIC_NUMBER + bytes(4)
                  + (int(stat.st_mtime) & 0xFFFFFFFF).to_bytes(4, "little")
                  + (stat.st_size & 0xFFFFFFFF).to_bytes(4, "little"))
        try:
            with open(cache, "rb") as file:
                data = file.read()
            if data[:16] == header:
                code: CodeType = marshal.loads(data[16:])
                return code
        except (OSError, EOFError, ValueError, TypeError):
            pass
        if sys.dont_write_bytecode or not _writable(os.path.dirname(cache)):
            return super().get_code(fullname)
        code = compile(self.get_data(source), source, "exec", dont_inherit=True, optimize=1)
        partial = f"{cache}.{os.getpid()}"
        try:
            with open(partial, "wb") as file:
                file.write(header + marshal.dumps(code))
            os.replace(partial, cache)
        except OSError:
            pass
        return code


def _writable(folder: str) -> bool:
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


# The packages and, for each provider package, the modules of it this project
# uses: the one table to edit for another binding or provider version. An
# empty tuple loads the package whole. The names come from the toolchain.
_CORE, _HELM, _KUBERNETES = TOOLCHAINS[TOOLCHAIN]
BINDING_MODULES: dict[str, tuple[str, ...]] = {
    "constructs": (),
    _CORE: (),
    _HELM: ("provider", "release"),
    _KUBERNETES: ("annotations", "labels", "manifest", "namespace_v1", "provider", "secret_v1"),
}

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
    _loaded = load_bindings(BINDING_MODULES)
    _constructs = _loaded["constructs"]
    _cdktf = _loaded[_CORE]
    _helm_provider = _loaded[f"{_HELM}.provider"]
    _helm_release = _loaded[f"{_HELM}.release"]
    _k8s_annotations = _loaded[f"{_KUBERNETES}.annotations"]
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
    # The toolchain chosen (istio_mesh.toolchain) is the one whose classes the
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
    "BINDING_MODULES",
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
