"""Which CDK toolchain a process runs on: cdktf 0.21 or CDK Terrain (cdktn).

Standard library only, so a process can ask without starting jsii (the
benchmark's parent does). :mod:`istio_mesh.runtime.terraform` imports the bindings
this names.

The choice is the ``ISTIO_MESH_TOOLCHAIN`` environment variable when it is
set: ``scripts/bootstrap`` (cdktf.json's app) sets it for the app from the
user's own setting or from the CLI that started the app, and picks the
virtual environment to match, so the environment and this module must agree.
A choice that is not installed here is an error, never a quiet switch to the
other toolchain: its output pins other provider versions. With no choice, the
first toolchain installed wins (a library user's process).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from importlib.util import find_spec

TOOLCHAIN_ENV = "ISTIO_MESH_TOOLCHAIN"

# The CDK core, helm binding and kubernetes binding of each toolchain, in
# order of preference. The default install (cdktf) is a base dependency, so
# cdktn being installed means the `cdktn` extra or toolchains/cdktn asked
# for it: the first toolchain whose three packages are all present wins.
TOOLCHAINS: dict[str, tuple[str, str, str]] = {
    "cdktn": ("cdktn", "cdktn_provider_helm", "cdktn_provider_kubernetes"),
    "cdktf": ("cdktf", "cdktf_cdktf_provider_helm", "cdktf_cdktf_provider_kubernetes"),
}

INSTALL_HINT = {
    "cdktn": "make install-cdktn (or pip install 'istio-mesh[cdktn]')",
    "cdktf": "make install (or pip install istio-mesh)",
}


class ToolchainError(ImportError):
    """The toolchain asked for cannot be loaded in this environment."""


def _missing(name: str) -> list[str]:
    return [package for package in TOOLCHAINS[name] if find_spec(package) is None]


def installed_toolchain() -> str:
    """The first toolchain in :data:`TOOLCHAINS` whose packages are all importable."""
    for name in TOOLCHAINS:
        if not _missing(name):
            return name
    raise ToolchainError(
        "istio-mesh needs cdktf 0.21 with its helm and kubernetes bindings, or "
        "CDK Terrain (pip install 'istio-mesh[cdktn]')"
    )


def chosen_toolchain(environ: Mapping[str, str] = os.environ) -> str:
    """The toolchain ``ISTIO_MESH_TOOLCHAIN`` names, checked to be installed;
    without it, :func:`installed_toolchain`."""
    wanted = environ.get(TOOLCHAIN_ENV, "")
    if not wanted:
        return installed_toolchain()
    if wanted not in TOOLCHAINS:
        raise ToolchainError(
            f"{TOOLCHAIN_ENV}={wanted}: not a toolchain; allowed: {', '.join(sorted(TOOLCHAINS))}"
        )
    missing = _missing(wanted)
    if missing:
        raise ToolchainError(
            f"{TOOLCHAIN_ENV}={wanted}, but {', '.join(missing)} cannot be imported by "
            f"{sys.executable}; install it with {INSTALL_HINT[wanted]}"
        )
    return wanted


TOOLCHAIN = chosen_toolchain()
