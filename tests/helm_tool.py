"""Where the tests find a real Helm: ``make helm`` unpacks the pinned one.

``ISTIO_MESH_HELM`` names another binary. A missing Helm fails the test that
needs it with the command that installs it; it never skips.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PINNED = ROOT / ".tools" / "bin" / "helm"


def helm_binary() -> Path:
    """The Helm the chart-rendering tests run."""
    chosen = Path(os.environ.get("ISTIO_MESH_HELM", PINNED))
    if not chosen.is_file():
        pytest.fail(f"no Helm at {chosen}: run `make helm` (make test does it first)", pytrace=False)
    return chosen
