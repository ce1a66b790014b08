"""How ``istio_mesh.terraform`` loads the bindings: only the modules it uses,
the package ``__init__`` deferred, the bindings' runtime type checks compiled
out unless asked for; and how ``main.py`` starts jsii's kernel (without its
relay process). None of it may show in the output or to a user who imports
the bindings too.

The first tests run the loader on a small made-up package (no jsii); the
others start processes, since what a process has imported cannot be undone.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from conftest import REPO
from istio_mesh.process_lifetime import DIRECT_KERNEL_ENV
from istio_mesh.terraform import BINDING_MODULES, TYPE_CHECKS_ENV, load_bindings
from istio_mesh.toolchain import TOOLCHAIN, TOOLCHAINS

CORE, HELM, KUBERNETES = TOOLCHAINS[TOOLCHAIN]

PACKAGE_INIT = """\
import sys
sys.modules["fakebinding_init_ran"] = sys  # a trace this ran
from . import _jsii, used, unused
__all__ = ["used", "unused"]
"""
GUARDED = """\
def call():
    if __debug__:
        raise TypeError("checked")
    return "unchecked"
"""


@pytest.fixture
def fake_binding(tmp_path: Path) -> Iterator[Path]:
    """A package shaped like a provider binding: ``__init__`` imports every
    module; each module guards its calls with ``if __debug__:``."""
    package = tmp_path / "fakebinding"
    package.mkdir()
    (package / "__init__.py").write_text(PACKAGE_INIT)
    (package / "_jsii.py").write_text("ASSEMBLY = 'loaded'\n")
    (package / "used.py").write_text(GUARDED)
    (package / "unused.py").write_text(GUARDED)
    sys.path.insert(0, str(tmp_path))
    try:
        yield package
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.startswith("fakebinding")]:
            del sys.modules[name]


def _load(monkeypatch: pytest.MonkeyPatch, checks: str | None = None) -> dict[str, ModuleType]:
    if checks is None:
        monkeypatch.delenv(TYPE_CHECKS_ENV, raising=False)
    else:
        monkeypatch.setenv(TYPE_CHECKS_ENV, checks)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    return load_bindings({"fakebinding": ("used",)})


def test_only_the_listed_module_is_imported_and_the_init_waits(
    fake_binding: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = _load(monkeypatch)
    assert loaded["fakebinding.used"].call() == "unchecked"
    assert "fakebinding._jsii" in sys.modules
    assert "fakebinding.unused" not in sys.modules
    assert "fakebinding_init_ran" not in sys.modules
    package = importlib.import_module("fakebinding")
    assert package.__all__ == ["used", "unused"]  # reading it ran the real __init__
    assert "fakebinding_init_ran" in sys.modules
    with pytest.raises(TypeError, match="checked"):  # imported by __init__, the plain way
        package.unused.call()
    assert package.used is loaded["fakebinding.used"]


def test_from_package_import_star_runs_the_init(
    fake_binding: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(monkeypatch)
    namespace: dict[str, Any] = {}
    exec("from fakebinding import *", namespace)
    assert namespace["used"].call() == "unchecked"
    with pytest.raises(TypeError, match="checked"):
        namespace["unused"].call()


def test_the_optimized_bytecode_is_cached_where_python_o_keeps_it(
    fake_binding: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(monkeypatch)
    cached = fake_binding / "__pycache__" / f"used.{sys.implementation.cache_tag}.opt-1.pyc"
    assert cached.is_file()
    assert sys.modules["fakebinding.used"].__cached__ == str(cached)
    # `python -O` takes the file as its own: it loads it instead of compiling.
    done = subprocess.run(
        [sys.executable, "-O", "-v", "-c", "import fakebinding.used as u; print(u.call())"],
        capture_output=True, text=True, check=True, cwd=fake_binding.parent,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.stdout == "unchecked\n"
    assert f"code object from '{cached}'" in done.stderr


def test_the_switch_keeps_the_checks(fake_binding: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = _load(monkeypatch, checks="1")
    with pytest.raises(TypeError, match="checked"):
        loaded["fakebinding.used"].call()


def test_without_a_writable_cache_the_checks_stay(
    fake_binding: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Compiling on every run would cost more than the checks it removes.
    monkeypatch.delenv(TYPE_CHECKS_ENV, raising=False)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    loaded = load_bindings({"fakebinding": ("used",)})
    with pytest.raises(TypeError, match="checked"):
        loaded["fakebinding.used"].call()


def test_an_already_imported_package_is_used_as_it_is(
    fake_binding: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fakebinding  # the user's plain import, first

    assert "fakebinding_init_ran" in sys.modules
    loaded = _load(monkeypatch)
    assert loaded["fakebinding.used"] is fakebinding.used
    with pytest.raises(TypeError, match="checked"):
        loaded["fakebinding.used"].call()


def test_the_table_names_the_installed_toolchains_packages() -> None:
    assert set(BINDING_MODULES) == {"constructs", CORE, HELM, KUBERNETES}


# The real bindings, one process per way of loading them.

PROBE = textwrap.dedent(
    """
    import contextlib, dis, json, os, sys
    from istio_mesh.process_lifetime import loading_bindings
    {prelude}
    with {loading}:
        from istio_mesh.app import build_app
    from istio_mesh.config.loader import load_configs, select_config_paths
    import istio_mesh.terraform as t

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
    relay); ``whole`` as a plain cdktf program does (the packages whole,
    checked, jsii's own launcher)."""
    ours, whole = tmp_path_factory.mktemp("ours"), tmp_path_factory.mktemp("whole")
    started = {
        "ours": (_start("", "loading_bindings()", USER_AFTER, ours,
                        {TYPE_CHECKS_ENV: "", DIRECT_KERNEL_ENV: ""}), ours),
        "whole": (_start("import {core}, {helm}, {kubernetes}", "contextlib.nullcontext()", "", whole,
                         {TYPE_CHECKS_ENV: "1", DIRECT_KERNEL_ENV: "0"}), whole),
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
    """conftest collects inside ``loading_bindings()`` and this module imports
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
