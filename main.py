#!/usr/bin/env python
"""cdktf app entry point: one mesh stack and one policies stack per cluster,
for every cluster file config/*.yaml and every fleet file config/fleets/*.yaml.

Set MESH_CONFIG to a path or glob (several separated by ',') to synthesize
only those files. Success goes to stdout, errors to stderr.
"""

import os

# jsii prints a deprecation / end-of-life banner for Node 20 on every start
# unless told not to (the second variable takes the major version to silence).
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from istio_mesh.cli import run  # noqa: E402  (after the environment is set)

if __name__ == "__main__":
    run()
