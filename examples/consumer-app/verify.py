#!/usr/bin/env python
"""Check a synthesized consumer app: the mesh and the team's own resources.

``make example`` runs this with the example's virtual environment, after
``python main.py``, passing ``--installed`` to also check that istio_mesh
came from the installed wheel, not from the source tree. The test suite
calls :func:`problems` on an in-process synthesis.

    python verify.py cdktf.out [--installed]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _stack(outdir: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((outdir / "stacks" / name / "cdk.tf.json").read_text())
    return data


def problems(outdir: Path) -> list[str]:
    """Everything wrong with the synthesized app; empty when it is as intended."""
    found: list[str] = []
    platform = _stack(outdir, "platform")
    resources = platform.get("resource", {})
    releases = sorted(resources.get("helm_release", {}))
    if releases != ["istio-base", "istiod", "team-ingress"]:
        found.append(f"platform: Istio releases are {releases}")
    namespace = resources.get("kubernetes_namespace_v1", {}).get("apps", {})
    if namespace.get("metadata", {}).get("name") != "team-apps":
        found.append("platform: the team's namespace team-apps is missing")
    elif namespace.get("depends_on") != ["helm_release.istiod"]:
        found.append(f"platform: team-apps depends on {namespace.get('depends_on')}, not istiod")
    facts = resources.get("kubernetes_config_map_v1", {}).get("mesh-facts", {}).get("data")
    expected = {
        "meshId": "team-mesh",
        "rootNamespace": "istio-system",
        "istiodRevisions": "default",
        "ingressServices": "team-ingress.istio-ingress",
    }
    if facts != expected:
        found.append(f"platform: ConfigMap mesh-facts holds {facts}, expected {expected}")
    policies = _stack(outdir, "platform-policies").get("resource", {})
    if sorted(policies.get("kubernetes_manifest", {})) != [
        "peer_authentication_istio-system"
    ]:
        found.append("platform-policies: the mesh-wide PeerAuthentication is missing")
    if sorted(policies.get("kubernetes_namespace_v1", {})) != ["shop"]:
        found.append("platform-policies: namespace shop is not onboarded")
    manifest = json.loads((outdir / "manifest.json").read_text())
    if manifest["stacks"]["platform-policies"]["dependencies"] != ["platform"]:
        found.append("platform-policies does not depend on platform")
    return found


def installed_problems() -> list[str]:
    """istio_mesh must be the installed wheel, of the version it says it is."""
    import importlib.metadata

    import istio_mesh

    found = []
    location = Path(istio_mesh.__file__).resolve()
    if "site-packages" not in location.parts or not location.is_relative_to(Path(sys.prefix).resolve()):
        found.append(f"istio_mesh imported from {location}, not from this environment's wheel")
    # Files besides the modules that the package reads at run time: main.py's
    # jsii launcher and the chart the Gateway API CRDs are installed with.
    for data in ("runtime/jsii_launcher.js", "charts/gateway-api-crds/Chart.yaml"):
        if not (location.parent / data).is_file():
            found.append(f"the wheel lacks istio_mesh/{data}")
    installed = importlib.metadata.version("istio-mesh")
    if installed != istio_mesh.__version__:
        found.append(f"wheel metadata says {installed}, istio_mesh.__version__ {istio_mesh.__version__}")
    return found


def main(argv: list[str]) -> int:
    outdir = Path(argv[0])
    found = problems(outdir) + (installed_problems() if "--installed" in argv[1:] else [])
    for problem in found:
        print(f"example: {problem}", file=sys.stderr)
    if not found:
        import istio_mesh

        print(f"example: OK (istio-mesh {istio_mesh.__version__} from "
              f"{Path(istio_mesh.__file__).parent})")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
