"""Kubernetes' built-in rules for the names and labels the package sets,
including the objects the charts and Istio name after config entries.

The API server refuses a name or label that breaks these at apply, half-way
through a deploy (for a chart's object, Helm or istiod fails instead): a
Service name is a DNS-1035 label (a letter first, at most 63 characters),
an object name a DNS-1123 subdomain, a namespace a DNS-1123 label, label
keys a qualified name with an optional DNS prefix, label values at most 63
characters of a restricted set.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from istio_mesh.admission.origins import Origin
from istio_mesh.config import names
from istio_mesh.config.gateway_api import ISTIO_GATEWAY_CLASS
from istio_mesh.config.cluster import MeshConfig

_DNS_1035 = re.compile(r"[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?", re.ASCII)


def name_problems(manifest: Mapping[str, Any], origin: Origin) -> Iterator[str]:
    """The metadata of one generated object."""
    metadata = manifest.get("metadata") or {}
    kind, name = manifest.get("kind"), str(metadata.get("name", ""))
    field = origin.at(("metadata", "name"))[0]
    if kind == "Service" and not _DNS_1035.fullmatch(name):
        yield (f"{field}: got {names.shown(name)}; the Service it produces needs a DNS-1035 "
               f"label: a lowercase letter first, then letters, digits and '-', at most 63")
    elif not names.is_dns_subdomain(name):
        yield (f"{field}: got {names.shown(name)}; the {kind} it produces needs a DNS-1123 "
               f"subdomain as its name (lowercase letters, digits, '-' and '.', at most 253)")
    namespace = metadata.get("namespace")
    if namespace is not None and not names.is_dns_label(str(namespace)):
        yield (f"{origin.at(('metadata', 'namespace'))[0]}: got {names.shown(namespace)}; "
               f"a namespace is a DNS-1123 label (at most 63 characters)")
    for key, value in (metadata.get("labels") or {}).items():
        problem = names.label_key_problem(str(key)) or names.label_value_problem(str(value))
        if problem:
            yield f"{origin.at(('metadata', 'labels', str(key)))[0]}: label {names.shown(key)}: {problem}"


def workload_name_problems(config: MeshConfig) -> Iterator[str]:
    """The Services the charts and Istio create from gateway entries."""
    for i, gateway in enumerate(config.gateways):
        if gateway.api == "chart":
            name, how = gateway.name, "the gateway chart names its Service after the release"
        else:
            name = f"{gateway.name}-{ISTIO_GATEWAY_CLASS}"
            how = f"Istio names the gateway's Service <gateway>-{ISTIO_GATEWAY_CLASS}"
        if not _DNS_1035.fullmatch(name):
            yield (f"gateways[{i}].name: got {names.shown(gateway.name)}; {how}, {names.shown(name)}, "
                   f"which must be a DNS-1035 label: a lowercase letter first, at most 63 characters")
