"""The fast path's binding loader (``istio_mesh.runtime.bindings``): only the
modules listed, the package ``__init__`` deferred, the runtime type checks
compiled out when asked, on a small made-up package shaped like a binding (no
jsii). The real bindings, loaded in processes of their own, are in
test_fast_path.py."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from istio_mesh.runtime.bindings import BINDING_MODULES, load_bindings, module_names
from istio_mesh.runtime.toolchain import TOOLCHAIN, TOOLCHAINS

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


def _load(monkeypatch: pytest.MonkeyPatch, unchecked: bool = True) -> dict[str, ModuleType]:
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    return load_bindings({"fakebinding": ("used",)}, unchecked=unchecked)


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


def test_checked_loading_keeps_the_checks(fake_binding: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = _load(monkeypatch, unchecked=False)
    with pytest.raises(TypeError, match="checked"):
        loaded["fakebinding.used"].call()


def test_without_a_writable_cache_the_checks_stay(
    fake_binding: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Compiling on every run would cost more than the checks it removes.
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    loaded = load_bindings({"fakebinding": ("used",)}, unchecked=True)
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


def test_module_names_are_a_package_alone_or_its_listed_modules() -> None:
    assert module_names({"whole": (), "part": ("a", "b")}) == ["whole", "part.a", "part.b"]
