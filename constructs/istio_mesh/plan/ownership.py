"""How this stack signs what it writes into objects others also manage."""

FIELD_MANAGER = "istio-mesh"
"""Server-side-apply field manager of every label, annotation and manifest
this project applies to objects it does not wholly own. One name, so the
project never conflicts with itself over a field."""
