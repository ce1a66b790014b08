"""Exports of the mesh plan for tools other than Terraform.

Pure: reads the plan (and the config it came from), imports no cdktf, and
writes plain files, so the export runs without starting jsii and cannot
disagree with what the Terraform stacks create.
"""

from __future__ import annotations

from istio_mesh.export.argocd import ArgoExport, ManifestFolder, Prerequisite, argocd_export
from istio_mesh.export.files import DEFAULT_OUT, export_files, export_writer, write_exports
from istio_mesh.export.waves import sync_waves

__all__ = [
    "DEFAULT_OUT",
    "ArgoExport",
    "ManifestFolder",
    "Prerequisite",
    "argocd_export",
    "export_files",
    "export_writer",
    "sync_waves",
    "write_exports",
]
