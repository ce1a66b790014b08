"""Which binding modules the project uses, and the fast way to load them.

:data:`BINDING_MODULES` is the one table of the packages and provider
modules :mod:`istio_mesh.runtime.terraform` imports. :func:`load_bindings` imports
the same modules the fast way, for :func:`istio_mesh.runtime.fast_path.enable`
only: of each provider package just the modules listed, its ``__init__``
(which imports about 110 modules for Kubernetes) deferred, and the bindings'
runtime type checks compiled out. Once it has run, ``terraform.py``'s plain
imports find the modules already loaded.

Standard library only, so ``make bench`` can load it on its own.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import marshal
import os
import sys
from collections.abc import Mapping, Sequence
from types import CodeType, ModuleType

from istio_mesh.runtime.toolchain import TOOLCHAIN, TOOLCHAINS

# The packages and, for each provider package, the modules of it this project
# uses: the one table to edit for another binding or provider version. An
# empty tuple loads the package whole. The names come from the toolchain.
_CORE, _HELM, _KUBERNETES = TOOLCHAINS[TOOLCHAIN]
BINDING_MODULES: dict[str, tuple[str, ...]] = {
    "constructs": (),
    _CORE: (),
    _HELM: ("provider", "release"),
    _KUBERNETES: (
        "annotations", "data_kubernetes_resources", "labels", "manifest", "namespace_v1", "provider",
        "secret_v1",
    ),
}


def module_names(table: Mapping[str, Sequence[str]]) -> list[str]:
    """The dotted names ``table`` lists: a package alone, or its listed modules."""
    return [package if not modules else f"{package}.{module}"
            for package, modules in table.items() for module in modules or ("",)]


def load_bindings(table: Mapping[str, Sequence[str]], *, unchecked: bool) -> dict[str, ModuleType]:
    """Import what ``table`` names and return it by dotted name.

    A package with no modules listed is imported whole. Of a package with
    modules listed, only those are imported (and its ``_jsii`` module, which
    loads the package's jsii assembly into node); the package itself is put
    in ``sys.modules`` without running its ``__init__``, which runs the first
    time anyone reads an attribute of it (see :func:`_deferred_package`). So
    code that imports the bindings itself, before or after this, gets the
    same modules and the same classes as a plain ``import`` gives.

    With ``unchecked``, what is imported here for the first time is compiled
    as ``python -O`` compiles it: the bindings check each argument of each
    call with typeguard under ``if __debug__:``, and that check costs more
    than the jsii call it guards (docs/performance.md). jsii's own
    marshalling still rejects what it cannot send; our calls are checked by
    mypy against the same signatures.
    """
    finder = _UncheckedFinder(set(module_names(table))) if unchecked else None
    if finder is not None:
        sys.meta_path.insert(0, finder)
    try:
        loaded: dict[str, ModuleType] = {}
        for package, modules in table.items():
            if not modules:
                loaded[package] = importlib.import_module(package)
                continue
            if package not in sys.modules:
                _deferred_package(package)
            importlib.import_module(f"{package}._jsii")
            for module in modules:
                name = f"{package}.{module}"
                loaded[name] = importlib.import_module(name)
    finally:
        if finder is not None:
            sys.meta_path.remove(finder)
    return loaded


def _deferred_package(name: str) -> None:
    """Put package ``name`` in ``sys.modules`` with its ``__init__`` not yet run.

    Its submodules import as usual (they need only its ``__path__``). Reading
    any other attribute of it (``pkg.deployment``, ``from pkg import *``)
    runs the real ``__init__`` first, which imports every module of the
    package, as a plain ``import pkg`` would have done.
    """
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        raise ModuleNotFoundError(f"no package named {name!r}", name=name)
    package = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def run_init(attribute: str) -> object:
        if attribute.startswith("__") and attribute != "__all__":
            raise AttributeError(f"module {name!r} has no attribute {attribute!r}")
        vars(package).pop("__getattr__", None)
        loader.exec_module(package)
        return getattr(package, attribute)

    setattr(package, "__getattr__", run_init)
    sys.modules[name] = package


class _UncheckedFinder(importlib.abc.MetaPathFinder):
    """Finds the modules ``names`` as usual, to be loaded by :class:`_UncheckedLoader`."""

    def __init__(self, names: set[str]) -> None:
        self._names = frozenset(names)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self._names:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return spec
        spec.loader = _UncheckedLoader(spec.loader.name, spec.loader.path)
        spec.cached = importlib.util.cache_from_source(spec.loader.path, optimization=1)
        return spec


class _UncheckedLoader(importlib.machinery.SourceFileLoader):
    """Loads a module compiled with ``optimize=1`` (``python -O``'s bytecode,
    which drops ``if __debug__:`` blocks), from and into the ``.opt-1.pyc``
    file ``python -O`` itself uses. Where that file is missing and cannot be
    written, the ordinary bytecode is used: compiling a large module on
    every run would cost more than its checks."""

    def get_code(self, fullname: str) -> CodeType | None:
        source = self.get_filename(fullname)
        cache = importlib.util.cache_from_source(source, optimization=1)
        stat = os.stat(source)
        header = (importlib.util.MAGIC_NUMBER + bytes(4)
                  + (int(stat.st_mtime) & 0xFFFFFFFF).to_bytes(4, "little")
                  + (stat.st_size & 0xFFFFFFFF).to_bytes(4, "little"))
        try:
            with open(cache, "rb") as file:
                data = file.read()
            if data[:16] == header:
                code: CodeType = marshal.loads(data[16:])
                return code
        except (OSError, EOFError, ValueError, TypeError):
            pass
        if sys.dont_write_bytecode or not _writable(os.path.dirname(cache)):
            return super().get_code(fullname)
        code = compile(self.get_data(source), source, "exec", dont_inherit=True, optimize=1)
        partial = f"{cache}.{os.getpid()}"
        try:
            with open(partial, "wb") as file:
                file.write(header + marshal.dumps(code))
            os.replace(partial, cache)
        except OSError:
            pass
        return code


def _writable(folder: str) -> bool:
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)
