"""Pipeline stages: one module per stage, each with ``compute`` and ``write``."""
