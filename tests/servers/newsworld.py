"""Sixty days of news on four sites, served on 127.0.0.1 for the simulation test.

Every day each site publishes six new stories (two about AI, so the digest has
candidates) in its own format: Naver's date archive, Nate's dated list (CP949),
etnews's RSS feed (the last five days) and Sina's roll API (page N is N-1 days
back). The lists overlap from day to day the way the real ones do:

- Naver lists two of yesterday's stories again (4 and 5), Nate one (4), same ids;
- etnews lists two of yesterday's stories again (4 and 5), dated today;
- the same story is on Nate and etnews the same day (story 5: a job with both keeps
  Nate's, and etnews lists its copy again the next day), and etnews's story 3 is on
  Nate the next day under a new id (story 6);
- ``broken`` sites answer 503 on the days the test says.

``stories`` maps every article id a post can hold to its story, so a test can
count a story posted twice whatever site it came from.
"""

from __future__ import annotations

import html
import json
import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from newsbot import sources
from newsbot.dates import CST, KST
from tests.servers import digestsite, digestsites4
from tests.servers.digestsite import Story as Page
from tests.servers.loopback import reply

START = date(2026, 9, 1)
HOSTS = (
    "news.naver.com",
    "n.news.naver.com",
    "news.nate.com",
    "rss.etnews.com",
    "www.etnews.com",
    "feed.mix.sina.com.cn",
    "news.sina.com.cn",
)
# Title words: four picked per story, so two stories' titles are never near-identical.
KO = ["반도체", "배터리", "통신", "플랫폼", "보안", "클라우드", "로봇", "게임", "스마트폰", "데이터",
      "위성", "전기차", "핀테크", "메타버스", "디스플레이", "양자", "드론", "검색", "결제", "교육"]  # fmt: skip
KO_VERB = ["출시", "투자", "협력", "수출", "규제", "개발", "인수", "확대", "공개", "논란"]
ZH = ["芯片", "电池", "通信", "平台", "安全", "云计算", "机器人", "游戏", "手机", "数据",
      "卫星", "电动车", "金融", "显示屏", "量子", "无人机", "搜索", "支付", "教育", "光伏"]  # fmt: skip
ZH_VERB = ["发布", "投资", "合作", "出口", "监管", "研发", "收购", "扩大", "公开", "争议"]


@dataclass(frozen=True)
class Item:
    """One story as one site lists it."""

    key: str  # the story; copies on two sites share it
    site: str
    n: int  # the site's own number for it
    day: date  # the day the site dates it
    title: str

    @property
    def url(self) -> str:
        ymd = self.day.strftime("%Y%m%d")
        return {
            "naver": f"https://n.news.naver.com{digestsite.article_path(self.n)}",
            "nate": f"https://news.nate.com/view/{ymd}n{self.n:05d}",
            "etnews": f"https://www.etnews.com/{ymd}{self.n:06d}",
            "sina": f"https://news.sina.com.cn/zx/{self.day}/doc-isim{self.n:08d}.shtml",
        }[self.site]

    @property
    def article_id(self) -> str:
        """The id newsbot gives its link (what a post's entry is known by)."""
        return sources.article_id(self.url)

    def page(self) -> Page:
        """Its article page's content (four sentences that name the title)."""
        words = self.title.split()
        lines = tuple(
            f"{self.title} 관련 소식으로 {w} 분야의 변화가 이어지고 있다고 업계는 전했다."
            if self.site != "sina"
            else f"{self.title}，业内人士表示{w}领域的变化正在持续。"
            for w in words[:4]
        )
        stamp = f"{self.day} 09:00:00"
        return Page(self.n, self.title, (*lines, *lines), published=stamp)


def title(key: str, site: str, ai: bool) -> str:
    pick = random.Random(key)
    if site == "sina":
        words = [*pick.sample(ZH, 3), pick.choice(ZH_VERB)]
        return "".join(words) + ("，人工智能成焦点" if ai else "")
    words = [*pick.sample(KO, 3), pick.choice(KO_VERB)]
    return " ".join(words) + (" AI 경쟁 본격화" if ai else f" {pick.randint(2, 99)}곳")


@dataclass
class World:
    """What every site lists on each day, and which sites are broken when."""

    days: int = 60
    today: date = START
    broken: dict[str, set[date]] = field(default_factory=dict)
    stories: dict[str, str] = field(default_factory=dict)  # article id → story key
    requests: int = 0

    def own(self, site: str, day: date, k: int) -> Item:
        """Story ``k`` (0-5) of ``site`` on ``day``; 0 and 1 are about AI. Story 5 of
        Nate and etnews is one story (the same event, the same title)."""
        i = (day - START).days
        key = f"shared-{i}" if k == 5 and site in ("nate", "etnews") else f"{site}-{i}-{k}"
        shown = "nate" if key.startswith("shared") else site
        item = Item(key, site, i * 100 + k, day, title(key, shown, k < 2))
        self.stories[item.article_id] = key
        return item

    def listed(self, site: str, day: date) -> list[Item]:
        """What ``site`` lists for ``day``, in page order."""
        items = [self.own(site, day, k) for k in range(6)]
        yesterday = day - timedelta(days=1)
        if yesterday >= START and site in ("naver", "nate"):  # Nate not the shared one
            items += [self.own(site, yesterday, k) for k in ((4, 5) if site == "naver" else (4,))]
        if yesterday >= START and site == "etnews":
            items += [self._redated(self.own(site, yesterday, k), day) for k in (4, 5)]
        if yesterday >= START and site == "nate":
            moved = self.own("etnews", yesterday, 3)  # etnews's story, a day later, new id
            items.append(self._copy(moved, "nate", (day - START).days * 100 + 6, day))
        return items

    def _redated(self, item: Item, day: date) -> Item:
        return self._copy(item, item.site, item.n, item.day, shown=day)

    def _copy(self, item: Item, site: str, n: int, day: date, shown: date | None = None) -> Item:
        copy = Item(item.key, site, n, day, item.title)
        self.stories[copy.article_id] = item.key
        return copy if shown is None else _Dated(item.key, site, n, day, item.title, shown)

    def find(self, site: str, day: date, k: int) -> Item | None:
        """The article ``k`` of ``site`` numbered on ``day`` (6: Nate's copy of etnews's)."""
        if k < 6:
            return self.own(site, day, k)
        return next((i for i in self.listed(site, day) if i.n % 100 == k), None)

    def is_broken(self, site: str) -> bool:
        return self.today in self.broken.get(site, set())


@dataclass(frozen=True)
class _Dated(Item):
    """An item the site lists again with a later date (an updated article)."""

    shown: date = START


def naver_list(items: list[Item]) -> bytes:
    cards = "".join(
        f'<li class="sa_item"><a class="sa_text_title" href="{i.url}">'
        f'<strong class="sa_text_strong">{html.escape(i.title)}</strong></a>'
        f'<div class="sa_text_lede">{html.escape(i.title)} 관련 소식</div>'
        '<div class="sa_text_press">연합뉴스</div></li>'
        for i in items
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        '<div class="section_latest_article _CONTENT_LIST"><ul class="sa_list">'
        f"{cards}</ul></div></body></html>"
    ).encode()


def nate_list(items: list[Item], day: date) -> bytes:
    rows = "".join(
        f'<div class="mlt01"><a href="{i.url.removeprefix("https:")}?mid=n0105" class="lt1">'
        f'<span class="tb"><h2 class="tit">{html.escape(i.title)}</h2>{html.escape(i.title)}'
        f'</span></a><span class="medium">뉴시스 <em>{day} 09:{n:02d}</em></span></div>'
        for n, i in enumerate(items)
    )
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=euc-kr">'
        f'</head><body><div id="newsContents"><div class="postListType">{rows}</div></div>'
        "</body></html>"
    ).encode("cp949")


def etnews_rss(items: list[Item]) -> bytes:
    def stamp(i: Item) -> str:
        shown = i.shown if isinstance(i, _Dated) else i.day
        at = datetime(shown.year, shown.month, shown.day, 10, i.n % 60, tzinfo=KST)
        return at.strftime("%a, %d %b %Y %H:%M:%S +0900")

    body = "".join(
        f"<item><title><![CDATA[{i.title}]]></title><link>{i.url}?mc=ns_004_00001</link>"
        f"<description><![CDATA[{i.title} 소식]]></description>"
        f"<pubDate>{stamp(i)}</pubDate></item>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>전자신문 : SW</title>{body}</channel></rss>"
    ).encode()


def sina_roll(items: list[Item]) -> bytes:
    def ctime(i: Item) -> str:
        at = datetime(i.day.year, i.day.month, i.day.day, 10, i.n % 60, tzinfo=CST)
        return str(int(at.timestamp()))

    data = [
        {
            "docid": f"comos:sim{i.n:08d}",
            "title": i.title,
            "url": i.url,
            "intro": i.title,
            "media_name": "新浪科技",
            "ctime": ctime(i),
        }
        for i in items
    ]
    status = {"code": 0, "msg": "succ"}
    return json.dumps({"result": {"status": status, "data": data}}, ensure_ascii=False).encode()


def answer(world: World, path: str, query: dict[str, list[str]]) -> tuple[int, bytes, str]:
    """(status, body, content type) for one request."""
    html_type = "text/html; charset=UTF-8"
    if path == "/breakingnews/section/105/230":
        day = _day(query["date"][0])
        return _site(world, "naver", naver_list(world.listed("naver", day)), html_type)
    if path == "/recent":
        day = _day(query["date"][0])
        page = nate_list(world.listed("nate", day) if query["page"] == ["1"] else [], day)
        return _site(world, "nate", page, "text/html")
    if path == "/04.xml":
        days = [world.today - timedelta(days=d) for d in range(5)]
        items = [i for d in days if d >= START for i in world.listed("etnews", d)]
        return _site(world, "etnews", etnews_rss(items), "application/rss+xml")
    if path == "/api/roll/get":
        day = world.today - timedelta(days=int(query["page"][0]) - 1)
        items = world.listed("sina", day) if day >= START else []
        return _site(world, "sina", sina_roll(items), "application/json")
    return _article(world, path)


def _day(ymd: str) -> date:
    return date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:8]))


def _site(world: World, site: str, body: bytes, ctype: str) -> tuple[int, bytes, str]:
    return (503, b"down", "text/plain") if world.is_broken(site) else (200, body, ctype)


ARTICLE_PATHS = (
    ("naver", re.compile(r"^/mnews/article/001/(\d{10})$"), digestsite.article_page),
    ("nate", re.compile(r"^/view/\d{8}n(\d{5})$"), digestsites4.nate_article),
    ("etnews", re.compile(r"^/\d{8}(\d{6})$"), digestsites4.etnews_article),
    ("sina", re.compile(r"^/zx/[\d-]+/doc-isim(\d{8})\.shtml$"), digestsites4.sina_article),
)


def _article(world: World, path: str) -> tuple[int, bytes, str]:
    """An article page, found from its number (day index × 100 + story)."""
    for site, pattern, builder in ARTICLE_PATHS:
        m = pattern.match(path)
        if m:
            i, k = divmod(int(m.group(1)), 100)
            item = world.find(site, START + timedelta(days=i), k)
            if item is not None and urlsplit(item.url).path == path:
                return 200, builder(item.page()), "text/html; charset=UTF-8"
    return 404, b"not found", "text/plain"


def handler(world: World) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            world.requests += 1
            parts = urlsplit(self.path)
            reply(self, *answer(world, parts.path, parse_qs(parts.query)))

        def log_message(self, *args: object) -> None:
            pass

    return Handler
