"""Tools beside the pipeline, each behind one CLI command: ``dea_file`` (``carbongap dea``:
the Luenberger engine on any panel file) and ``template`` (``carbongap template``: the
input templates and their guides)."""
