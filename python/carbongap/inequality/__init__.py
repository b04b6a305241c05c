"""inequality."""
