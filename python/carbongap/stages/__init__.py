"""Pipeline stages: one module per stage, each with ``compute``, ``write`` and its ``STAGE``."""
