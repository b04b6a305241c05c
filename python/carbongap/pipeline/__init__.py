"""The staged pipeline: the stage registry, the cached runner, the manifest and the checks
and re-exports of a finished run folder."""
