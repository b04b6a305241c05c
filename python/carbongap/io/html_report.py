"""A Markdown report as one self-contained HTML file (tables as tables, figures inline).

:func:`markdown_to_html` renders CommonMark with pipe tables (markdown-it-py) and replaces
the source of every image that names a local file with a ``data:`` URI of the file's
bytes, so the page opens offline and alone. Raw HTML in the Markdown is escaped, not
passed through. Same Markdown and same files give the same bytes.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from pathlib import PurePosixPath

from markdown_it import MarkdownIt

#: MIME types of the images a report embeds, by suffix.
IMAGE_TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg"}

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.45; color: #1a1a1a; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #bbb; padding: 0.2rem 0.5rem; vertical-align: top; }
th { background: #f0f0f0; }
img { max-width: 100%; height: auto; border: 1px solid #ddd; }
code { background: #f5f5f5; padding: 0 0.2rem; }
blockquote { border-left: 4px solid #c33; margin-left: 0; padding-left: 1rem; }
"""


def markdown_to_html(markdown: str, read: Callable[[str], bytes], *,
                     title: str = "carbongap replication report") -> str:
    """The HTML page of ``markdown``; ``read(relpath)`` gives the bytes of a local image."""
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = parser.parse(markdown)
    for token in tokens:
        for child in token.children or ():
            if child.type != "image":
                continue
            source = str(child.attrGet("src") or "")
            kind = IMAGE_TYPES.get(PurePosixPath(source).suffix.lower())
            if kind and "://" not in source and not source.startswith("data:"):
                encoded = base64.b64encode(read(source)).decode("ascii")
                child.attrSet("src", f"data:{kind};base64,{encoded}")
    body = parser.renderer.render(tokens, parser.options, {})
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
            f"<body>\n{body}</body>\n</html>\n")
