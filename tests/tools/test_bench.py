"""The benchmark's own logic (tools/bench), on made-up figures: what it
measures, how it words and computes the report; and that its hand-written
floor still writes prod's Terraform. No timing is asserted here."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, Synth

sys.path.insert(0, str(REPO / "tools" / "bench"))

import bench_run  # noqa: E402
from bench_probe import OTHER, origin, peak_memory  # noqa: E402
from bench_run import Case, Measured, Sample, binding_packages, report, write_fleet  # noqa: E402
from handwritten_prod import STACKS, without_metadata  # noqa: E402

from istio_mesh.config.loader import load_configs, select_config_paths  # noqa: E402

FACTS = {
    "cpus": 2, "system": "Linux x86_64", "python": "3.11.7", "node": "v20", "cdktf": "0.21.0",
    "jsii": "1.0", "cpu_model": "test CPU", "memory_gib": 24.0,
    "load_average_before": [0.5, 0, 0], "load_average_after": [0.7, 0, 0],
}


def test_the_whole_import_is_of_the_packages_in_terraform_py_s_table() -> None:
    assert binding_packages() == [
        "cdktf", "cdktf_cdktf_provider_helm", "cdktf_cdktf_provider_kubernetes"]


def test_the_probe_loads_nothing_of_ours_before_it_measures() -> None:
    # Each mode must measure what it names: the probe's module level may only
    # use the standard library.
    tree = ast.parse((REPO / "tools" / "bench" / "bench_probe.py").read_text())
    top = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            top.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            top.add(node.module.split(".")[0])
    assert top - {"__future__"} <= set(sys.stdlib_module_names)


def test_the_benchmark_is_not_part_of_the_library() -> None:
    package = REPO / "constructs" / "istio_mesh"
    assert not (package / "bench.py").exists()
    assert not (package / "bench_probe.py").exists()


def test_results_go_under_build_unless_recorded() -> None:
    assert bench_run.results_path(record=False) == REPO / "build" / "bench" / "results.json"
    assert bench_run.results_path(record=True) == REPO / "benchmarks" / "results.json"


def test_the_hand_written_floor_holds_prods_terraform(synth: Synth) -> None:
    # If prod's output changed on purpose: python tools/bench/handwritten_prod.py
    # --refresh <a cdktf.out with prod in it>
    data = json.loads((REPO / "tools" / "bench" / "prod_terraform.json").read_text())
    assert sorted(data) == list(STACKS)
    for stack in STACKS:
        assert data[stack] == without_metadata(synth.stack(stack)), stack


def test_the_hand_written_floor_synthesizes_it(tmp_path: Path, synth: Synth) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "bench" / "handwritten_prod.py"), str(tmp_path)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert bench_run.same_terraform(tmp_path, synth.outdir, STACKS)


def test_fleet_configs_are_valid_copies_with_their_own_context(tmp_path: Path) -> None:
    selector = write_fleet(REPO / "config" / "prod.yaml", 3, tmp_path)
    configs = load_configs(select_config_paths(selector))
    assert sorted(configs) == ["cluster-000", "cluster-001", "cluster-002"]
    assert [c.connection.context for c in configs.values()] == sorted(configs)
    prod = load_configs([REPO / "config" / "prod.yaml"])["prod"]
    assert configs["cluster-001"].model_copy(update={"connection": prod.connection}) == prod


def test_the_cases_in_the_order_they_are_printed(tmp_path: Path) -> None:
    found = bench_run.cases([REPO / "config" / "dev.yaml"], [1, 10], tmp_path)
    assert [c.key for c in found] == [
        "whole", "used", "handwritten", "config:dev", "fleet:1", "fleet:10", "checks:10",
        "before:10"]
    assert dict(found[-2].env) == {"ISTIO_MESH_BINDING_TYPE_CHECKS": "1"}
    assert dict(found[-1].env) == {
        "ISTIO_MESH_BINDING_TYPE_CHECKS": "1", "ISTIO_MESH_JSII_DIRECT": "0"}
    assert found[-1].argv == found[-2].argv == found[-3].argv


def test_profile_origins() -> None:
    assert origin("/x/constructs/istio_mesh/app.py", "build_app") == "istio_mesh (our code)"
    assert origin("~", "<method 'readline' of '_io.BufferedReader' objects>").startswith("waiting")
    assert origin("~", "<method 'flush' of '_io.BufferedWriter' objects>").startswith("waiting")
    assert origin("/v/site-packages/typeguard/__init__.py", "check_type").startswith("binding type")
    assert origin("/v/site-packages/jsii/_kernel/__init__.py", "create").startswith("jsii")
    assert origin("/v/site-packages/cdktf_cdktf_provider_helm/release/__init__.py",
                  "__init__").startswith("binding classes")
    assert origin("~", "<built-in method builtins.isinstance>") == OTHER


def test_peak_memory_reads_this_process() -> None:
    memory = peak_memory()
    assert memory["python_kib"] is not None and memory["python_kib"] > 1024


def _measured(key: str, label: str, walls: list[float], cpu: float, mib: float = 300,
              outdir: Path | None = None) -> Measured:
    samples = [Sample(wall_seconds=w, cpu_seconds=cpu, in_process_seconds=w - 0.1,
                      phases={"main": w - 0.2}, peak_mib=mib + 100, python_mib=mib,
                      node_mib=100.0) for w in walls]
    return Measured(Case(key, ("synth",), label), samples, outdir=outdir)


def _outdir(folder: Path, stack_body: dict[str, object]) -> Path:
    for stack in STACKS:
        (folder / "stacks" / stack).mkdir(parents=True)
        (folder / "stacks" / stack / "cdk.tf.json").write_text(json.dumps(stack_body))
    (folder / "manifest.json").write_text(json.dumps({"stacks": {
        s: {"dependencies": [], "synthesizedStackPath": f"stacks/{s}/cdk.tf.json"}
        for s in STACKS}}))
    return folder


def test_report_gives_ratios_per_cluster_costs_and_the_targets(tmp_path: Path) -> None:
    release = {"resource": {"helm_release": {"base": {"chart": "base", "timeout": 600}}}}
    ours = _outdir(tmp_path / "ours", {**release, "//": {"metadata": {"path": "a"}}})
    hand = _outdir(tmp_path / "hand", {**release, "//": {"metadata": {"path": "b"}}})
    measured = {m.case.key: m for m in (
        _measured("whole", "whole packages", [10.0, 8.0, 9.0], 9.0, mib=220),
        _measured("used", "modules used", [3.0, 2.5, 2.8], 2.7, mib=40),
        _measured("handwritten", "prod by hand", [3.2, 3.1, 3.3], 3.0, outdir=hand),
        _measured("config:prod", "prod", [4.5, 3.92, 4.2], 3.8, outdir=ours),
        _measured("fleet:1", "1 cluster", [4.0, 4.1, 4.4], 4.0),
        _measured("fleet:100", "100 clusters", [13.0, 12.0, 11.0], 10.0),
        _measured("checks:100", "100 clusters, checks kept", [19.0, 18.0, 17.5], 14.0),
        _measured("before:100", "100 clusters, checks + relay", [25.0, 24.0, 27.0], 16.0),
    )}
    lines, document = report(measured, None, 3, FACTS)
    text = "\n".join(lines)
    assert "3 run(s) per case" in text
    assert "import 3 packages whole          9.00 s ( 8.00)     1.00" in text  # median (min)
    assert "prod by hand writes the same Terraform JSON as main.py" in text
    assert "main.py costs +0.82 s over it" in text
    assert document["configs"]["prod"]["min_ratio_to_whole_import"] == 0.49
    assert document["fleet"]["fleet:100"]["min_ratio_to_one"] == 2.75
    assert document["seconds_per_further_cluster"] == {
        "fleet:100": {"wall_min": 0.0707, "cpu": 0.0606},
        "checks:100": {"wall_min": 0.1364, "cpu": 0.101},
        "before:100": {"wall_min": 0.2020, "cpu": 0.1212},
    }
    assert "each further cluster (100 clusters, checks kept): 136 ms wall" in text
    assert document["per_cluster_ratio_to_before"] == {"wall_min": 0.35, "cpu": 0.5}
    assert "each further cluster now costs 0.35 of what it did before (wall, best runs)" in text
    # prod: best of 3 is 3.92 s, 0.49 of the whole import's best 8.0 s; the
    # fleet's best of its first 2 runs is 12.0 s, 1.5 of it.
    assert document["targets"]["prod_best_of_3"] == {"ratio": 0.49, "target": 0.5, "met": True}
    assert document["targets"]["fleet_100_best_of_2"] == {"ratio": 1.5, "target": 1.5, "met": True}
    assert "100 clusters, best of 2: 12.00 s = 1.50 x (target at most 1.5): met" in text
    assert document["peak_rss_mib"]["used"] == 140.0


def test_a_missed_target_says_so(tmp_path: Path) -> None:
    measured = {m.case.key: m for m in (
        _measured("whole", "whole packages", [4.0], 4.0),
        _measured("used", "modules used", [1.5], 1.5),
        _measured("fleet:1", "1 cluster", [2.5], 2.5),
        _measured("fleet:100", "100 clusters", [7.0], 7.0),
    )}
    lines, document = report(measured, None, 1, FACTS)
    assert document["targets"]["fleet_100_best_of_2"]["met"] is False
    assert "(target at most 1.5): NOT met" in "\n".join(lines)


def test_repeat_comes_from_the_environment_for_quick_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(bench_run.REPEAT_ENV, "1")
    assert bench_run.repeat_default() == 1
    monkeypatch.delenv(bench_run.REPEAT_ENV)
    assert bench_run.repeat_default() == bench_run.DEFAULT_REPEAT
