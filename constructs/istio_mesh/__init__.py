"""istio-mesh: Istio installed by ordered Helm releases, configured from one
validated YAML file per cluster, as CDK for Terraform stacks.

Import the config models and loader from here without starting jsii; the
constructs and stacks (``istio_mesh.components``, ``istio_mesh.stacks``,
``istio_mesh.app``) import cdktf.
"""

from istio_mesh.config.errors import ConfigError
from istio_mesh.config.loader import load_config, load_configs, parse_config
from istio_mesh.config.models import MeshConfig
from istio_mesh.versions import DEFAULT_ISTIO_VERSION

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_ISTIO_VERSION",
    "ConfigError",
    "MeshConfig",
    "load_config",
    "load_configs",
    "parse_config",
]
