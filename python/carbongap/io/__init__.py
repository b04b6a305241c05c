"""Input and output at the edges: file readers, importers and atomic writers."""
