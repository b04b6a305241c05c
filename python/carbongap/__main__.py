"""``python -m carbongap`` = the ``carbongap`` command."""

from .cli import app

app()
