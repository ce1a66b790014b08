"""The example consumer app (examples/consumer-app).

``make example`` (run by CI) builds the wheel, installs it in a fresh virtual
environment and synthesizes the app there; these tests run the same app
in-process against the source tree, so a change that breaks the library's
use from another app fails the ordinary suite too.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

from conftest import REPO

EXAMPLE = REPO / "examples" / "consumer-app"


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"consumer_app_{name}", EXAMPLE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_synthesizes_the_mesh_beside_its_own_resources(tmp_path: Path) -> None:
    main, verify = _module("main"), _module("verify")
    main.build_app(str(tmp_path)).synth()
    assert verify.problems(tmp_path) == []
    platform = json.loads((tmp_path / "stacks" / "platform" / "cdk.tf.json").read_text())
    assert set(platform["resource"]) == {
        "helm_release", "kubernetes_namespace_v1", "kubernetes_config_map_v1"}
    assert set(platform["provider"]) == {"helm", "kubernetes"}


def test_example_pins_are_the_lock_files() -> None:
    lock = json.loads((REPO / "Pipfile.lock").read_text())["default"]
    locked = {name: spec["version"] for name, spec in lock.items() if "version" in spec}
    pinned = dict(
        re.match(r"^([A-Za-z0-9_.-]+)(==[^;\s]+)", line).groups()  # type: ignore[union-attr]
        for line in (EXAMPLE / "requirements.txt").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert pinned == locked


def test_example_is_a_separate_cdktf_app() -> None:
    cdktf_json = json.loads((EXAMPLE / "cdktf.json").read_text())
    assert cdktf_json["language"] == "python" and cdktf_json["app"] == "python main.py"
    makefile = (REPO / "Makefile").read_text()
    assert "dist/istio_mesh-*.whl" in makefile and "-m venv" in makefile
    assert re.search(r"^make example$", (REPO / ".ci" / "run").read_text(), re.M)
