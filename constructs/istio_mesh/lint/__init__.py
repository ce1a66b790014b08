"""The config linter: production-readiness rules and checks against Istio's
real CRD schemas and chart values, run by ``istio-mesh check``.

Import the engine from ``istio_mesh.lint.engine``; this package module stays
empty so that the config models can read ``istio_mesh.config.rule_catalogue``
without importing the engine, which imports them.
"""
