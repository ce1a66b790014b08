"""Workload identities and the mesh's trust domain.

Istio reads ``cluster.local`` in a policy principal as "this mesh's trust
domain and its aliases" (``trustdomain.Bundle.ReplaceTrustDomainAliases``),
so the principals this library generates keep ``cluster.local`` whatever
``mesh.trustDomain`` says and survive a trust domain migration. A principal
a user writes with any other trust domain is matched literally: one the
mesh does not accept can never match, and the rule it is in silently lets
nobody in. That is refused here.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from istio_mesh.config.errors import RuleViolation
from istio_mesh.config.mesh_settings import DEFAULT_TRUST_DOMAIN

if TYPE_CHECKING:
    from istio_mesh.config.cluster import MeshConfig

_IDENTITY = re.compile(r"([^/*]+)/ns/[^/]+/sa/[^/]+", re.ASCII)


def check_principal_trust_domains(config: MeshConfig) -> None:
    accepted = config.mesh.trust_domains
    for i, rule in enumerate(config.authorization.allow):
        for j, principal in enumerate(rule.sources.principals):
            match = _IDENTITY.fullmatch(principal)
            if match is None or match[1] == DEFAULT_TRUST_DOMAIN or match[1] in accepted:
                continue
            raise RuleViolation(
                ("authorization", "allow", i, "from", "principals", j),
                f"{principal!a} is in trust domain {match[1]!a}, which this mesh does not "
                f"accept ({', '.join(accepted)}), so it never matches; write "
                f"'{DEFAULT_TRUST_DOMAIN}/...' for this mesh's workloads or add {match[1]!a} "
                f"to mesh.trustDomainAliases",
            )
