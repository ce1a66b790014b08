#!/usr/bin/env python
"""cdktf app entry point: one mesh stack and one policies stack per cluster,
for every cluster file config/*.yaml and every fleet file config/fleets/*.yaml.

Set MESH_CONFIG to a path or glob (several separated by ',') to synthesize
only those files. Success goes to stdout, errors to stderr.
"""

from istio_mesh.cli import run

if __name__ == "__main__":
    run()
