"""Istio custom resources and namespace labels as plain data (no cdktf).

The constructs turn these into ``kubernetes_manifest`` and namespace
resources; tests validate them against Istio's real CRD schemas.
"""
