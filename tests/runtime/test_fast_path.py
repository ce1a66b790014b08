"""The fast path (``istio_mesh.runtime.fast_path``), on the real bindings, one
process per way of loading them, since what a process has imported cannot be
undone: ``ours`` turns it on as main.py does (only the modules used, checks
compiled out, jsii's kernel without its relay); ``whole`` is a plain cdktf
program. None of it may show in the output or to a user who imports the
bindings too; and without the switch, importing our package changes nothing
a plain ``import cdktf`` would not.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from istio_mesh.runtime import fast_path
from istio_mesh.runtime.fast_path import FAST_PATH_ENV, TYPE_CHECKS_ENV
from istio_mesh.runtime.kernel import DIRECT_KERNEL_ENV
from istio_mesh.runtime.toolchain import TOOLCHAIN, TOOLCHAINS

CORE, HELM, KUBERNETES = TOOLCHAINS[TOOLCHAIN]


# The real bindings, one process per way of loading them.

PROBE = textwrap.dedent(
    """
    import contextlib, dis, json, os, sys
    {prelude}
    {loading}
    from istio_mesh.app import build_app
    from istio_mesh.config.loader import load_configs, select_config_paths
    import istio_mesh.runtime.terraform as t

    def node_processes():
        found, pending = 0, [str(os.getpid())]
        while pending:
            pid = pending.pop()
            for task in os.listdir(f"/proc/{{pid}}/task"):
                with open(f"/proc/{{pid}}/task/{{task}}/children") as children:
                    for child in children.read().split():
                        with open(f"/proc/{{child}}/comm") as comm:
                            found += comm.read().strip() == "node"
                        pending.append(child)
        return found

    def checked(cls):
        return any(i.argval == "check_type" for i in dis.get_instructions(cls.__init__))

    report = {{
        "kubernetes_modules": sorted(
            m.split(".", 1)[1] for m in sys.modules
            if m.startswith("{kubernetes}.") and not m.endswith("._private")),
        "checked": {{"Manifest": checked(t.KubernetesManifest), "Release": checked(t.HelmRelease),
                     "TerraformOutput": checked(t.TerraformOutput)}},
        "node_processes": node_processes(),
    }}
    build_app(load_configs(select_config_paths(sys.argv[1])), outdir=sys.argv[2]).synth()
    {after}
    print(json.dumps(report))
    """
)
USER_AFTER = textwrap.dedent(
    """
    import {core} as cdktf, {kubernetes} as kubernetes
    from {kubernetes}.manifest import Manifest
    from {kubernetes} import *
    report["same_class"] = Manifest is t.KubernetesManifest
    report["star_import_has_service_v1"] = "service_v1" in dir()
    app = cdktf.App(outdir=sys.argv[3])
    stack = cdktf.TerraformStack(app, "user")
    kubernetes.provider.KubernetesProvider(stack, "kubernetes")
    kubernetes.config_map_v1.ConfigMapV1(
        stack, "settings", metadata={{"name": "settings"}}, data={{"a": "b"}})
    app.synth()
    """
)


def _start(prelude: str, loading: str, after: str, tmp: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    names = {"core": CORE, "helm": HELM, "kubernetes": KUBERNETES}
    script = PROBE.format(prelude=prelude.format(**names), loading=loading,
                          after=after.format(**names), **names)
    # prod alone: every kind of resource the stacks emit (releases, manifests,
    # labels, namespaces, the write-only secret, outputs, the guard).
    configs = str(REPO / "config" / "prod.yaml")
    # As a user's shell runs main.py: bytecode may be written, so the
    # compiled-out modules are cached like python -O's. (A Python told not to
    # write bytecode keeps the checks; another test covers that.)
    inherited = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return subprocess.Popen(
        [sys.executable, "-c", script, configs, str(tmp / "out"), str(tmp / "user")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        env={**inherited, **env},
    )


def _report(process: subprocess.Popen[str]) -> dict[str, Any]:
    stdout, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr
    report: dict[str, Any] = json.loads(stdout.splitlines()[-1])
    return report


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def probes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict[str, Any], Path]]:
    """Both probe processes, started together (each waits on its own node
    process for much of its run): ``ours`` loads the bindings as main.py does
    (only the modules used, checks compiled out, jsii's kernel without its
    relay); ``whole`` as a plain cdktf program does, with no switch set (the
    packages whole, checked, jsii's own launcher)."""
    ours, whole = tmp_path_factory.mktemp("ours"), tmp_path_factory.mktemp("whole")
    started = {
        "ours": (_start("", "__import__('istio_mesh.runtime.fast_path').runtime.fast_path.enable()", USER_AFTER, ours,
                        {TYPE_CHECKS_ENV: "", DIRECT_KERNEL_ENV: ""}), ours),
        "whole": (_start("import {core}, {helm}, {kubernetes}", "pass", "", whole,
                         {}), whole),
    }
    return {name: (_report(process), tmp) for name, (process, tmp) in started.items()}


@pytest.fixture(scope="module")
def loaded_our_way(probes: dict[str, tuple[dict[str, Any], Path]]) -> tuple[dict[str, Any], Path]:
    return probes["ours"]


@pytest.fixture(scope="module")
def loaded_whole_first(probes: dict[str, tuple[dict[str, Any], Path]]) -> tuple[dict[str, Any], Path]:
    return probes["whole"]


def test_only_the_kubernetes_modules_we_use_are_imported(
    loaded_our_way: tuple[dict[str, Any], Path],
) -> None:
    report, _ = loaded_our_way
    assert report["kubernetes_modules"] == [
        "_jsii", "annotations", "data_kubernetes_resources", "labels", "manifest", "namespace_v1",
        "provider", "secret_v1"]


def test_the_runtime_type_checks_are_compiled_out_of_what_we_load(
    loaded_our_way: tuple[dict[str, Any], Path], loaded_whole_first: tuple[dict[str, Any], Path],
) -> None:
    assert loaded_our_way[0]["checked"] == {
        "Manifest": False, "Release": False, "TerraformOutput": False}
    assert loaded_whole_first[0]["checked"] == {
        "Manifest": True, "Release": True, "TerraformOutput": True}


def test_jsii_kernel_runs_without_its_relay_process(
    loaded_our_way: tuple[dict[str, Any], Path], loaded_whole_first: tuple[dict[str, Any], Path],
) -> None:
    assert loaded_our_way[0]["node_processes"] == 1
    assert loaded_whole_first[0]["node_processes"] == 2  # jsii's launcher, then the kernel


def test_a_user_importing_the_packages_afterwards_gets_them_whole(
    loaded_our_way: tuple[dict[str, Any], Path],
) -> None:
    report, tmp = loaded_our_way
    assert report["same_class"] is True
    assert report["star_import_has_service_v1"] is True
    stack = json.loads((tmp / "user" / "stacks" / "user" / "cdk.tf.json").read_text())
    assert stack["resource"]["kubernetes_config_map_v1"]["settings"]["data"] == {"a": "b"}


def test_the_output_is_byte_identical_to_loading_the_packages_whole_with_checks(
    loaded_our_way: tuple[dict[str, Any], Path], loaded_whole_first: tuple[dict[str, Any], Path],
) -> None:
    ours, whole = _tree_digest(loaded_our_way[1] / "out"), _tree_digest(loaded_whole_first[1] / "out")
    assert "stacks/prod-policies/cdk.tf.json" in ours
    assert ours == whole



def test_this_test_process_runs_the_kernel_main_py_runs() -> None:
    """conftest turns the fast path on before collection and this module imports
    the bindings at its top, so the kernel every in-process synthesis of the
    run uses was started by main.py's launcher, not jsii's own."""
    kernels = []
    for task in os.listdir(f"/proc/{os.getpid()}/task"):
        with open(f"/proc/{os.getpid()}/task/{task}/children") as children:
            for child in children.read().split():
                with open(f"/proc/{child}/cmdline", "rb") as cmdline:
                    argv = cmdline.read().decode().split("\0")
                if Path(argv[0]).name == "node":
                    kernels.append(argv)
    assert len(kernels) == 1, kernels
    [runtime] = [Path(arg) for arg in kernels[0] if arg.endswith("jsii-runtime.js")]
    assert runtime.parents[1].name.startswith("istio-mesh-jsii-"), runtime


# Without the switch: a library user's own cdktf app.

PLAIN_USER = textwrap.dedent(
    """
    import importlib, json, os, pkgutil, sys
    mode, outdir = sys.argv[1], sys.argv[2]
    environ = dict(os.environ)
    if mode == "ours":
        import istio_mesh
        for info in sorted(pkgutil.walk_packages(istio_mesh.__path__, "istio_mesh."), key=lambda i: i.name):
            if not info.name.endswith("__main__"):
                importlib.import_module(info.name)
    import {core} as cdktf, {helm}, {kubernetes}
    app = cdktf.App(outdir=outdir)
    stack = cdktf.TerraformStack(app, "platform")
    {helm}.provider.HelmProvider(stack, "helm")
    if mode == "ours":
        from istio_mesh import IstioMesh, load_config
        IstioMesh.from_config(stack, "istio", config=load_config(sys.argv[3]))
    app.synth()
    bindings = ("constructs", "{core}", "{helm}", "{kubernetes}", "jsii")
    modules = sorted(m for m in sys.modules if m.split(".")[0] in bindings)
    print(json.dumps({{
        "modules": modules,
        "loaders": sorted({{type(getattr(sys.modules[m], "__loader__", None)).__name__ for m in modules}}),
        "deferred": sorted(m for m in modules if "__getattr__" in vars(sys.modules[m])
                           and m.split(".")[0] != "jsii"),
        "meta_path": [type(finder).__qualname__ for finder in sys.meta_path],
        "environ_changed": sorted(k for k in set(environ) | set(os.environ)
                                  if environ.get(k) != os.environ.get(k)),
        "gc_frozen": __import__("gc").get_freeze_count(),
    }}))
    """
)


def _binding_files() -> dict[str, int]:
    """Every file of the binding packages on disk, with its size."""
    import importlib.util

    files: dict[str, int] = {}
    for package in ("constructs", CORE, HELM, KUBERNETES):
        spec = importlib.util.find_spec(package)
        assert spec is not None and spec.submodule_search_locations
        root = Path(spec.submodule_search_locations[0])
        files.update({str(p): p.stat().st_size for p in root.rglob("*") if p.is_file()})
    return files


def _plain_user(mode: str, tmp: Path) -> tuple[dict[str, Any], str]:
    names = {"core": CORE, "helm": HELM, "kubernetes": KUBERNETES}
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("PYTHONDONTWRITEBYTECODE", "JSII_RUNTIME", FAST_PATH_ENV)}
    done = subprocess.run(
        [sys.executable, "-c", PLAIN_USER.format(**names), mode, str(tmp / mode),
         str(REPO / "examples" / "consumer-app" / "mesh.yaml")],
        capture_output=True, text=True, check=False, cwd=tmp, env=environment, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return report, done.stderr


def test_importing_our_package_changes_nothing_a_plain_cdktf_import_would_not(tmp_path: Path) -> None:
    plain, _ = _plain_user("plain", tmp_path)  # writes what plain imports write
    files_before = _binding_files()
    ours, stderr = _plain_user("ours", tmp_path)
    assert _binding_files() == files_before  # no .opt-1.pyc, nothing else
    assert ours["modules"] == plain["modules"]
    assert ours["loaders"] == plain["loaders"]
    assert ours["deferred"] == [] and plain["deferred"] == []
    assert ours["meta_path"] == plain["meta_path"]
    assert ours["environ_changed"] == plain["environ_changed"] == []
    assert ours["gc_frozen"] == plain["gc_frozen"] == 0
    assert "istio-mesh" not in stderr
    stack = json.loads((tmp_path / "ours" / "stacks" / "platform" / "cdk.tf.json").read_text())
    assert "istiod" in stack["resource"]["helm_release"]


# What the switch says when a part does not apply.

def test_an_unverified_binding_release_is_loaded_plainly_and_said_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(fast_path, "_enabled", False)
    monkeypatch.setitem(fast_path.VERIFIED, TOOLCHAIN, {CORE.replace("_", "-"): ("0.0.0",)})
    monkeypatch.delenv(FAST_PATH_ENV, raising=False)
    assert fast_path.enable() is False
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"istio-mesh: {CORE.replace('_', '-')} ")
    assert line.endswith("is not a release the fast binding loader was verified on; "
                         "synthesis is slower but unchanged")


def test_bindings_imported_first_leave_the_fast_path_off_and_say_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(fast_path, "_enabled", False)
    monkeypatch.delenv(FAST_PATH_ENV, raising=False)
    assert fast_path.enable() is False  # this process imported them at collection
    assert capsys.readouterr().err == (
        "istio-mesh: cdktf or its bindings were imported before "
        "istio_mesh.runtime.fast_path.enable(); synthesis is slower but unchanged\n")


def test_the_switch_turns_it_all_off_silently(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(fast_path, "_enabled", False)
    monkeypatch.setenv(FAST_PATH_ENV, "0")
    assert fast_path.enable() is False
    assert capsys.readouterr().err == ""


def test_the_collector_is_paused_while_the_bindings_load_then_what_they_made_is_frozen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}

    def load(table: object, *, unchecked: bool) -> dict[str, Any]:
        seen["collector_on"] = gc.isenabled()
        seen["unchecked"] = unchecked
        seen["made"] = [[i] for i in range(1000)]
        return {}

    monkeypatch.setattr(fast_path, "_enabled", False)
    monkeypatch.delenv(FAST_PATH_ENV, raising=False)
    monkeypatch.delenv(TYPE_CHECKS_ENV, raising=False)
    monkeypatch.setattr(fast_path, "load_bindings", load)
    monkeypatch.setattr(fast_path, "BINDING_MODULES", {"not_imported_yet": ()})
    frozen = gc.get_freeze_count()
    try:
        assert fast_path.enable() is True
        assert seen["collector_on"] is False and seen["unchecked"] is True
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen + len(seen["made"])
    finally:
        gc.unfreeze()


def test_the_kernels_own_output_reaches_the_user_as_text(tmp_path: Path) -> None:
    """jsii's debug lines go through the launcher's framing, as through jsii's
    relay: jsii's Python side prints them as text, not as ``b'...'``."""
    script = ("from istio_mesh.runtime.fast_path import enable; enable(); "
              "import constructs; constructs.Construct(None, 'root') if False else None")
    environment = {k: v for k, v in os.environ.items() if k not in ("JSII_RUNTIME", FAST_PATH_ENV)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=False, cwd=tmp_path, env={**environment, "JSII_DEBUG": "1"}, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert any(line.startswith("[@jsii/kernel]") for line in lines), done.stderr[:2000]
    assert not any(line.startswith("b'") or line.startswith('b"') for line in lines), done.stderr[:2000]
