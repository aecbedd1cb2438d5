"""Front matter through python-frontmatter and PyYAML's safe dumper, never by hand.

The dumper writes keys in insertion order, lists of scalars in flow style
(``categories: [krnews, it]``), Unicode unescaped and no line folding, which
reproduces the blog's seed front matter byte for byte.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler

from newsbot.dates import KST

DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"  # the front matter date: 2025-02-04 12:30:17 +0900
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


class _Dumper(yaml.SafeDumper):
    """SafeDumper with flow-style scalar lists."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(not isinstance(v, (dict, list)) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)


class Quoted(str):
    """A string the dumper writes in double quotes (``title: "2026-01-03 AI 뉴스"``)."""

    __slots__ = ()


def _represent_quoted(dumper: yaml.SafeDumper, data: Quoted) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style='"')


_Dumper.add_representer(Quoted, _represent_quoted)

DUMP_OPTIONS: dict[str, Any] = {
    "Dumper": _Dumper,
    "sort_keys": False,
    "allow_unicode": True,
    "width": 10**6,
    "default_flow_style": False,
}


class _Handler(YAMLHandler):
    """``---``, metadata, ``---``, then the body exactly as given (no blank line added)."""

    def format(self, post: frontmatter.Post, **kwargs: Any) -> str:
        metadata = self.export(post.metadata, **kwargs)
        return f"---\n{metadata}\n---\n{post.content}"


HANDLER = _Handler()


def document(metadata: dict[str, Any], body: str) -> str:
    """A whole post: front matter then ``body``."""
    post = frontmatter.Post(body, handler=HANDLER, **metadata)
    return str(frontmatter.dumps(post, handler=HANDLER, **DUMP_OPTIONS))


def read_metadata(text: str) -> dict[str, Any]:
    """The front matter of a post, loaded with the safe loader; ValueError if broken."""
    try:
        return dict(frontmatter.loads(text).metadata)
    except yaml.YAMLError as exc:
        raise ValueError(f"invalid front matter: {exc}") from None


def split(text: str) -> tuple[str, str]:
    """(front matter block with its ``---`` lines, body) of a post."""
    head = FRONT_MATTER.match(text)
    front = head.group(0) if head else ""
    return front, text[len(front) :]


def posted_at(front: str) -> datetime | None:
    """The ``date`` of a post's front matter in KST, or None; ValueError if it is broken."""
    if not front:
        return None
    value = read_metadata(front).get("date")
    if isinstance(value, datetime):
        return value.astimezone(KST) if value.tzinfo else None
    if isinstance(value, str):
        try:
            return datetime.strptime(value, DATE_FORMAT).astimezone(KST)
        except ValueError:
            return None
    return None
