"""How a synthesis process starts and ends: the opt-in fast path.

Importing this package, or any module of ``istio_mesh``, changes nothing
outside the package: the bindings load as a plain ``import`` loads them and
jsii starts its runtime its own way. :func:`istio_mesh.runtime.fast_path.enable`
turns the fast path on for the whole process; ``main.py`` and the command
line call it, and so may an application built on our constructs
(docs/performance.md says what each part saves and on which versions it
was verified).
"""
