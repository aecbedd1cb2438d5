"""Entities are decoded once, by the parser of the page's format, never again.

A list page that shows ``AT&T &copy; &lt;x&gt;`` (its markup says ``AT&amp;T
&amp;copy; &amp;lt;x&amp;gt;``) is posted showing exactly that; a feed's escaped
HTML title (``It&#8217;s``, ``AT&amp;amp;T``) is posted as a reader shows it.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from newsbot.dates import KST
from newsbot.posts.markdown import plain
from tests.conftest import PageServer
from tests.sources.test_html import run_job

HOST = "list.example.com"
JOB = """title = "{date:%Y.%m.%d} list"
slug = "entities"
[[sources]]
name = "NAME"
section = "s"
options = { url = "https://list.example.com/list", label = "L"SELECTORS }
"""
TODAY = datetime.now(KST).date().isoformat()  # an undated list: today's items
SHOWN = ("AT&T &copy; &lt;x&gt; now", "Tom &amp; Jerry &#60;3 back")


def titles(post: str) -> list[str]:
    return [plain(t) for t in re.findall(r"^## \[(.*)\]\(", post, re.M)]


def test_an_html_list_is_posted_showing_what_the_page_shows(
    page_server: PageServer, tmp_path: Path
) -> None:
    markup = "".join(
        f'<li><a href="/a/{n}">{t.replace("&", "&amp;")}</a></li>' for n, t in enumerate(SHOWN)
    )
    page_server.add("/list", f"<html><body><ul>{markup}</ul></body></html>")
    job = JOB.replace("NAME", "html").replace("SELECTORS", ', selectors = { item = "li" }')
    post = run_job(page_server, tmp_path, "html", job, TODAY, HOST)
    assert titles(post) == list(SHOWN)


def test_a_feeds_escaped_html_titles_are_decoded_once(
    page_server: PageServer, tmp_path: Path
) -> None:
    items = {
        "It&amp;#8217;s here": "It’s here",  # WordPress: an entity inside escaped HTML
        "AT&amp;amp;T &amp;lt;b&amp;gt;": "AT&T <b>",  # escaped HTML showing a tag's text
        "Plain &amp; simple": "Plain & simple",
        "&lt;b&gt;Bold&lt;/b&gt; move": "Bold move",
    }
    body = "".join(
        f"<item><title>{raw}</title><link>https://{HOST}/a/{n}</link></item>"
        for n, raw in enumerate(items)
    )
    page_server.add(
        "/list",
        f"<rss version='2.0'><channel><title>T</title>{body}</channel></rss>",
        Content_Type="application/rss+xml",
    )
    job = JOB.replace("NAME", "feed").replace("SELECTORS", "")
    post = run_job(page_server, tmp_path, "feed", job, TODAY, HOST)
    assert titles(post) == list(items.values())
