"""The staged pipeline: stage definitions, cached runner, output writer and manifest."""
