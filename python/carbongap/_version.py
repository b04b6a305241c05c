"""Package version (single source for packaging and the output manifest)."""

__version__ = "0.1.0"
