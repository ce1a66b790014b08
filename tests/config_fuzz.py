"""Generators of YAML documents and the property every one of them must meet.

The property: a document either loads into a MeshConfig, whose chart values
and policy objects then build and serialize as strict JSON, or it is refused
with a ConfigError whose every line names the file and the field (or the
YAML position) and fits on one line. Any other exception is a bug.

Two sources of documents:

* ``yaml_texts()``: arbitrary text built from YAML's punctuation, tags,
  anchors, directives and scalars that PyYAML reads in surprising ways, plus
  templates for the pathological cases (alias bombs, deep nesting, huge
  integers). These exercise the YAML reader and the checks before the models.
* ``near_valid_texts()``: documents generated from the config models'
  schema (every field, with values from the shipped configs and in-range
  numbers), or the shipped configs themselves, then mutated: wrong types,
  out-of-range numbers, unknown and near-miss keys, nulls, duplicates, deep
  nesting, odd strings and unicode, YAML tags, shared (aliased) subtrees.
  These reach the field validators and the cross-component rules.

Used by tests/contracts/test_config_fuzz.py (a quick run in the normal suite) and
tests/fuzz_config.py (``make fuzz``, the long run).
"""

from __future__ import annotations

import copy
import datetime
import enum
import json
import re
import tempfile
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from istio_mesh.config.errors import ConfigError
from istio_mesh.config.loader import parse_config
from istio_mesh.config.cluster import MeshConfig

FILE = "fuzz.yaml"
REPO = Path(__file__).resolve().parents[1]
# The shipped examples by name (a user's own config/ files are not seeds).
SHIPPED_SEEDS = ("ambient", "dev", "prod", "staging")
SEED_FILES = sorted([*(REPO / "config" / f"{name}.yaml" for name in SHIPPED_SEEDS),
                     *(REPO / "tests/fixtures/full").glob("*.yaml")])

# ---------------------------------------------------------------- the property

_KEY = r"[A-Za-z0-9_][A-Za-z0-9_./-]*"
_QUOTED = r"\[(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\]"
_SEGMENT = rf"(?:{_KEY}|\[\d+\]|{_QUOTED})"
_FIELD_PATH = rf"(?:\(top level\)|{_SEGMENT}(?:\.{_KEY}|\[\d+\]|{_QUOTED})*)"
PROBLEM_LINE = re.compile(
    rf"{re.escape(FILE)}: (?:YAML syntax error(?: at line \d+, column \d+)?: .+"
    rf"|file is empty; .+|expected a mapping of settings at the top level, got an? .+"
    rf"|{_FIELD_PATH}: .+)"
)


def check_document(text: str) -> MeshConfig | ConfigError:
    """The loaded config (after building its pure parts), or the refusal.

    Raises AssertionError when a refusal is malformed; any other exception
    escaping from here is an unexpected one.
    """
    try:
        config = parse_config(text, FILE)
    except ConfigError as exc:
        assert_well_formed(exc)
        return exc
    build_pure_parts(config)
    return config


_FLEET_FILE = Path(tempfile.mkdtemp(prefix="istio-mesh-fuzz-")) / "fleets" / FILE


def fleet_line(path: Path) -> re.Pattern[str]:
    """One well-formed problem line of the fleet file at ``path``."""
    return re.compile(
        rf"{re.escape(str(path))}: (?:YAML syntax error(?: at line \d+, column \d+)?: .+"
        rf"|cannot be read: .+|expected a fleet: .+|{_FIELD_PATH}: .+)"
    )


def check_fleet_document(text: str) -> dict[str, MeshConfig] | ConfigError:
    """The fleet's clusters (after building their pure parts), or the refusal,
    for ``text`` as a fleet file: the same property as :func:`check_document`."""
    from istio_mesh.config.fleet import load_fleet

    _FLEET_FILE.parent.mkdir(parents=True, exist_ok=True)
    # Lone surrogates cannot be UTF-8; written as they come, the reader refuses them.
    _FLEET_FILE.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    try:
        configs = load_fleet(_FLEET_FILE)
    except ConfigError as exc:
        assert str(exc.path) == str(_FLEET_FILE)
        assert exc.problems, "a ConfigError without problems"
        message = str(exc)
        message.encode("utf-8")
        lines = message.split("\n")
        assert len(lines) == len(exc.problems), message
        line = fleet_line(_FLEET_FILE)
        for problem in lines:
            assert line.fullmatch(problem), f"malformed problem line: {problem!r}"
        return exc
    for config in configs.values():
        build_pure_parts(config)
    return configs


def assert_well_formed(exc: ConfigError) -> None:
    """Each problem: one line, printable to a UTF-8 terminal, naming file and field."""
    assert exc.path == FILE
    assert exc.problems, "a ConfigError without problems"
    message = str(exc)
    message.encode("utf-8")  # a lone surrogate would crash the CLI's print
    lines = message.split("\n")
    assert len(lines) == len(exc.problems), message
    for line in lines:
        assert PROBLEM_LINE.fullmatch(line), f"malformed problem line: {line!r}"


def build_pure_parts(config: MeshConfig) -> None:
    """Everything the stacks compute from a config without jsii, serialized as
    the constructs serialize it; strict JSON, since Terraform and Helm read it."""
    from istio_mesh.components.release import values_json
    from istio_mesh.manifests.namespaces import mtls_policies, namespace_labels, peer_authentication
    from istio_mesh.config.control_planes import control_planes
    from istio_mesh.values import (
        base_values,
        cni_values,
        gateway_values,
        istiod_values,
        ztunnel_values,
    )

    planes = control_planes(config)
    values = [base_values(config), cni_values(config)]
    values += [istiod_values(config, plane) for plane in planes]
    values += [ztunnel_values(config, plane) for plane in planes]
    values += [gateway_values(config, gateway) for gateway in config.gateways]
    for chart_values in values:
        _strict_json(values_json(chart_values))
    for namespace, mode in mtls_policies(config):
        _strict_json(json.dumps(peer_authentication("default", namespace, mode)))
    for namespace in config.namespaces:
        _strict_json(json.dumps(namespace_labels(namespace)))


def _strict_json(text: str) -> None:
    def refuse(constant: str) -> None:
        raise AssertionError(f"non-JSON constant {constant} in {text[:200]}")

    json.loads(text, parse_constant=refuse)


# ------------------------------------------------------ arbitrary YAML-ish text

FRAGMENTS = [
    "\n", "\n  ", "\n    ", " ", ": ", "- ", "-", "{", "}", "[", "]", ", ", "? ", "|", "|-\n  ",
    ">", "'", '"', "#", "# c\n", "&a ", "&b ", "*a", "*b", "<<: ", "<<: *a", "---\n", "...\n",
    "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "!", "!!", "!!str ", "!!int ", "!!float ", "!!bool ",
    "!!null ", "!!binary ", "!!set ", "!!omap ", "!!pairs ", "!!timestamp ", "!!map ", "!!seq ",
    "!!python/object:os.system ", "!!python/name:os.system ", "!custom ", "!<tag:x> ",
    "~", "null", "true", "yes", "no", "on", "off", "y", "n", ".inf", "-.inf", ".nan", "0x1F",
    "0o17", "017", "0b101", "1_000", "1:30", "190:20:30", "2001-12-14", "2001-13-45",
    "2001-12-14t21:59:43.10-05:00", "1e400", "1.0e+3", "9" * 40, "-0", "+1", "3.0", "1.30",
    "\t", "\\u0000", "\\ud800", "ü", "日本", "🙂", "\u202e", "\u00a0", "\ufeff", "\x85", "\x07",
    "istiod", "replicas", "istio", "version", "gateways", "name", "kind", "ingress",
    "namespaces", "mtls", "mode", "STRICT", "extraValues", "resources", "requests", "cpu",
    "500m", "connection", "variables", "helm", "timeoutSeconds", "cni", "enabled", "mesh",
    "kubernetesVersion", "protection", "preventDestroy",
]

_ALIAS_BOMB = "".join(
    [
        "istiod:\n  extraValues:\n",
        "    a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n",
        *(f"    a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9)),
    ]
)

TEMPLATES = [
    _ALIAS_BOMB,
    "istiod: {replicas: " + "1" * 5000 + "}",
    "istiod: {replicas: 0x" + "f" * 5000 + "}",
    "istiod: {extraValues: {x: " + "[" * 3000 + "]" * 3000 + "}}",
    "istiod: {extraValues: {x: " + "[" * 70 + "]" * 70 + "}}",
    "istiod:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 400)),
    "defaults: &d {replicas: 2}\nistiod: {<<: *d}\n",
    "istiod: &i {replicas: 2, autoscaling: {enabled: false}}\ngateways: [{name: gw, kind: ingress, <<: *i}]\n",
    "istiod: {extraValues: &x {a: [*x]}}\n",
    "istiod: {extraValues: {a: &l [1, *l]}}\n",
    "istio: {version: !!binary aGVsbG8=}\n",
    "istiod: {extraValues: !!set {a, b}}\n",
    "istiod: {extraValues: !!omap [a: 1, b: 2]}\n",
    "istiod: {extraValues: {? [a, b] : c}}\n",
    "istiod: {extraValues: {? {a: b} : c}}\n",
    "namespaces: [{name: shop, create: true, labels: {on: x}}]\n",
    "mtls: {namespaceOverrides: {1: STRICT}}\n",
    "istiod: {resources: {requests: {cpu: 1e999999999}}}\n",
    "istiod: {resources: {requests: {cpu: '1e999999999'}, limits: {cpu: '1e-999999999'}}}\n",
    "istiod: {resources: {requests: {memory: 99999999999999999999999999999Ei}}}\n",
    "a: 1\n---\nb: 2\n",
    "%YAML 1.1\n---\nistiod: {replicas: 2}\n",
    "istiod: {replicas: 2}\n...\n",
    "\ufeffistiod: {replicas: 2}\n",
    "istiod: {replicas: 2}\x00\n",
    "istiod: {replicas: 2}\n\u2028",
    "gateways: [{name: gw, kind: ingress, service: {annotations: {'': ''}}}]\n",
]


def _json_like(keys: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    scalars = (
        st.none() | st.booleans() | st.integers() | st.floats()
        | st.text(max_size=10) | st.sampled_from(FRAGMENTS)
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
        max_leaves=20,
    )


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump_yaml(value: Any, **options: Any) -> str:
    """``yaml.safe_dump`` with libyaml's emitter, which writes the same
    documents in a fraction of the time pure-Python PyYAML takes (that was most
    of a quick run's generation); a lone surrogate, which libyaml cannot
    encode, goes to the pure-Python emitter, which escapes it."""
    try:
        return yaml.dump(value, Dumper=_DUMPER, **options)
    except UnicodeEncodeError:
        return yaml.dump(value, Dumper=yaml.SafeDumper, **options)


def _dumped(value: Any, flow: bool | None) -> str:
    return dump_yaml(value, default_flow_style=flow, allow_unicode=True)


def yaml_texts() -> st.SearchStrategy[str]:
    """Arbitrary YAML-ish text, most of it not a valid config."""
    keys = st.sampled_from(FRAGMENTS[-26:]) | st.text(max_size=8) | st.integers() | st.none()
    return st.one_of(
        st.text(max_size=200),
        st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=40).map("".join),
        st.builds(_dumped, _json_like(keys), st.sampled_from([None, True, False])),
        st.sampled_from(TEMPLATES),
    )


# ------------------------------------------------- structure-aware near-valid


def _leaves(node: Any, key: str | None, into: dict[str, list[Any]]) -> None:
    if key is not None:
        into.setdefault(key, [])
        if node not in into[key]:
            into[key].append(node)
    if isinstance(node, dict):
        for k, v in node.items():
            _leaves(v, str(k), into)
    elif isinstance(node, list):
        for item in node:
            _leaves(item, key, into)


def _seed_documents() -> list[dict[str, Any]]:
    return [yaml.safe_load(path.read_text()) for path in SEED_FILES]


SEEDS = _seed_documents()
# Values seen under each key in the shipped configs: mostly valid choices, so
# generated documents get past the field checks to the rules behind them.
POOL: dict[str, list[Any]] = {}
for _seed in SEEDS:
    _leaves(_seed, None, POOL)
POOL.setdefault("version", []).extend(["1.24.0", "1.28.2", "1.29.1", "1.30.3", "1.23.9", "1.31.0"])
POOL.setdefault("kubernetesVersion", []).extend(["1.28", "1.31", "1.32", "1.33", "1.36", "1.37.1"])
POOL.setdefault("namespace", []).extend(["istio-system", "istio-ingress", "kube-system"])
POOL.setdefault("name", []).extend(["istio-system", "kube-system", "gw"])

# Keys of the generated chart values, so that extraValues merges into them.
CHART_KEYS = ["global", "meshConfig", "pilot", "resources", "autoscaleEnabled", "service", "cni"]

ODD_VALUES: list[Any] = [
    None, True, False, "yes", "no", "on", "", " ", "~", "null", -1, 0, 1, 2, 20, 21, 60, 3600,
    2**31, 2**63 - 1, 2**63, 2**64, 10**40, -(10**40), 0.5, 1.5, 3.0, -0.0, 1e308,
    float("inf"), float("-inf"), float("nan"), "ünïcødé", "日本語", "🙂", "\u202e", "\x00",
    "\t", "\ud800", "a" * 300, "1.30", "1.30.3", "500m", "2Gi", "-1", "0x10", "STRICT",
    "ingress", "LoadBalancer", [], {}, [None], {"x": 1}, {"": 1}, {1: 2}, {True: "on"},
    {None: 1}, datetime.date(2024, 1, 1), datetime.datetime(2024, 1, 1, 12, 0), b"\x00\xff",
    {"a", "b"},
]


def _nested(depth: int) -> Any:
    value: Any = "leaf"
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


def _bounds(field: FieldInfo | None) -> tuple[Any, Any]:
    low = high = None
    for rule in field.metadata if field else ():
        low = getattr(rule, "ge", low)
        high = getattr(rule, "le", high)
    return low, high


def _values_for(annotation: Any, key: str, field: FieldInfo | None = None) -> st.SearchStrategy[Any]:
    """Values for a field, mostly valid: in bounds, allowed literals, pool values."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _values_for(args[0], key, field)
    if origin in (typing.Union, types.UnionType):
        members = [_values_for(a, key, field) for a in args if a is not type(None)]
        strategy = st.one_of(members)
        return strategy | st.none() if type(None) in args else strategy
    pool = POOL.get(key, [])
    strategy: st.SearchStrategy[Any]
    if origin is typing.Literal:
        strategy = st.sampled_from(args)
    elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        strategy = st.sampled_from([member.value for member in annotation])
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return documents_for(annotation)
    elif origin is tuple:
        return st.lists(_values_for(args[0], key), max_size=3)
    elif origin is dict:
        keys = st.sampled_from(POOL["name"] + CHART_KEYS) | st.text(max_size=6)
        strategy = st.dictionaries(keys, _values_for(args[1], key), max_size=3)
        seen = [v for v in pool if isinstance(v, dict)]
        return st.sampled_from(seen) | strategy if seen else strategy
    elif annotation is bool:
        strategy = st.booleans()
    elif annotation is int:
        low, high = _bounds(field)
        low = 0 if low is None else low
        high = low + 100 if high is None else high
        strategy = st.integers(low - 1, high + 1) | st.sampled_from([low, high])
    elif annotation is float:
        low, high = _bounds(field)
        strategy = st.floats(
            None if low is None else low - 1, None if high is None else high + 1,
            allow_nan=False,
        )
    elif annotation is Any:
        strategy = _json_like(st.text(max_size=6))
    else:
        strategy = st.text(max_size=12)
    if pool:
        scalars = [v for v in pool if not isinstance(v, (dict, list))]
        if scalars:
            strategy = st.sampled_from(scalars) | strategy
    return strategy


_DOCUMENTS: dict[type[BaseModel], st.SearchStrategy[dict[str, Any]]] = {}


def documents_for(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    """Mappings for ``model``: required keys always, optional ones sometimes."""
    if model not in _DOCUMENTS:
        required: dict[str, st.SearchStrategy[Any]] = {}
        optional: dict[str, st.SearchStrategy[Any]] = {}
        for name, field in model.model_fields.items():
            key = field.alias or name
            values = _values_for(field.annotation, key, field)
            (required if field.is_required() else optional)[key] = values
        _DOCUMENTS[model] = st.fixed_dictionaries(required, optional=optional)
    return _DOCUMENTS[model]


def _paths(
    node: Any, path: tuple[Any, ...] = (), seen: set[int] | None = None
) -> Iterator[tuple[Any, ...]]:
    """Every path in a document, each shared or recursive container once."""
    seen = set() if seen is None else seen
    yield path
    if isinstance(node, (dict, list)) and id(node) not in seen:
        seen.add(id(node))
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            yield from _paths(value, (*path, key), seen)


def _near_misses(key: Any) -> list[Any]:
    if not isinstance(key, str) or not key:
        return [key, 1, None, True]
    snake = re.sub(r"([A-Z])", r"_\1", key).lower()
    return [key.lower(), key.upper(), key + "s", key[:-1], snake, key.capitalize(), f" {key}",
            f"{key} ", 1, None, True]


@st.composite
def _mutated(draw: st.DrawFn, document: dict[str, Any]) -> Any:
    doc: Any = copy.deepcopy(document)
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(list(_paths(doc))))
        op = draw(st.sampled_from(
            ["replace", "replace", "delete", "unknown-key", "duplicate", "wrap", "share",
             "nest", "float", "string", "swap-parent"]))
        doc = _apply(draw, doc, path, op)
    return doc


def _odd(draw: st.DrawFn) -> Any:
    # A copy: later mutations must not change the shared pool.
    return copy.deepcopy(draw(st.sampled_from(ODD_VALUES)))


def _apply(draw: st.DrawFn, doc: Any, path: tuple[Any, ...], op: str) -> Any:
    if not path:
        if op in ("replace", "wrap"):
            return _odd(draw) if op == "replace" else [doc]
        return doc
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    value = parent[last]
    if op == "replace":
        parent[last] = _odd(draw)
    elif op == "delete":
        del parent[last]
    elif op == "unknown-key" and isinstance(value, dict):
        siblings = list(value) or ["replicas"]
        key = draw(st.sampled_from(_near_misses(draw(st.sampled_from(siblings)))) | st.text(max_size=6))
        value[key] = _odd(draw)
    elif op == "duplicate" and isinstance(value, list) and value:
        value.append(copy.deepcopy(value[draw(st.integers(0, len(value) - 1))]))
    elif op == "wrap":
        parent[last] = [value] if draw(st.booleans()) else {"value": value}
    elif op == "share":
        # The same object twice: safe_dump writes an anchor and an alias.
        target = draw(st.sampled_from(list(_paths(doc))[1:]))
        holder = doc
        for part in target[:-1]:
            holder = holder[part]
        if holder is not value and isinstance(holder, (dict, list)):
            holder[target[-1]] = value
    elif op == "nest":
        parent[last] = _nested(draw(st.sampled_from([3, 40, 63, 64, 65, 70, 120])))
    elif op == "float" and isinstance(value, int) and not isinstance(value, bool):
        parent[last] = draw(st.sampled_from([float(value), value + 0.5, -float(value)]))
    elif op == "string" and not isinstance(value, (dict, list)):
        parent[last] = str(value)
    elif op == "swap-parent" and len(path) >= 2:
        parent[last] = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    return doc


def near_valid_documents() -> st.SearchStrategy[Any]:
    """A schema-generated or shipped config, with up to three mutations."""
    base = documents_for(MeshConfig) | st.sampled_from(SEEDS)
    return base.flatmap(_mutated)


@st.composite
def near_valid_texts(draw: st.DrawFn) -> str:
    """Near-valid documents as YAML text, in block or flow style, sometimes damaged."""
    document = draw(near_valid_documents())
    text = dump_yaml(
        document,
        default_flow_style=draw(st.sampled_from([False, None, True])),
        allow_unicode=draw(st.booleans()),
        sort_keys=draw(st.booleans()),
    )
    if draw(st.integers(0, 7)) == 0:
        position = draw(st.integers(0, len(text)))
        fragment = draw(st.sampled_from(FRAGMENTS))
        cut = draw(st.integers(0, 3))
        text = text[:position] + fragment + text[position + cut :]
    return text
