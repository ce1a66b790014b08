"""The two stacks synthesized per cluster config."""

from istio_mesh.stacks.mesh import MeshStack
from istio_mesh.stacks.policies import PoliciesStack

__all__ = ["MeshStack", "PoliciesStack"]
