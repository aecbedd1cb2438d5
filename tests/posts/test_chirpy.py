"""Every post style built in the real Chirpy 7.3.1 theme, and read as a reader's browser gets it.

One build holds: both seed formats, every golden post, a post of every shipped job (as
today's lists give items: one-line snippets, items without a thumbnail or a snippet)
and hostile posts (``samples.HOSTILE`` in every scraped field of both styles).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from newsbot.dates import KST
from newsbot.jobs import Job, load_jobs
from newsbot.posts import daily_list, digest
from newsbot.posts.files import post_name
from newsbot.posts.frontmatter import read_metadata
from tests.conftest import GOLDEN, ROOT, SHARED
from tests.posts import pagecheck, samples
from tests.posts.chirpy import KIT, RAW_MARKDOWN, Site, build, content, words

pytestmark = pytest.mark.jekyll

SEEDS = SHARED / "seeds"
JOBS = {job.slug: job for job in load_jobs(ROOT / "jobs")}
TITLE_DAY = re.compile(r"(\d{4})[.-](\d{2})[.-](\d{2})")


@dataclass
class Case:
    """One post in the build and what its page must show."""

    name: str  # the file name
    text: str
    items: list[samples.Item] = field(default_factory=list)
    entries: list[samples.Entry] = field(default_factory=list)
    contained: bool = True
    hostile: bool = False

    @property
    def slug(self) -> str:
        return self.name[len("YYYY-MM-DD-") : -len(".md")]

    @property
    def description(self) -> str:
        return str(read_metadata(self.text).get("description") or "")


def fixed(name: str, text: str, job: Job | None) -> Case:
    """A post already written: its items read back from its own text."""
    if text.startswith("---\nlayout: post\n"):
        return Case(name, text, entries=samples.read_entries(text))
    contained = job.contain_thumbnails if job else False
    return Case(name, text, items=samples.read_items(text), contained=contained)


def rendered(job: Job, day: date, texts: tuple[str, ...] = ()) -> Case:
    """A post of ``job`` for ``day``: sample items, or one item per hostile string."""
    slug = f"hostile-{job.slug}" if texts else job.slug
    posted = datetime.combine(day, job.scheduled_time(), tzinfo=KST)
    name = post_name(day, slug)
    if job.style == "digest":
        given = samples.digest_entries(texts)
        text = digest.render(job, posted, given)
        return Case(name, text, entries=samples.entries(given), hostile=bool(texts))
    articles = samples.list_articles(job, texts)
    text = daily_list.render(job, posted, articles)
    return Case(name, text, samples.items(articles), [], job.contain_thumbnails, bool(texts))


def cases() -> list[Case]:
    found = [fixed(p.name, p.read_text(encoding="utf-8"), _job_of(p.name)) for p in _goldens()]
    for seed in sorted(SEEDS.glob("00[01]_*.txt")):
        name = {"000": "2025-02-04-seed-000.md", "001": "2026-01-03-seed-001.md"}[seed.name[:3]]
        found.append(fixed(name, seed.read_text(encoding="utf-8"), None))
    for i, job in enumerate(JOBS.values()):
        found.append(rendered(job, date(2025, 12, 1 + i)))
    hostile = tuple(samples.HOSTILE)
    for i, slug in enumerate(("etnews-it", "krnews-it", "ai-news")):
        found.append(rendered(JOBS[slug], date(2025, 11, 20 + i), hostile))
    return found


def _goldens() -> list[Path]:
    return sorted(GOLDEN.glob("*.md"))


def _job_of(name: str) -> Job | None:
    match = re.match(r"\d{4}-\d\d-\d\d-(.+)-\d{8}\.md$", name)
    return JOBS.get(match.group(1)) if match else None


CASES = cases()
NAMES = [c.name for c in CASES]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build({c.name: c.text for c in CASES}, tmp_path_factory.mktemp("chirpy"))


def case(name: str) -> Case:
    return next(c for c in CASES if c.name == name)


def test_every_style_is_in_the_build() -> None:
    """Both seed formats (when ../shared has them), every job and style, hostile posts."""
    if not SEEDS.is_dir():
        pytest.skip(f"seeds not available: {SEEDS} is absent")
    assert {"2025-02-04-seed-000.md", "2026-01-03-seed-001.md"} <= set(NAMES)
    assert {job.style for job in JOBS.values()} == {"daily_list", "digest"}
    assert sum(c.hostile for c in CASES) == 3 and len(_goldens()) >= 4


@pytest.mark.parametrize("name", NAMES)
def test_every_item_shows_its_heading_link_image_and_text(site: Site, name: str) -> None:
    """Catalogue: S03, S04, S05."""
    c = case(name)
    page = site.post(c.slug)
    if c.entries:
        pagecheck.digest(page, c.entries)
    else:
        pagecheck.daily(page, c.items, contained=c.contained)
    body = words(content(page))
    assert c.hostile or not RAW_MARKDOWN.search(body), RAW_MARKDOWN.search(body)


@pytest.mark.parametrize("name", [c.name for c in CASES if c.items and c.contained])
def test_items_start_at_the_left_margin(site: Site, name: str) -> None:
    """Each floated thumbnail sits in its item's own paragraph, which encloses it.

    ``.overflow-hidden`` makes the paragraph a block formatting context, so the float
    cannot reach the next item's heading, whatever the snippet's length.
    """
    css = (KIT / "assets" / "css" / "jekyll-theme-chirpy.css").read_text(encoding="utf-8")
    assert ".overflow-hidden{overflow:hidden !important}" in css and ".left{float:left;" in css
    body = content(site.post(case(name).slug))
    floats = body.css(".left, .right, [style]")
    assert floats and all(n.tag == "a" and "left" in n.attributes["class"] for n in floats)
    for node in floats:
        holder = node.parent
        assert holder is not None and holder.tag == "p" and holder.parent == body
        assert "overflow-hidden" in (holder.attributes.get("class") or "").split()
    assert all(n.tag in ("h2", "p") for n in body.iter())  # no other block to float beside


def test_the_seed_000_job_keeps_the_seed_markup(site: Site) -> None:
    """krnews-it writes seed 000 byte for byte: no description, thumbnails floated as the
    seed floats them (so it opts out of the left-margin structure above)."""
    job = JOBS["krnews-it"]
    assert not job.contain_thumbnails and not job.description
    mine = [c for c in CASES if "-krnews-it-" in c.name]
    assert len(mine) == 4  # two golden posts, today's style, the hostile one
    for c in mine:
        assert "overflow-hidden" not in c.text and "\ndescription:" not in c.text
        assert not content(site.post(c.slug)).css(".overflow-hidden")


def test_descriptions_are_plain_text_everywhere_chirpy_shows_them(site: Site) -> None:
    """Under the title, on the home page, in the feed and in search data."""
    described = {c.slug: c.description for c in CASES if c.description}
    assert {c.slug for c in CASES if not c.description} == {
        c.slug for c in CASES if "krnews-it" in c.name or "seed-" in c.name
    }
    for slug, text in described.items():
        header = site.post(slug).css_first("article header p.post-desc")
        assert header is not None and header.text(deep=True) == text
        assert not list(header.iter()), header.html  # text only: no element inside
    cards = dict(home_cards(site))
    assert set(cards) == {c.slug for c in CASES}
    hostile = {c.slug for c in CASES if c.hostile}
    for slug, text in cards.items():
        if slug in described:
            assert text == described[slug]
        elif slug not in hostile:  # the rendered body, stripped (hostile text shows as itself)
            assert not RAW_MARKDOWN.search(text), text
    for entry in json.loads(site.text("assets/js/data/search.json")):
        assert "<" not in entry["content"] and ">" not in entry["content"]
    entries = re.findall(
        r'<link href="/posts/([^/"]+)/".*?<summary>(.*?)</summary>', feed(site), re.S
    )
    assert len(entries) == 5  # Chirpy's feed: the newest five
    for slug, summary in entries:
        text = " ".join(summary.replace("&amp;", "&").split())  # Chirpy's feed escapes only &
        assert text == described[slug] if slug in described else not RAW_MARKDOWN.search(text)


def test_related_post_cards_show_descriptions_not_markdown(site: Site) -> None:
    """Chirpy builds a card from the unrendered body of a post without a description."""
    described = {c.slug: c.description for c in CASES if c.description}
    seen = 0
    for c in CASES:
        for slug, text in related_cards(site.post(c.slug)):
            if slug in described:
                assert text == described[slug]
                seen += 1
    assert seen >= len(CASES)  # three cards on most pages, nearly all described


@pytest.mark.parametrize("name", NAMES)
def test_dates_agree_with_the_title_for_kst_readers(site: Site, name: str) -> None:
    """The title's date, the server-rendered date and the timestamp's day in Seoul."""
    page = site.post(case(name).slug)
    title = page.css_first("article header h1")
    time = page.css_first("article header time[data-ts]")
    assert title is not None and time is not None
    match = TITLE_DAY.search(title.text())
    assert match is not None, title.text()
    day = date(*map(int, match.groups()))
    assert time.text().strip() == day.strftime("%Y/%m/%d")
    stamp = datetime.fromtimestamp(int(time.attributes["data-ts"] or 0), KST)
    assert stamp.date() == day


@pytest.mark.parametrize("name", [c.name for c in CASES if c.hostile])
def test_S03_S05_hostile_pages_gain_no_link_script_or_handler_anywhere(
    site: Site, name: str
) -> None:
    """Catalogue: S03, S05."""
    clean = site.post(case("2018-09-28-etnews-it-20180928.md").slug)
    pagecheck.nothing_but_the_theme(site.post(case(name).slug), clean)


def feed(site: Site) -> str:
    return site.text("feed.xml")


def home_cards(site: Site) -> Iterator[tuple[str, str]]:
    """(post slug, card text) for every card on the home pages."""
    for page in site.home_pages():
        for card in page.css("#post-list a.post-preview"):
            slug = (card.attributes.get("href") or "").strip("/").removeprefix("posts/")
            yield slug, words(card.css_first(".card-text"))


def related_cards(page: LexborHTMLParser) -> Iterator[tuple[str, str]]:
    """(post slug, card text) for the related-post cards of a post page."""
    for card in page.css("#related-posts a.post-preview"):
        slug = (card.attributes.get("href") or "").strip("/").removeprefix("posts/")
        yield slug, words(card.css_first("p"))
