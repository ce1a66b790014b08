"""The launcher the fast path starts jsii's kernel with (``jsii_launcher.js``):
its two hooks, registered with Node's module.registerHooks, run on small
made-up packages shaped like the real ones, applied only to the versions they
were verified on and saying so where they do not apply; and the framing of
what the kernel prints. That the real synthesis is byte-identical with and
without them is tested in test_fast_path.py; what they save, in make bench."""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from istio_mesh.runtime.toolchain import TOOLCHAIN, TOOLCHAINS

LAUNCHER = REPO / "constructs" / "istio_mesh" / "runtime" / "jsii_launcher.js"
SWITCH = "CDKTN_DISABLE_CREATION_STACK"

# The two shapes of a provider binding's lib/index.js: cdktf's, and CDK
# Terrain's (TypeScript's `export * as x` compiled with __importStar).
CDKTF_INDEX = """\
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.unused = exports.used = void 0;
exports.used = require("./used");
exports.unused = require("./unused");
"""
CDKTN_INDEX = """\
"use strict";
var __importStar = function (mod) { return { ...mod, wrapped: true }; };
Object.defineProperty(exports, "__esModule", { value: true });
exports.unused = exports.used = void 0;
exports.used = __importStar(require("./used/index"));
exports.unused = __importStar(require("./unused/index"));
"""
MODULE = """\
(globalThis.compiled ??= []).push({name!r});
exports.Resource = class Resource {{}};
"""
STACK_TRACE = """\
exports.captureStackTrace = function captureStackTrace() { return ["at a kernel frame"]; };
"""
PROBE = """\
const launcher = require(process.argv[1]);
if (process.argv[3] === "install") launcher.install();
const found = {switch: process.env.CDKTN_DISABLE_CREATION_STACK ?? null};
const index = require(process.argv[2]);
if (!process.argv[2].endsWith("stack-trace.js")) {
    found.compiledAtLoad = [...(globalThis.compiled ?? [])];
    found.keys = Object.keys(index).filter((k) => k !== "__esModule").sort();
    found.sameObject = index.used === index.used;
    found.usedResource = typeof index.used.Resource;
    found.compiledAfterUse = [...globalThis.compiled];
} else {
    found.stack = index.captureStackTrace();
}
console.log(JSON.stringify(found));
"""


def _node() -> str:
    node = shutil.which("node")
    assert node is not None, "node is on PATH for every test (conftest)"
    return node


def _package(root: Path, index: str, module_path: str, version: str = "12.1.2") -> Path:
    """A made-up package under the name and (by default) the version of the
    verified helm binding."""
    lib = root / "node_modules" / "@cdktf" / "provider-helm" / "lib"
    lib.mkdir(parents=True)
    (lib.parent / "package.json").write_text(
        json.dumps({"name": "@cdktf/provider-helm", "version": version}))
    for name in ("used", "unused"):
        target = lib / module_path.format(name=name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(MODULE.format(name=name))
    (lib / "index.js").write_text(index)
    return lib / "index.js"


def _run(target: Path, install: bool, env: dict[str, str] | None = None,
         stderr: list[str] | None = None) -> dict[str, Any]:
    environment = {k: v for k, v in os.environ.items() if k != SWITCH}
    environment.update(env or {})
    done = subprocess.run(
        [_node(), "-e", PROBE, str(LAUNCHER), str(target), "install" if install else "plain"],
        capture_output=True, text=True, check=False, env=environment,
    )
    assert done.returncode == 0, done.stderr
    if stderr is not None:
        stderr.extend(done.stderr.splitlines())
    found: dict[str, Any] = json.loads(done.stdout)
    return found


@pytest.mark.parametrize(
    ("index", "module_path"),
    [(CDKTF_INDEX, "{name}.js"), (CDKTN_INDEX, "{name}/index.js")],
    ids=["cdktf-bindings", "cdktn-bindings"],
)
def test_a_provider_index_compiles_a_module_only_when_it_is_first_used(
    tmp_path: Path, index: str, module_path: str
) -> None:
    target = _package(tmp_path, index, module_path)
    hooked = _run(target, install=True)
    assert hooked["compiledAtLoad"] == []
    assert hooked["compiledAfterUse"] == ["used"]
    assert hooked["keys"] == ["unused", "used"]
    assert hooked["sameObject"] is True
    assert hooked["usedResource"] == "function"
    plain = _run(target, install=False)
    assert plain["compiledAtLoad"] == ["used", "unused"]
    assert plain["keys"] == hooked["keys"]


def test_an_index_of_another_shape_is_left_as_it_is(tmp_path: Path) -> None:
    index = '"use strict";\nmodule.exports = { used: require("./used"), unused: require("./unused") };\n'
    target = _package(tmp_path, index, "{name}.js")
    assert _run(target, install=True)["compiledAtLoad"] == ["used", "unused"]


def _stack_trace(root: Path, version: str) -> Path:
    target = root / "node_modules" / "cdktf" / "lib" / "tokens" / "private" / "stack-trace.js"
    target.parent.mkdir(parents=True)
    target.write_text(STACK_TRACE)
    (root / "node_modules" / "cdktf" / "package.json").write_text(
        json.dumps({"name": "cdktf", "version": version}))
    return target


def test_an_unverified_provider_release_is_compiled_whole_and_said_so(tmp_path: Path) -> None:
    target = _package(tmp_path, CDKTF_INDEX, "{name}.js", version="12.9.0")
    said: list[str] = []
    assert _run(target, install=True, stderr=said)["compiledAtLoad"] == ["used", "unused"]
    assert said == [
        "istio-mesh: @cdktf/provider-helm@12.9.0 is not a version the lazy provider index was "
        "verified on (12.1.2), so all of its modules are compiled; synthesis is slower but unchanged"]


def test_a_verified_index_of_another_shape_is_said_so(tmp_path: Path) -> None:
    index = '"use strict";\nmodule.exports = { used: require("./used"), unused: require("./unused") };\n'
    target = _package(tmp_path, index, "{name}.js")
    said: list[str] = []
    _run(target, install=True, stderr=said)
    assert said == [
        "istio-mesh: @cdktf/provider-helm@12.1.2's lib/index.js has no line the lazy provider index "
        "understands, so all of its modules are compiled; synthesis is slower but unchanged"]


def test_an_unverified_cdktf_keeps_its_creation_stacks_and_says_so(tmp_path: Path) -> None:
    target = _stack_trace(tmp_path, "0.22.0")
    said: list[str] = []
    assert _run(target, install=True, stderr=said) == {"switch": "1", "stack": ["at a kernel frame"]}
    assert said == [
        "istio-mesh: cdktf@0.22.0 is not a version whose creation stacks were verified (0.21.0), "
        "so each token records one; synthesis is slower but unchanged"]


FRAMING_PROBE = """\
require(process.argv[1]).frameOutput();
console.error("a debug line");
process.stdout.write("printed by kernel code\\n");
"""


def test_what_the_kernel_prints_is_framed_as_jsii_s_relay_frames_it() -> None:
    done = subprocess.run([_node(), "-e", FRAMING_PROBE, str(LAUNCHER)], capture_output=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == b""  # the kernel's answers alone go there
    frames = [json.loads(line) for line in done.stderr.splitlines()]
    assert frames == [
        {"stderr": base64.b64encode(b"a debug line\n").decode()},
        {"stdout": base64.b64encode(b"printed by kernel code\n").decode()},
    ]


def test_cdktf_token_creation_stacks_are_dropped_as_cdk_terrain_drops_them(tmp_path: Path) -> None:
    target = _stack_trace(tmp_path, "0.21.0")
    assert _run(target, install=True) == {"switch": "1", "stack": []}
    assert _run(target, install=False) == {"switch": None, "stack": ["at a kernel frame"]}
    # The switch a user set wins, whichever toolchain.
    assert _run(target, install=True, env={SWITCH: "0"}) == {
        "switch": "0", "stack": ["at a kernel frame"]}



# The real packages the installed toolchain ships (each binding's jsii
# tarball): a new binding release whose files no longer have the shapes the
# hooks expect would turn them off without a failing synthesis, only a slower
# one. These say so at once.

LAZY_PROBE = """\
const { lazyIndex } = require(process.argv[1]);
const source = require("fs").readFileSync(0, "utf8");
const lazy = lazyIndex(source);
console.log(JSON.stringify({
    requires: (source.match(/require\\(/g) ?? []).length,
    lazy: (lazy.match(/__istioMeshLazyExport\\(exports, /g) ?? []).length,
}));
"""


def _tarball_member(package: str, member: str) -> str:
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations, package
    [tarball] = Path(spec.submodule_search_locations[0], "_jsii").glob("*.jsii.tgz")
    with tarfile.open(tarball) as archive:
        found = archive.extractfile(f"package/{member}")
        assert found is not None, (tarball, member)
        return found.read().decode()


@pytest.mark.parametrize("binding", ["helm", "kubernetes"])
def test_every_module_of_the_installed_provider_index_loads_lazily(binding: str) -> None:
    _, helm, kubernetes = TOOLCHAINS[TOOLCHAIN]
    source = _tarball_member(helm if binding == "helm" else kubernetes, "lib/index.js")
    done = subprocess.run([_node(), "-e", LAZY_PROBE, str(LAUNCHER)], input=source,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)
    assert counts["requires"] >= 3
    assert counts["lazy"] == counts["requires"]


def test_the_installed_core_has_the_creation_stack_the_launcher_turns_off() -> None:
    core = TOOLCHAINS[TOOLCHAIN][0]
    source = _tarball_member(core, "lib/tokens/private/stack-trace.js")
    if core == "cdktf":  # no switch: the launcher replaces this function
        assert "exports.captureStackTrace = captureStackTrace;" in source
    else:  # CDK Terrain reads its own switch, which the launcher sets
        assert 'process.env.CDKTN_DISABLE_CREATION_STACK' in source
        assert "captureCreationStack" in _tarball_member(core, "lib/tokens/lazy.js")


EXEC_ARGV_PROBE = """\
require(process.argv[2]).preserveSymlinksInExecArgv();
console.log(JSON.stringify(process.execArgv));
"""


@pytest.mark.parametrize(
    ("node_options", "exec_argv"),
    [("--no-warnings --preserve-symlinks", ["--preserve-symlinks"]), ("--no-warnings", []), ("", [])],
)
def test_the_kernel_is_told_node_preserves_symlinks_when_node_options_say_so(
    tmp_path: Path, node_options: str, exec_argv: list[str]
) -> None:
    """The kernel links each cached package into its node_modules with one
    symlink only if ``--preserve-symlinks`` is in ``process.execArgv``; main.py
    gives the flag in NODE_OPTIONS, which execArgv does not show."""
    probe = tmp_path / "probe.js"  # a file: `node -e` would put its script in execArgv
    probe.write_text(EXEC_ARGV_PROBE)
    environment = {**os.environ, "NODE_OPTIONS": node_options}
    done = subprocess.run([_node(), str(probe), str(LAUNCHER)], capture_output=True,
                          text=True, check=False, env=environment)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == exec_argv
