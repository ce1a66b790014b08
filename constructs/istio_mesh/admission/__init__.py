"""Every generated object checked against its API's rules before anything is
written, and refused by the config field that produced it.

For each planned object: its CRD's schema and CEL rules (Istio's, Gateway
API's, and Argo CD's Application for an export; :mod:`istio_mesh.apirules`),
Kubernetes' rules for the names and labels set, and one owner per object and
per Terraform address, counting the workloads the charts and Istio create
from an entry. ``main.py``, ``python -m istio_mesh check`` and ``export``
run it on every loaded config, so a refused config exits 2 with one line per
problem naming the file, the field and the value, and writes nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path

from istio_mesh.admission.kubernetes import name_problems, workload_name_problems
from istio_mesh.admission.objects import refusals
from istio_mesh.admission.origins import Origin, item_origin, manifest_origins
from istio_mesh.admission.owners import address_clashes, object_clashes, telemetry_clashes
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.loader import ConfigErrors, load_configs_with_sources
from istio_mesh.config.cluster import MeshConfig
from istio_mesh.export import ArgoExport
from istio_mesh.plan import ClusterPlan, ManifestItem, cluster_plan
from istio_mesh.config.versions import DEFAULT_ISTIO_VERSION

__all__ = ["admission_problems", "check_configs", "export_problems", "load_admitted_configs"]


def admission_problems(config: MeshConfig, plan: ClusterPlan | None = None) -> list[str]:
    """Why the API server (or the charts) would refuse what ``config``
    produces: one ``<config field>: <problem>`` line each; [] when admitted."""
    plan = plan if plan is not None else cluster_plan(config)
    problems = [*address_clashes(config, plan), *object_clashes(config, plan),
                *telemetry_clashes(config, plan), *workload_name_problems(config)]
    typed = manifest_origins(config)
    channel = config.gateway_api.channel
    spelt = functools.cache(lambda: config.model_dump(mode="json", by_alias=True))
    for item in (*plan.mesh.items, *plan.policies.items):
        if not isinstance(item, ManifestItem):
            continue
        origin = item_origin(config, item, typed)[0]
        problems += name_problems(item.manifest, origin)
        problems += refusals(item.manifest, origin, istio_version=DEFAULT_ISTIO_VERSION,
                             channel=channel, config=spelt)
    return list(dict.fromkeys(problems))


def export_problems(export: ArgoExport) -> list[str]:
    """Every exported Application against Argo CD's CRD (the gitops section
    produced each one)."""
    problems: list[str] = []
    for name, application in export.applications.items():
        for line in refusals(application, Origin(("gitops",)), istio_version=DEFAULT_ISTIO_VERSION,
                             channel="standard"):
            problems.append(f"{line} (Application {name})")
    return problems


def check_configs(configs: Mapping[str, MeshConfig], sources: Mapping[str, Path],
                  plans: Mapping[str, ClusterPlan] | None = None) -> None:
    """Raise :class:`ConfigErrors` naming each file whose config produces an
    object the API would refuse."""
    errors: list[ConfigError] = []
    for name in sorted(configs):
        plan = plans.get(name) if plans is not None else None
        problems = admission_problems(configs[name], plan)
        if problems:
            source = sources.get(name, Path(name))
            prefix = f"cluster {name!a}: " if source.stem != name else ""
            errors.append(ConfigError(source, [prefix + p for p in problems]))
    if errors:
        raise ConfigErrors(errors)


def load_admitted_configs(paths: Sequence[Path]) -> dict[str, MeshConfig]:
    """Load every file (:func:`istio_mesh.config.loader.load_configs`) and
    refuse the configs whose objects the API would refuse."""
    configs, sources = load_configs_with_sources(paths)
    check_configs(configs, sources)
    return configs
