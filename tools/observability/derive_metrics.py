"""Derive the metrics an Istio release emits from its source, into the JSON
the config validator checks alert rules against.

Run against three checkouts at the same release tag:

    .venv/bin/python tools/observability/derive_metrics.py \
        --istio /tmp/istio --proxy /tmp/proxy --ztunnel /tmp/ztunnel \
        --version 1.30.3 > constructs/istio_mesh/addons/1.30.3/metrics.json

What is read, and how (the JSON records the same under "derivation"):

- istio/istio, every non-test ``*.go`` file: each ``monitoring.NewSum``,
  ``NewGauge``, ``NewDistribution`` or ``NewDerivedGauge`` whose name is a
  string literal. Istio's exporter adds no suffix to counters and no unit
  (pkg/monitoring/monitoring.go: WithoutCounterSuffixes, WithoutUnits); a
  distribution is a histogram (``_bucket``, ``_sum``, ``_count``). Its labels
  are the ``monitoring.CreateLabel("...")`` calls of the same file. Metrics
  defined under the node agent's packages are served by every proxy's
  pilot-agent with the ``istio_agent_`` prefix
  (pilot/cmd/pilot-agent/status/server.go); the rest by istiod or istio-cni
  under their own name.
- istio/proxy, source/extensions/filters/http/istio_stats/istio_stats.cc:
  the ``istio_*`` standard metrics and their labels (``pool_.add(...)``).
- istio/ztunnel, ``src/**/metrics.rs`` and ``src/metrics/meta.rs``: each
  ``registry.register[_with_unit]`` under the ``istio_`` prefix (src/metrics.rs)
  or ``workload_manager_`` (src/app.rs); a counter gets ``_total``, a unit its
  suffix (prometheus-client's OpenMetrics naming). The kind comes from the
  struct field or variable the registered value is stored in.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

GO_METRIC = re.compile(
    r"monitoring\.New(Sum|Gauge|Distribution|DerivedGauge)\(\s*\"([a-zA-Z_:][a-zA-Z0-9_:]*)\"", re.S
)
GO_LABEL = re.compile(r"monitoring\.CreateLabel\(\s*\"([a-zA-Z_][a-zA-Z0-9_]*)\"")
GO_KIND = {"Sum": "counter", "Gauge": "gauge", "DerivedGauge": "gauge", "Distribution": "histogram"}
AGENT_PACKAGES = (
    "pkg/istio-agent/", "pilot/cmd/pilot-agent/", "security/pkg/nodeagent/", "pkg/dns/client/",
    "pkg/wasm/",
)
"""Packages only the node agent (pilot-agent) runs: their metrics are served as istio_agent_*."""
SKIP = ("pkg/test/", "tests/", "tools/", "samples/", "operator/", "istioctl/")
"""Test helpers, tools and the CLI: nothing a running mesh serves."""

PROXY_FILE = "source/extensions/filters/http/istio_stats/istio_stats.cc"
PROXY_NAME = re.compile(r"pool_\.add\(\"(istio_[a-z_]+)\"\)")
PROXY_LABEL = re.compile(
    r"pool_\.add\(\"(reporter|(?:source|destination|request|response|connection|grpc)_[a-z_]+)\"\)"
)

RUST_REGISTER = re.compile(
    r"registry\.register(_with_unit)?\(\s*\"([a-z_]+)\",\s*\"[^\"]*\",\s*(?:Unit::(\w+),\s*)?(\w+)\.clone\(\)",
    re.S,
)
RUST_LABEL_STRUCT = re.compile(r"EncodeLabelSet\)\]\s*pub struct \w+ \{(.*?)\n\}", re.S)
RUST_FIELD = re.compile(r"^\s*pub(?:\([a-z]+\))? ([a-z_]+):", re.M)
ZTUNNEL_PREFIX = {"src/inpod/metrics.rs": "workload_manager_"}


def git_files(checkout: Path, pattern: str) -> list[str]:
    out = subprocess.run(
        ["git", "-C", str(checkout), "ls-files", pattern], check=True, capture_output=True, text=True
    )
    return sorted(out.stdout.split())


def istio_metrics(checkout: Path) -> dict[str, dict[str, object]]:
    metrics: dict[str, dict[str, object]] = {}
    for path in git_files(checkout, "*.go"):
        if path.endswith("_test.go") or path.startswith(SKIP):
            continue
        text = (checkout / path).read_text()
        found = GO_METRIC.findall(text)
        if not found:
            continue
        labels = sorted(set(GO_LABEL.findall(text)))
        agent = path.startswith(AGENT_PACKAGES)
        for kind, name in found:
            served = f"istio_agent_{name}" if agent else name
            metrics[served] = {
                "kind": GO_KIND[kind],
                "component": "proxy (pilot-agent)" if agent else (
                    "istio-cni" if path.startswith("cni/") else "istiod"
                ),
                "source": f"istio/istio:{path}",
                "labels": labels,
            }
    return metrics


def proxy_metrics(checkout: Path) -> dict[str, dict[str, object]]:
    text = (checkout / PROXY_FILE).read_text()
    labels = sorted(set(PROXY_LABEL.findall(text)))
    return {
        name: {
            "kind": "histogram" if name.endswith(("_milliseconds", "_bytes")) else "counter",
            "component": "proxy (Envoy)",
            "source": f"istio/proxy:{PROXY_FILE}",
            # istio_build is not a traffic metric: its labels (component, tag) come
            # from istiod's definition of the same name.
            "labels": [] if name == "istio_build" else labels,
        }
        for name in sorted(set(PROXY_NAME.findall(text)))
    }


def _rust_kind(text: str, var: str) -> str:
    field = re.search(rf"(\w+): {var}\b", text.split("Self {")[-1])
    name = field.group(1) if field else var
    for pattern in (rf"\b{name}: (?:Family<\w+, )?(Counter|Gauge|Histogram)", rf"let {var}: Family<[^,]+, (Counter|Gauge|Histogram)"):
        match = re.search(pattern, text)
        if match:
            return match.group(1).lower()
    raise SystemExit(f"cannot tell the kind of {var!r}")


def ztunnel_metrics(checkout: Path) -> dict[str, dict[str, object]]:
    metrics: dict[str, dict[str, object]] = {}
    paths = [p for p in git_files(checkout, "src/*metrics*.rs") if p != "src/metrics.rs"]
    for path in paths:
        text = (checkout / path).read_text()
        labels = sorted({f for body in RUST_LABEL_STRUCT.findall(text) for f in RUST_FIELD.findall(body)})
        for _, name, unit, var in RUST_REGISTER.findall(text):
            kind = _rust_kind(text, var)
            served = ZTUNNEL_PREFIX.get(path, "istio_") + name
            if unit:
                served += "_" + unit.lower()
            if kind == "counter":
                served += "_total"
            metrics[served] = {
                "kind": kind,
                "component": "ztunnel",
                "source": f"istio/ztunnel:{path}",
                "labels": labels,
            }
    return metrics


def head(checkout: Path) -> str:
    return subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--istio", type=Path, required=True)
    parser.add_argument("--proxy", type=Path, required=True)
    parser.add_argument("--ztunnel", type=Path, required=True)
    parser.add_argument("--version", required=True)
    args = parser.parse_args()
    components = {
        "istio/istio": (args.istio, istio_metrics(args.istio)),
        "istio/proxy": (args.proxy, proxy_metrics(args.proxy)),
        "istio/ztunnel": (args.ztunnel, ztunnel_metrics(args.ztunnel)),
    }
    metrics: dict[str, dict[str, object]] = {}
    for _, found in components.values():
        for name, entry in found.items():
            # ztunnel's istio_tcp_* share the proxy's names: one entry, both sources.
            if name in metrics:
                merged = metrics[name]
                merged["component"] = f"{merged['component']}, {entry['component']}"
                merged["source"] = f"{merged['source']}, {entry['source']}"
                merged["labels"] = sorted({*merged["labels"], *entry["labels"]})  # type: ignore[misc]
            else:
                metrics[name] = entry
    json.dump(
        {
            "istioVersion": args.version,
            "derivation": (__doc__ or "").split("\n\n", 2)[2].strip(),
            "commits": {repo: head(path) for repo, (path, _) in components.items()},
            "metrics": dict(sorted(metrics.items())),
        },
        sys.stdout,
        indent=1,
        sort_keys=False,
    )
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
