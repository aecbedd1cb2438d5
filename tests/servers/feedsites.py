"""English news sites for the digest on 2026-01-03: an RSS, an Atom and a JSON feed.

Each feed has AI stories among unrelated ones; each article page is laid out the
way English news sites are (a header, share bar, captioned photo, a related list,
newsletter box, comments), so the generic extractor is what reads them.
"""

from __future__ import annotations

import html
import json

from tests.conftest import PageServer
from tests.servers.digestsite import Story

HOSTS = ("techcrunch.com", "www.theverge.com", "www.technologyreview.com")
TC = (
    Story(
        1,
        "OpenAI ships a cheaper reasoning model for developers",
        (
            "OpenAI on Friday released a smaller reasoning model that costs developers a fifth "
            "of the price of its flagship, the company said in a blog post.",
            "The model, available through the API from today, scores within 3 points of the larger "
            "one on coding benchmarks, according to OpenAI.",
            "Mr. Altman said the U.S. launch would be followed by Europe in February.",
        ),
        published="Sat, 03 Jan 2026 01:30:00 +0000",
    ),
    Story(
        2,
        "The best budget headphones of the year",
        ("A roundup of headphones.",),
        published="Sat, 03 Jan 2026 03:00:00 +0000",
    ),
)
VERGE = (
    Story(
        1,
        "Google's generative AI comes to Android Auto",
        (
            "Google is bringing its Gemini assistant to Android Auto, the company announced at "
            "a press event in Mountain View on Friday.",
            "Drivers will be able to ask for directions and messages in plain language, and the "
            "feature will roll out to 12 countries by March.",
            "The update also adds a new media player and support for more car makers.",
        ),
        published="2026-01-03T02:00:00Z",
    ),
)
MIT = (
    Story(
        1,
        "How DeepSeek trained its new model on fewer chips",
        (
            "DeepSeek has published a technical report describing how it trained its V4 model on "
            "about 2,000 chips, far fewer than its American rivals use.",
            "The report credits a new training framework, mHC, which the company says keeps very "
            "large models stable during training.",
            "Researchers outside the company said the results still need to be reproduced.",
        ),
        published="2026-01-03T09:15:00",  # no offset: the source's tz (UTC) applies
    ),
)


def path(site: str, n: int) -> str:
    return f"/2026/01/03/{site}-story-{n}/"


def article_page(title: str, paragraphs: tuple[str, ...], site: str) -> bytes:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    related = "".join(
        f"<li><a href='/r/{i}'>Related story number {i} about gadgets</a></li>" for i in range(6)
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<meta property='og:title' content='{html.escape(title)} | {site}'>"
        f"<meta property='og:image' content='https://{site}/img/lead.jpg'></head><body>"
        "<header class='site-header'><nav><a href='/'>Home</a><a href='/ai'>AI</a></nav></header>"
        f"<main><article><h1>{html.escape(title)}</h1>"
        "<div class='article-share'><a href='#'>Share</a><a href='#'>Tweet</a></div>"
        "<figure><img src='/a.jpg'><figcaption>Photo: Getty Images</figcaption></figure>"
        f"<div class='article-body'>{body}</div>"
        f"<aside class='related'><h3>More from {site}</h3><ul>{related}</ul></aside>"
        "<div class='newsletter-signup'><p>Sign up for our newsletter to get the latest news "
        "every morning.</p></div></article></main>"
        "<section id='comments'><p>Great article, thanks for sharing this with all of us!</p></section>"
        "<footer><p>© 2026 All rights reserved.</p></footer></body></html>"
    ).encode()


def rss() -> bytes:
    items = "".join(
        f"<item><title>{html.escape(s.title)}</title><link>https://techcrunch.com{path('tc', s.n)}</link>"
        f"<description>{html.escape('<p>' + s.paragraphs[0] + '</p>')}</description>"
        f"<pubDate>{s.published or 'Sat, 03 Jan 2026 03:00:00 +0000'}</pubDate>"
        f"<media:thumbnail url='https://techcrunch.com/img/{s.n}.jpg'/></item>"
        for s in TC
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?><rss version='2.0' "
        "xmlns:media='http://search.yahoo.com/mrss/'><channel><title>TechCrunch AI</title>"
        f"{items}</channel></rss>"
    ).encode()


def atom() -> bytes:
    entries = "".join(
        f"<entry><title>{html.escape(s.title)}</title>"
        f"<link rel='alternate' href='https://www.theverge.com{path('verge', s.n)}'/>"
        f"<id>verge-{s.n}</id><updated>{s.published}</updated>"
        f"<summary>{html.escape(s.paragraphs[0])}</summary></entry>"
        for s in VERGE
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        f"<title>The Verge</title><id>verge</id><updated>2026-01-03T02:00:00Z</updated>{entries}</feed>"
    ).encode()


def json_feed() -> bytes:
    items = [
        {
            "id": str(s.n),
            "url": f"https://www.technologyreview.com{path('mit', s.n)}",
            "title": s.title,
            "summary": s.paragraphs[0],
            "date_published": s.published,
            "authors": [{"name": "Will Douglas Heaven"}],
        }
        for s in MIT
    ]
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "MIT TR", "items": items}
    return json.dumps(feed).encode()


FEEDS = {
    "/category/artificial-intelligence/feed/": (rss, "application/rss+xml"),
    "/rss/ai-artificial-intelligence/index.xml": (atom, "application/atom+xml"),
    "/topic/artificial-intelligence/feed.json": (json_feed, "application/feed+json"),
}


def serve(server: PageServer) -> None:
    """The three feeds and their articles (all hosts are mapped to ``server``)."""
    for feed_path, (make, kind) in FEEDS.items():
        server.add(feed_path, make(), Content_Type=kind)
    for site, host, stories in (
        ("tc", HOSTS[0], TC),
        ("verge", HOSTS[1], VERGE),
        ("mit", HOSTS[2], MIT),
    ):
        for s in stories:
            server.add(path(site, s.n), article_page(s.title, s.paragraphs, host))
