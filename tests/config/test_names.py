"""One strict vocabulary of names, quantities and versions, proved over each
class rather than one example, in cluster files and in fleet files.

Each class is a field the user writes and the values Kubernetes (or Helm, or
Terraform) accepts there. For every class: a value the class accepts, with a
line break after it, is refused; a value with a non-ASCII look-alike is
refused; the refusal is one line per problem and shows the value in ASCII
escapes; and one example per class has its exact message.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fleet_form import as_fleet, fleet_error_for, in_fleet
from istio_mesh.config import names
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.fleet import load_fleet
from istio_mesh.config.loader import parse_config

PROPERTY = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def quoted(value: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly ``value``:
    printable ASCII as is, everything else as a YAML escape."""
    def escape(c: str) -> str:
        if " " <= c <= "~" and c not in '"\\':
            return c
        return f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}"
    return '"' + "".join(map(escape, value)) + '"'


@dataclass(frozen=True)
class FieldClass:
    """A config field of one vocabulary class, as YAML text with a hole."""

    name: str
    template: str
    path: str

    def text(self, value: str) -> str:
        return self.template.replace("VALUE", quoted(value))


_EGRESS = (
    "egress: {services: [{name: api, hosts: [VALUE], "
    "ports: [{number: 443, name: tls, protocol: TLS}]}]}"
)
_EXTRA = (
    "extraResources:\n"
    "  - apiVersion: networking.istio.io/v1\n    kind: ServiceEntry\n"
    "    metadata: {name: NAME, namespace: shop, labels: LABELS}\n"
    "    spec: {hosts: [a.example.com], ports: [{number: 443, name: tls, protocol: TLS}], "
    "resolution: DNS}\n"
)

FIELDS = {
    "dns-label": FieldClass("dns-label", "namespaces: [{name: VALUE}]", "namespaces[0].name"),
    "gateway-name": FieldClass(
        "gateway-name", "gateways: [{name: VALUE, kind: ingress}]", "gateways[0].name"),
    "version": FieldClass("version", "istio: {version: VALUE}", "istio.version"),
    "mesh-id": FieldClass("mesh-id", "mesh: {meshId: VALUE}", "mesh.meshId"),
    "quantity": FieldClass(
        "quantity", "istiod: {resources: {requests: {memory: VALUE}}}",
        "istiod.resources.requests.memory"),
    "host": FieldClass("host", _EGRESS, "egress.services[0].hosts[0]"),
    "subdomain": FieldClass(
        "subdomain", _EXTRA.replace("NAME", "VALUE").replace("LABELS", "{}"),
        "extraResources[0].metadata.name"),
    "label-value": FieldClass(
        "label-value", _EXTRA.replace("NAME", "se").replace("LABELS", "{team: VALUE}"),
        "extraResources[0].metadata.labels.team"),
}

_label = st.from_regex(r"\A[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?\Z")
VALID = {
    "dns-label": _label.map(lambda v: f"ns-{v}"),
    "gateway-name": _label.map(lambda v: f"gw-{v}"),
    "version": st.tuples(st.just(1), st.integers(24, 30), st.integers(0, 9)).map(
        lambda t: ".".join(map(str, t))),
    "mesh-id": _label,
    "quantity": st.tuples(st.integers(1, 4096), st.sampled_from(["Mi", "Gi", "M", "G", ""])).map(
        lambda t: f"{t[0]}{t[1]}"),
    "host": st.lists(_label, min_size=2, max_size=4).map(".".join),
    "subdomain": st.lists(_label, min_size=1, max_size=3).map(".".join),
    "label-value": st.from_regex(r"\A[A-Za-z0-9]([-A-Za-z0-9_.]{0,30}[A-Za-z0-9])?\Z"),
}

# Characters that look like ASCII, or are invisible, or end a line.
LOOK_ALIKES = st.sampled_from([
    "\u0430",  # Cyrillic a
    "\u043e",  # Cyrillic o
    "\uff11",  # fullwidth 1
    "\u0661",  # Arabic-Indic 1
    "\u200b",  # zero-width space
    "\u00a0",  # no-break space
    "\u2010",  # hyphen
])
LINE_ENDS = st.sampled_from(["\n", "\r", "\r\n", "\x85", "\u2028", "\x0b", "\x0c", "\t"])


def cluster_error(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "config/prod.yaml")
    return str(caught.value)


def fleet_error(tmp_path: Path, text: str) -> str:
    return fleet_error_for(tmp_path, text)


def assert_refused_on_one_line(message: str, field: FieldClass, value: str) -> None:
    lines = message.splitlines()
    assert len(lines) == 1, message
    assert f": {field.path}: " in lines[0] or f".{field.path}: " in lines[0], message
    assert f"got {names.shown(value)}" in lines[0], message
    assert lines[0].isascii(), message


@pytest.mark.parametrize("kind", sorted(FIELDS))
@PROPERTY
@given(data=st.data())
def test_a_valid_value_is_accepted_in_both_file_kinds(tmp_path: Path, kind: str, data: st.DataObject) -> None:
    # The strategies really produce valid values: the refusals below are not vacuous.
    value = data.draw(VALID[kind])
    text = FIELDS[kind].text(value)
    parse_config(text, "config/prod.yaml")
    path = tmp_path / "fleets" / "prod.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(as_fleet(text), encoding="utf-8")
    load_fleet(path)


@pytest.mark.parametrize("kind", sorted(FIELDS))
@PROPERTY
@given(data=st.data())
def test_a_line_break_after_a_valid_value_is_refused(tmp_path: Path, kind: str, data: st.DataObject) -> None:
    value = data.draw(VALID[kind]) + data.draw(LINE_ENDS)
    field = FIELDS[kind]
    assert_refused_on_one_line(cluster_error(field.text(value)), field, value)
    assert_refused_on_one_line(fleet_error(tmp_path, field.text(value)), field, value)


@pytest.mark.parametrize("kind", sorted(FIELDS))
@PROPERTY
@given(data=st.data())
def test_a_look_alike_character_is_refused_and_shown_escaped(
    tmp_path: Path, kind: str, data: st.DataObject
) -> None:
    valid = data.draw(VALID[kind])
    at = data.draw(st.integers(0, len(valid)))
    value = valid[:at] + data.draw(LOOK_ALIKES) + valid[at:]
    field = FIELDS[kind]
    assert_refused_on_one_line(cluster_error(field.text(value)), field, value)
    assert_refused_on_one_line(fleet_error(tmp_path, field.text(value)), field, value)


_UNICODE_DIGITS = st.characters(categories=["Nd"]).filter(lambda c: not c.isascii())


@PROPERTY
@given(major=st.integers(1, 1), minor=st.integers(24, 30), digit=_UNICODE_DIGITS)
def test_any_non_ascii_digit_in_a_version_is_refused(major: int, minor: int, digit: str) -> None:
    value = f"{major}.{minor}.{digit}"
    message = cluster_error(f"istio: {{version: {quoted(value)}}}")
    assert message == (
        f"config/prod.yaml: istio.version: got {ascii(value)}; must be a release version "
        "such as '1.30.3'"
    )


@PROPERTY
@given(
    key=st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=10),
    length=st.integers(64, 120),
)
def test_a_label_value_over_63_characters_is_refused(key: str, length: int) -> None:
    value = "a" * length
    assert names.label_value_problem(value) is not None
    assert names.label_value_problem(value[:63]) is None


@PROPERTY
@given(prefix=st.lists(_label, min_size=1, max_size=3).map(".".join), name=_label)
def test_label_keys_follow_the_prefix_and_name_limits(prefix: str, name: str) -> None:
    assert names.label_key_problem(f"{prefix}/{name}") is None
    assert names.label_key_problem(f"{prefix}/{name}" + "x" * 63) is not None
    assert names.label_key_problem("a" * 254 + f"/{name}") is not None
    assert names.label_key_problem(f"{prefix}/{name} x") is not None


@PROPERTY
@given(
    number=st.integers(1, 10**6),
    suffix=st.sampled_from(["E", "Ei"]),
)
def test_exa_quantities_are_refused_cleanly(number: int, suffix: str) -> None:
    value = f"{number}{suffix}"
    assert cluster_error(f"istiod: {{resources: {{limits: {{memory: {quoted(value)}}}}}}}") == (
        f"config/prod.yaml: istiod.resources.limits.memory: got {value!r}; exa quantities "
        "('E', 'Ei') are refused; use at most 'P' or 'Pi'"
    )


@PROPERTY
@given(exponent=st.integers(16, 10**12) | st.integers(-(10**12), -16), sign=st.sampled_from(["e", "E"]))
def test_huge_exponents_are_refused_cleanly(exponent: int, sign: str) -> None:
    value = f"1{sign}{exponent}"
    message = cluster_error(
        f"istiod: {{resources: {{requests: {{cpu: {quoted(value)}}}, limits: {{cpu: '1'}}}}}}"
    )
    assert message == (
        f"config/prod.yaml: istiod.resources.requests.cpu: got {value!r}; the exponent must be "
        "between -15 and 15"
    )


@PROPERTY
@given(
    number=st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False),
    suffix=st.sampled_from(["", "m", "k", "M", "G", "Ki", "Mi", "Gi"]),
)
def test_accepted_quantities_parse_to_a_number(number: object, suffix: str) -> None:
    value = f"{number}{suffix}"
    assert names.quantity_problem(value) is None
    assert names.parse_quantity(value) >= 0


# --- one exact message per class --------------------------------------------------

EXACT = [
    pytest.param(
        "gateways: [{name: \"istio-ingressgateway\\n\", kind: ingress}]",
        "config/prod.yaml: gateways[0].name: got 'istio-ingressgateway\\n'; must be a DNS-1123 "
        "label: lowercase letters, digits and '-', starting and ending with a letter or digit, "
        "at most 63 characters",
        id="dns-label",
    ),
    pytest.param(
        "namespaces: [{name: \"sh\\u043ep\"}]",
        "config/prod.yaml: namespaces[0].name: got 'sh\\u043ep'; must be a DNS-1123 label: "
        "lowercase letters, digits and '-', starting and ending with a letter or digit, at most "
        "63 characters",
        id="homoglyph",
    ),
    pytest.param(
        "istio: {version: \"1.\\uff13\\uff10.3\"}",
        "config/prod.yaml: istio.version: got '1.\\uff13\\uff10.3'; must be a release version "
        "such as '1.30.3'",
        id="version",
    ),
    pytest.param(
        "mesh: {meshId: \"mesh1\\n\"}",
        "config/prod.yaml: mesh.meshId: got 'mesh1\\n'; must be lowercase letters, digits, '-' "
        "and '.', starting and ending with a letter or digit (at most 63), e.g. 'mesh1'",
        id="mesh-id",
    ),
    pytest.param(
        "istiod: {resources: {limits: {memory: 1Ei}}}",
        "config/prod.yaml: istiod.resources.limits.memory: got '1Ei'; exa quantities ('E', "
        "'Ei') are refused; use at most 'P' or 'Pi'",
        id="quantity",
    ),
    pytest.param(
        _EGRESS.replace("VALUE", '"api.example.com\\n"'),
        "config/prod.yaml: egress.services[0].hosts[0]: got 'api.example.com\\n'; must be a "
        "lower-case DNS name such as 'api.example.com', or '*.example.com'",
        id="host",
    ),
    pytest.param(
        _EXTRA.replace("NAME", '"se.\\n"').replace("LABELS", "{}"),
        "config/prod.yaml: extraResources[0].metadata.name: got 'se.\\n'; must be a DNS-1123 "
        "subdomain: lowercase letters, digits, '-' and '.', at most 253 characters",
        id="subdomain",
    ),
    pytest.param(
        _EXTRA.replace("NAME", "se").replace("LABELS", "{team: " + "a" * 64 + "}"),
        "config/prod.yaml: extraResources[0].metadata.labels.team: got '" + "a" * 64 + "'; a "
        "label value must be empty or at most 63 letters, digits, '-', '_' or '.', starting and "
        "ending with a letter or digit",
        id="label-value",
    ),
    pytest.param(
        "namespaces: [{name: shop, create: true, labels: {\"team name\": x}}]",
        "config/prod.yaml: namespaces[0].labels['team name']: label key 'team name': the name "
        "must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter "
        "or digit",
        id="label-key",
    ),
    pytest.param(
        "gateways: [{name: gw, kind: ingress, service: {annotations: {\"-x/y\": z}}}]",
        "config/prod.yaml: gateways[0].service.annotations['-x/y']: annotation key '-x/y': the "
        "prefix before '/' must be a DNS-1123 subdomain of at most 253 characters",
        id="annotation-key",
    ),
    pytest.param(
        "multicluster: {clusterName: east, network: net1, role: remote, primaryCluster: west, "
        "primaryAddress: '203.0.113.10:15012'}",
        "config/prod.yaml: multicluster.primaryAddress: got '203.0.113.10:15012'; must be a "
        "host name or IP address (no scheme, no port), e.g. 'eastwest.primary.example.com' or "
        "'203.0.113.10'",
        id="address-without-port",
    ),
    pytest.param(
        "authorization: {allow: [{name: a, namespace: shop, selector: {app: \"x\\n\"}, "
        "from: {namespaces: [shop]}}]}\nnamespaces: [{name: shop}]",
        "config/prod.yaml: authorization.allow[0].selector.app: got 'x\\n'; a label value must "
        "be empty or at most 63 letters, digits, '-', '_' or '.', starting and ending with a "
        "letter or digit",
        id="selector",
    ),
]


@pytest.mark.parametrize(("text", "message"), EXACT)
def test_exact_message(text: str, message: str) -> None:
    assert cluster_error(text) == message


@pytest.mark.parametrize(("text", "message"), EXACT)
def test_exact_message_in_a_fleet_cluster(tmp_path: Path, text: str, message: str) -> None:
    assert fleet_error(tmp_path, text) == in_fleet(message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            'connection: {mode: kubeconfig, context: "prod\\n"}',
            "config/prod.yaml: connection.context: got 'prod\\n'; must not contain control "
            "characters or line breaks",
            id="context",
        ),
        pytest.param(
            'connection: {mode: kubeconfig, kubeconfigPath: "~/.kube/\\x1b[31mconfig"}',
            "config/prod.yaml: connection.kubeconfigPath: got '~/.kube/\\x1b[31mconfig'; must not "
            "contain control characters or line breaks",
            id="kubeconfig-path",
        ),
    ],
)
def test_free_text_written_to_output_has_no_control_characters(text: str, message: str) -> None:
    assert cluster_error(text) == message


def test_a_waiver_reason_prints_on_one_line() -> None:
    config = parse_config(
        "lint: {waivers: [{rule: prod-single-istiod, reason: \"single node\\n  edge site\"}]}",
        "config/prod.yaml")
    assert config.lint.waivers[0].reason == "single node edge site"
