"""``values.cni`` builds the CNI node agent chart's values: images and profile
follow the mesh, resources and placement come from ``cni:``, and
``extraValues`` is merged over everything. This file checks the exact values."""

from __future__ import annotations

from conftest import config_from
from istio_mesh.values.cni import cni_values

AMBIENT = "istio: {profile: ambient}\ncni: {enabled: true}\nztunnel: {enabled: true}\n"


def test_an_ambient_mesh_gives_the_cni_chart_the_ambient_profile() -> None:
    assert cni_values(config_from(AMBIENT)) == {"profile": "ambient", "global": {"hub": "docker.io/istio"}}


def test_images_resources_and_placement_are_written_where_the_chart_reads_them() -> None:
    config = config_from("""
istio: {hub: registry.example.com/istio, tag: 1.30.3-distroless, imagePullSecrets: [pull], platform: k3s}
cni:
  enabled: true
  resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}
  placement:
    tolerations: [{key: dedicated, value: mesh, effect: NoSchedule}]
    rollout: {maxUnavailable: '10%'}
""")
    assert cni_values(config) == {
        "platform": "k3s",
        "global": {"hub": "registry.example.com/istio", "tag": "1.30.3-distroless", "imagePullSecrets": ["pull"]},
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
        "tolerations": [{"operator": "Equal", "key": "dedicated", "value": "mesh", "effect": "NoSchedule"}],
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "10%"}},
    }


def test_extra_values_win_over_the_generated_ones_and_keep_their_siblings() -> None:
    config = config_from("""
cni:
  enabled: true
  placement: {rollout: {maxUnavailable: 1}}
  extraValues: {updateStrategy: {rollingUpdate: {maxUnavailable: 3}}, global: {logAsJson: true}}
""")
    assert cni_values(config) == {
        "global": {"hub": "docker.io/istio", "logAsJson": True},
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 3}},
    }
