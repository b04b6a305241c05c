"""A Markdown report as one self-contained HTML file (tables as tables, figures inline).

:func:`markdown_to_html` renders CommonMark with pipe tables (markdown-it-py) and replaces
the source of every image that names a local file with a ``data:`` URI of the file's
bytes, so the page opens offline and alone. Every heading gets the id :func:`anchor` gives
its text (the ids GitHub gives the same Markdown, so a table of contents of ``#anchor``
links works in both); an image alone in its paragraph becomes a ``<figure>`` with its alt
text as ``<figcaption>``; the level-2 sections named in ``collapsed`` are folded into
``<details>``. Raw HTML in the Markdown is escaped, not passed through. Same Markdown and
same files give the same bytes.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable, Collection
from pathlib import PurePosixPath

from markdown_it import MarkdownIt
from markdown_it.token import Token

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
figure { margin: 1rem 0; }
figcaption { font-size: 0.9rem; color: #444; margin-top: 0.3rem; }
details > summary { cursor: pointer; font-size: 1.5em; font-weight: bold; margin: 1rem 0; }
"""


def anchor(text: str) -> str:
    """The id of a heading: lower case, punctuation dropped (letters of any script, digits,
    ``-`` and ``_`` kept), spaces as hyphens — GitHub's rule for the same heading."""
    kept = "".join(c for c in text.strip().lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


def _unique(slug: str, seen: dict[str, int]) -> str:
    count = seen.get(slug, 0)
    seen[slug] = count + 1
    return slug if count == 0 else f"{slug}-{count}"


def _embed(token: Token, read: Callable[[str], bytes]) -> None:
    source = str(token.attrGet("src") or "")
    kind = IMAGE_TYPES.get(PurePosixPath(source).suffix.lower())
    if kind and "://" not in source and not source.startswith("data:"):
        token.attrSet("src", f"data:{kind};base64,{base64.b64encode(read(source)).decode()}")


def _figures(tokens: list[Token]) -> list[Token]:
    """Each paragraph holding one image alone as a <figure> with its alt as caption."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        children = tokens[k + 1].children if k + 1 < len(tokens) else None
        if (tokens[k].type == "paragraph_open" and children and len(children) == 1
                and children[0].type == "image"):
            image = children[0]
            caption = html.escape(image.content)
            block = Token("html_block", "", 0)
            block.content = (f'<figure>\n<img src="{image.attrGet("src")}" alt="{caption}">\n'
                             f"<figcaption>{caption}</figcaption>\n</figure>\n")
            out.append(block)
            k += 3
            continue
        out.append(tokens[k])
        k += 1
    return out


def _text(inline: Token) -> str:
    return "".join(child.content for child in inline.children or () if child.content)


def markdown_to_html(markdown: str, read: Callable[[str], bytes], *,
                     title: str = "carbongap replication report",
                     collapsed: Collection[str] = ()) -> str:
    """The HTML page of ``markdown``; ``read(relpath)`` gives the bytes of a local image;
    the level-2 sections whose heading text is in ``collapsed`` are folded (module doc)."""
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = parser.parse(markdown)
    seen: dict[str, int] = {}
    for k, token in enumerate(tokens):
        if token.type == "heading_open":
            token.attrSet("id", _unique(anchor(_text(tokens[k + 1])), seen))
        for child in token.children or ():
            if child.type == "image":
                _embed(child, read)
    sections: list[list[Token]] = [[]]
    for token in _figures(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            sections.append([])
        sections[-1].append(token)
    parts = []
    for section in sections:
        heading = _text(section[1]) if section and section[0].tag == "h2" else None
        if heading is not None and heading in collapsed:
            body = parser.renderer.render(section[3:], parser.options, {})
            parts.append(f'<details id="{section[0].attrGet("id")}">\n<summary>'
                         f"{html.escape(heading)}</summary>\n{body}</details>\n")
        else:
            parts.append(parser.renderer.render(section, parser.options, {}))
    body = "".join(parts)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
            f"<body>\n{body}</body>\n</html>\n")
