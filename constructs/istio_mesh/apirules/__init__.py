"""The APIs' own rules, evaluated the way the API server evaluates them.

- :mod:`.cel`: the Kubernetes CEL environment (cel-python plus the Kubernetes
  extension functions the CRDs call) and the walk that finds and checks each
  ``x-kubernetes-validations`` rule of a schema;
- :mod:`.openapi`: a CRD's ``openAPIV3Schema`` as a JSON Schema (refusing
  fields the API server would prune) and the defaults it fills in;
- :mod:`.crds`: the CRDs the generated objects belong to (Istio's, Gateway
  API's, Argo CD's Application), shipped with the package.

Nothing here knows about the config; :mod:`istio_mesh.admission` applies
these rules to the generated objects and names the config field behind each
refusal.
"""
