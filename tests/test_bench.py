"""The benchmark's own logic, on made-up figures: what it measures, how it
words and computes the report. No timing is asserted here."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

from conftest import REPO
from istio_mesh import bench
from istio_mesh.bench import Case, Measured, Sample, binding_packages, report, write_fleet
from istio_mesh.bench_probe import OTHER, origin, peak_memory
from istio_mesh.config.loader import load_configs, select_config_paths

FACTS = {
    "cpus": 2, "system": "Linux x86_64", "python": "3.11.7", "node": "v20", "cdktf": "0.21.0",
    "jsii": "1.0", "cpu_model": "test CPU", "memory_gib": 24.0,
    "load_average_before": [0.5, 0, 0], "load_average_after": [0.7, 0, 0],
}


def test_the_floor_imports_exactly_what_terraform_py_imports() -> None:
    assert binding_packages() == [
        "cdktf", "cdktf_cdktf_provider_helm", "cdktf_cdktf_provider_kubernetes", "constructs"]


def test_the_probe_loads_nothing_of_ours_before_it_measures() -> None:
    # The floor run must import the binding packages and nothing else: the
    # probe's module level may only use the standard library.
    tree = ast.parse((REPO / "constructs" / "istio_mesh" / "bench_probe.py").read_text())
    top = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            top.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            top.add(node.module.split(".")[0])
    assert top - {"__future__"} <= set(sys.stdlib_module_names)


def test_fleet_configs_are_valid_copies_with_their_own_context(tmp_path: Path) -> None:
    selector = write_fleet(REPO / "config" / "prod.yaml", 3, tmp_path)
    configs = load_configs(select_config_paths(selector))
    assert sorted(configs) == ["cluster-000", "cluster-001", "cluster-002"]
    assert [c.connection.context for c in configs.values()] == sorted(configs)
    prod = load_configs([REPO / "config" / "prod.yaml"])["prod"]
    assert configs["cluster-001"].model_copy(update={"connection": prod.connection}) == prod


def test_profile_origins() -> None:
    assert origin("/x/constructs/istio_mesh/app.py", "build_app") == "istio_mesh (our code)"
    assert origin("~", "<method 'readline' of '_io.BufferedReader' objects>").startswith("waiting")
    assert origin("/v/site-packages/typeguard/__init__.py", "check_type").startswith("binding type")
    assert origin("/v/site-packages/jsii/_kernel/__init__.py", "create").startswith("jsii")
    assert origin("/v/site-packages/cdktf_cdktf_provider_helm/release/__init__.py",
                  "__init__").startswith("binding classes")
    assert origin("~", "<built-in method builtins.isinstance>") == OTHER


def test_peak_memory_reads_this_process() -> None:
    memory = peak_memory()
    assert memory["python_kib"] is not None and memory["python_kib"] > 1024


def _sample(wall: float, cpu: float, mib: float, phases: dict[str, float]) -> Sample:
    return Sample(wall_seconds=wall, cpu_seconds=cpu, in_process_seconds=sum(phases.values()),
                  phases=phases, peak_mib=mib + 100, python_mib=mib, node_mib=100.0)


def _outdir(tmp_path: Path) -> Path:
    stack = {"resource": {"helm_release": {
        "base": {"chart": "base", "timeout": 600},
        "istiod": {"chart": "istiod", "timeout": 600, "depends_on": ["helm_release.base"]},
    }}}
    (tmp_path / "stacks" / "c-mesh").mkdir(parents=True)
    (tmp_path / "stacks" / "c-mesh" / "cdk.tf.json").write_text(json.dumps(stack))
    (tmp_path / "manifest.json").write_text(json.dumps({"stacks": {"c-mesh": {
        "dependencies": [], "synthesizedStackPath": "stacks/c-mesh/cdk.tf.json"}}}))
    return tmp_path


def test_report_gives_medians_ratios_targets_and_the_critical_path(tmp_path: Path) -> None:
    ours = {"load_configs": 0.2, "import_bindings": 5.0, "import_ours": 0.0, "build": 0.1,
            "synth": 0.1}
    floor = Measured(Case("floor", ("floor",), "import floor"), [
        _sample(10.0, 8.0, 400, {"import_bindings": 5.0}),
        _sample(12.0, 8.0, 400, {"import_bindings": 5.0}),
        _sample(30.0, 9.0, 400, {"import_bindings": 5.0}),
    ])
    config = Measured(Case("config:c", ("synth",), "c"),
                      [_sample(13.2, 8.8, 420, ours)], outdir=_outdir(tmp_path))
    one = Measured(Case("fleet:1", ("synth",), "1 cluster"), [_sample(13.0, 9.0, 420, ours)])
    hundred = Measured(Case("fleet:100", ("synth",), "100 clusters"),
                       [_sample(26.0, 20.0, 430, {**ours, "build": 4.0})])
    plain = Measured(Case("floor:plain-exit", ("floor",), "plain"), [
        _sample(13.5, 9.0, 400, {"import_bindings": 5.0})])
    paused = Measured(Case("floor:paused-gc", ("floor",), "paused"), [
        _sample(11.0, 7.0, 400, {"import_bindings": 4.0})])
    measured = {m.case.key: m for m in (floor, plain, paused, config, one, hundred)}
    lines, document = report(measured, None, 3, FACTS, binding_packages())
    text = "\n".join(lines)
    assert "3 run(s) per case" in text
    assert "wall 12.00 s (10.00)   CPU 8.00 s" in text  # median (min), not the mean
    assert "+1.50 s of interpreter teardown" in text
    assert "in-process 4.00 s: -1.00 s CPU" in text
    assert document["configs"]["c"]["wall_ratio_to_floor"] == 1.1
    assert document["configs"]["c"]["wall_min_ratio_to_floor"] == 1.32
    assert document["configs"]["c"]["cpu_ratio_to_floor"] == 1.1
    assert document["configs"]["c"]["memory_ratio_to_floor"] == 1.04
    assert "= 0.40 s (8.0% of the floor)" in text
    assert ("wall +10.0%, wall (min) +32.0%, CPU +10.0%, our phases +8.0%; "
            "wall met, wall (min) NOT met, CPU met, our phases met") in text
    assert document["fleet"]["100"]["wall_ratio_to_one"] == 2.0
    assert document["targets"]["fleet_ratio"] == {
        "wall": 2.0, "wall_min": 2.0, "cpu": 2.222, "in_process": 1.722}
    assert "CPU NOT met, in-process met" in text
    assert "each further cluster adds 131 ms wall, 111 ms CPU, 39 ms in-process" in text
    assert document["deploy"]["c"] == {
        "helm_stages": 2, "worst_case_seconds": 1200,
        "critical_path": ["c-mesh/helm_release.base", "c-mesh/helm_release.istiod"],
        "stack_order": [["c-mesh"]],
    }
    assert "base -> istiod (stacks: c-mesh)" in text


def test_repeat_comes_from_the_environment_for_quick_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(bench.REPEAT_ENV, "1")
    assert bench.repeat_default() == 1
    monkeypatch.delenv(bench.REPEAT_ENV)
    assert bench.repeat_default() == bench.DEFAULT_REPEAT
