#!/usr/bin/env python
"""cdktf app entry point: one mesh stack and one policies stack per config/*.yaml.

Set MESH_CONFIG to a path or glob (several separated by ',') to synthesize
only those files.
"""

from istio_mesh.cli import run

if __name__ == "__main__":
    run()
