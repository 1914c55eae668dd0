"""Parsing and static analysis of Python source (no dependency on the runtime).

pyct = "python compiler toolkit": parser, annotations, qualified names, control-flow graphs,
activity / liveness / reaching-definitions analyses, templates, the transformer base, unique
naming, the loader and origin (source map) information used by `autograph.converters`.
"""
