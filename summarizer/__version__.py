"""The package's one version: hatch reads it at build time, the package at run time."""

__version__ = "0.1.0"
