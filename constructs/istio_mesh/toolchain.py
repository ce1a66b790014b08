"""Which CDK toolchain is installed: cdktf 0.21 or CDK Terrain (cdktn).

Standard library only, so a process can ask without starting jsii (the
benchmark's parent does). :mod:`istio_mesh.terraform` imports the bindings
this names.
"""

from __future__ import annotations

from importlib.util import find_spec

# The CDK core, helm binding and kubernetes binding of each toolchain, in
# order of preference. The default install (cdktf) is a base dependency, so
# cdktn being installed means the `cdktn` extra or toolchains/cdktn asked
# for it: the first toolchain whose three packages are all present wins.
TOOLCHAINS: dict[str, tuple[str, str, str]] = {
    "cdktn": ("cdktn", "cdktn_provider_helm", "cdktn_provider_kubernetes"),
    "cdktf": ("cdktf", "cdktf_cdktf_provider_helm", "cdktf_cdktf_provider_kubernetes"),
}


def installed_toolchain() -> str:
    """The first toolchain in :data:`TOOLCHAINS` whose packages are all importable."""
    for name, packages in TOOLCHAINS.items():
        if all(find_spec(package) is not None for package in packages):
            return name
    raise ImportError(
        "istio-mesh needs cdktf 0.21 with its helm and kubernetes bindings, or "
        "CDK Terrain (pip install 'istio-mesh[cdktn]')"
    )


TOOLCHAIN = installed_toolchain()
