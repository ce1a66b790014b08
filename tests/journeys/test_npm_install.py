"""scripts/npm-install (make's npm step) honours the machine's npm settings
and recognises an install by what node_modules/ holds.

A scratch project pins one small package that only a fake registry on
127.0.0.1 serves; the registry is named by nothing but the machine's global
npmrc (``$PREFIX/etc/npmrc``, where npm looks for it). So the install can only
succeed, and the registry only sees requests, if that npmrc was read. The
project's own ``node_modules/.bin`` on PATH holds a ``node`` that fails:
npm must not run on it (on the pinned Node, npm reads the pinned Node's
npmrc instead of the machine's).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE, VERSION = "istio-mesh-npmrc-probe", "1.0.0"


def _tarball() -> bytes:
    manifest = json.dumps({"name": PACKAGE, "version": VERSION}).encode()
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        info = tarfile.TarInfo("package/package.json")
        info.size, info.mtime, info.mode = len(manifest), 0, 0o644
        tar.addfile(info, io.BytesIO(manifest))
    return out.getvalue()


TARBALL = _tarball()
INTEGRITY = "sha512-" + base64.b64encode(hashlib.sha512(TARBALL).digest()).decode()


class FakeRegistry(ThreadingHTTPServer):
    """Serves the probe package and records every path asked for."""

    requests: list[str]


class _Handler(BaseHTTPRequestHandler):
    server: FakeRegistry

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.server.requests.append(self.path)
        host = f"http://127.0.0.1:{self.server.server_address[1]}"
        if self.path.endswith(".tgz"):
            body, kind = TARBALL, "application/octet-stream"
        elif self.path.lstrip("/").split("?")[0] == PACKAGE:
            body = json.dumps({
                "name": PACKAGE, "dist-tags": {"latest": VERSION},
                "versions": {VERSION: {"name": PACKAGE, "version": VERSION, "dist": {
                    "tarball": f"{host}/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz", "integrity": INTEGRITY}}},
            }).encode()
            kind = "application/json"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def registry() -> Iterator[FakeRegistry]:
    server = FakeRegistry(("127.0.0.1", 0), _Handler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def project(tmp_path: Path, registry: FakeRegistry) -> tuple[Path, dict[str, str]]:
    """The scratch project, and an environment whose machine-wide npmrc names
    the fake registry (and whose user npmrc and npm cache are empty)."""
    root = tmp_path / "project"
    (root / "scripts").mkdir(parents=True)
    for script in ("npm-install", "lock_installed.js", "say-while"):
        shutil.copy2(REPO / "scripts" / script, root / "scripts" / script)
    (root / "package.json").write_text(json.dumps(
        {"name": "probe-project", "private": True, "devDependencies": {PACKAGE: VERSION}}))
    # No `resolved` URL: npm asks the configured registry where the tarball is.
    (root / "package-lock.json").write_text(json.dumps({
        "name": "probe-project", "lockfileVersion": 3, "requires": True,
        "packages": {
            "": {"name": "probe-project", "devDependencies": {PACKAGE: VERSION}},
            f"node_modules/{PACKAGE}": {"version": VERSION, "integrity": INTEGRITY, "dev": True},
        },
    }, indent=2))
    pinned_bin = root / "node_modules" / ".bin"
    pinned_bin.mkdir(parents=True)
    (pinned_bin / "node").write_text("#!/bin/sh\necho 'the project node ran' >&2\nexit 97\n")
    (pinned_bin / "node").chmod(0o755)
    prefix = tmp_path / "machine-prefix"
    (prefix / "etc").mkdir(parents=True)
    (prefix / "etc" / "npmrc").write_text(f"registry=http://127.0.0.1:{registry.server_address[1]}/\n")
    (tmp_path / "user-npmrc").write_text("")
    env = {key: value for key, value in os.environ.items()
           if not key.lower().startswith("npm_config_") and key != "PREFIX"}
    env.update(
        PATH=f"{pinned_bin}{os.pathsep}{env['PATH']}",
        PREFIX=str(prefix),
        npm_config_userconfig=str(tmp_path / "user-npmrc"),
        npm_config_cache=str(tmp_path / "npm-cache"),
    )
    return root, env


def _install(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(root / "scripts" / "npm-install"), "--omit=optional"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_install_uses_the_machines_global_npmrc_and_not_the_projects_node(
    project: tuple[Path, dict[str, str]], registry: FakeRegistry,
) -> None:
    root, env = project
    result = _install(root, env)
    assert result.returncode == 0, result.stderr
    assert f"/{PACKAGE}" in registry.requests  # the machine-wide npmrc's registry was asked
    assert (root / "node_modules" / PACKAGE / "package.json").is_file()
    assert "the project node ran" not in result.stderr
    assert result.stdout.startswith("istio-mesh: installing the npm packages package-lock.json pins")
    assert result.stderr == ""


def _installs_nothing(root: Path, env: dict[str, str], registry: FakeRegistry) -> None:
    """The install, run again: silent, and not a request to the registry."""
    asked = list(registry.requests)
    again = _install(root, env)
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")
    assert registry.requests == asked


def test_an_unchanged_lock_is_not_installed_again(
    project: tuple[Path, dict[str, str]], registry: FakeRegistry,
) -> None:
    root, env = project
    assert _install(root, env).returncode == 0
    _installs_nothing(root, env, registry)


def test_an_npm_ci_run_by_hand_counts(project: tuple[Path, dict[str, str]], registry: FakeRegistry) -> None:
    root, env = project
    machine = dict(env, PATH=env["PATH"].split(os.pathsep, 1)[1])
    by_hand = subprocess.run(["npm", "ci"], cwd=root, env=machine, capture_output=True, text=True, timeout=300)
    assert by_hand.returncode == 0, by_hand.stderr
    assert f"/{PACKAGE}" in registry.requests
    _installs_nothing(root, env, registry)


def test_a_changed_lock_is_installed_again(project: tuple[Path, dict[str, str]], registry: FakeRegistry) -> None:
    root, env = project
    assert _install(root, env).returncode == 0
    installed = root / "node_modules" / ".package-lock.json"
    recorded = json.loads(installed.read_text())
    recorded["packages"][f"node_modules/{PACKAGE}"]["version"] = "0.9.0"  # as an older lock left it
    installed.write_text(json.dumps(recorded))
    result = _install(root, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("istio-mesh: installing")
    assert json.loads(installed.read_text())["packages"][f"node_modules/{PACKAGE}"]["version"] == VERSION
