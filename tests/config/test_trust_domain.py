"""The trust domain: validated, written to meshConfig, consistent across the
clusters of a fleet, and coherent with authorization principals."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CONFIG_DIR, FLEET_FILES, config_from
from istio_mesh.config.errors import ConfigError
from istio_mesh.config.fleet import load_fleet
from istio_mesh.manifests.authorization import allow_policies

SHOP_RULE = (
    "namespaces: [{{name: shop}}]\n"
    "authorization:\n  allow:\n    - name: r\n      namespace: shop\n"
    "      from: {{principals: [{principal}], serviceAccounts: [shop/web]}}\n"
)


def refusal(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        config_from(text)
    return str(caught.value)


@pytest.mark.parametrize(("text", "message"), [
    ("mesh: {trustDomain: Prod.Example.com}",
     "test.yaml: mesh.trustDomain: got 'Prod.Example.com'; must be a trust domain: DNS-1123 labels "
     "(lowercase letters, digits and '-') joined by '.', at most 253 characters, e.g. 'prod.example.com'"),
    ("mesh: {trustDomain: 'spiffe://prod'}",
     "test.yaml: mesh.trustDomain: got 'spiffe://prod'; must be a trust domain: DNS-1123 labels "
     "(lowercase letters, digits and '-') joined by '.', at most 253 characters, e.g. 'prod.example.com'"),
    ("mesh: {trustDomainAliases: ['old_td']}",
     "test.yaml: mesh.trustDomainAliases[0]: got 'old_td'; must be a trust domain: DNS-1123 labels "
     "(lowercase letters, digits and '-') joined by '.', at most 253 characters, e.g. 'prod.example.com'"),
    ("mesh: {trustDomain: a.example, trustDomainAliases: [a.example]}",
     "test.yaml: mesh.trustDomainAliases[0]: 'a.example' is the trust domain itself; list only other "
     "trust domains"),
    ("mesh: {trustDomainAliases: [cluster.local]}",
     "test.yaml: mesh.trustDomainAliases[0]: 'cluster.local' is the trust domain itself; list only "
     "other trust domains"),
    ("mesh: {trustDomain: a.example, trustDomainAliases: [b.example, b.example]}",
     "test.yaml: mesh.trustDomainAliases[1]: 'b.example' is listed twice"),
])
def test_trust_domain_refusals_have_exact_text(text: str, message: str) -> None:
    assert refusal(text) == message


def test_generated_principals_keep_cluster_local_whatever_the_trust_domain() -> None:
    # Istio reads cluster.local in a principal as the mesh's trust domain and
    # its aliases, so the generated policy follows a trust domain change.
    config = config_from("mesh: {trustDomain: prod.example.com}\n"
                         + SHOP_RULE.format(principal="prod.example.com/ns/a/sa/b"))
    [policy] = allow_policies(config)
    assert policy["spec"]["rules"][0]["from"][0]["source"]["principals"] == [
        "prod.example.com/ns/a/sa/b", "cluster.local/ns/shop/sa/web"]


@pytest.mark.parametrize("principal", [
    "cluster.local/ns/a/sa/b", "old.example/ns/a/sa/b", "'*'", "'*/ns/a/sa/b'", "prod.example.com/ns/a/sa/b",
])
def test_principals_in_an_accepted_trust_domain_load(principal: str) -> None:
    config_from("mesh: {trustDomain: prod.example.com, trustDomainAliases: [old.example]}\n"
                + SHOP_RULE.format(principal=principal))


def test_a_principal_of_a_foreign_trust_domain_is_refused() -> None:
    text = "mesh: {trustDomain: prod.example.com}\n" + SHOP_RULE.format(principal="other.example/ns/a/sa/b")
    assert refusal(text) == (
        "test.yaml: authorization.allow[0].from.principals[0]: 'other.example/ns/a/sa/b' is in trust "
        "domain 'other.example', which this mesh does not accept (prod.example.com), so it never "
        "matches; write 'cluster.local/...' for this mesh's workloads or add 'other.example' to "
        "mesh.trustDomainAliases")


FLEET = """\
meshes:
  mesh1:
    shared:
      ca: {{mode: plugin}}
      multicluster: {{rootCertSha256: {sha}}}
    clusters:
      east:
        multicluster: {{network: net1}}
        mesh: {east}
      west:
        multicluster: {{network: net1}}
        mesh: {west}
"""


def fleet(tmp_path: Path, east: str, west: str) -> Path:
    path = tmp_path / "fleet.yaml"
    path.write_text(FLEET.format(sha="a" * 64, east=east, west=west))
    return path


def test_clusters_of_a_mesh_must_accept_each_others_trust_domain(tmp_path: Path) -> None:
    path = fleet(tmp_path, "{trustDomain: east.example}", "{trustDomain: west.example}")
    with pytest.raises(ConfigError) as caught:
        load_fleet(path)
    assert caught.value.problems == (
        "meshes.mesh1.clusters.east.mesh.trustDomain: cluster 'east' does not accept trust "
        "domain 'west.example' of cluster 'west'; every cluster of a mesh needs the same trust "
        "domain or the others' in trustDomainAliases",)


def test_aliases_that_cover_each_other_make_a_mesh(tmp_path: Path) -> None:
    path = fleet(tmp_path, "{trustDomain: east.example, trustDomainAliases: [west.example]}",
                 "{trustDomain: west.example, trustDomainAliases: [east.example]}")
    members = load_fleet(path)
    assert {c: m.mesh.trust_domains for c, m in members.items()} == {
        "east": ("east.example", "west.example"), "west": ("west.example", "east.example")}


def test_the_same_trust_domain_everywhere_is_a_mesh(tmp_path: Path) -> None:
    members = load_fleet(fleet(tmp_path, "{trustDomain: corp.example}", "{trustDomain: corp.example}"))
    assert sorted(members) == ["east", "west"]


def test_an_alias_on_one_side_only_is_not_enough(tmp_path: Path) -> None:
    path = fleet(tmp_path, "{trustDomain: east.example, trustDomainAliases: [west.example]}",
                 "{trustDomain: west.example}")
    with pytest.raises(ConfigError) as caught:
        load_fleet(path)
    assert caught.value.problems == (
        "meshes.mesh1.clusters.west.mesh.trustDomain: cluster 'west' does not accept trust "
        "domain 'east.example' of cluster 'east'; every cluster of a mesh needs the same trust "
        "domain or the others' in trustDomainAliases",)


def test_shipped_fleets_share_istios_default_trust_domain() -> None:
    for path in FLEET_FILES:
        members = load_fleet(path)
        assert {m.mesh.effective_trust_domain for m in members.values()} == {"cluster.local"}, path
