"""Posts for the Chirpy builds: every shipped job's style, and hostile text in every field.

``Item`` and ``Entry`` are what a reader must see: the plain text and links of one
list item or digest entry. They come from the articles a test rendered, or are read
back from a fixed post (a seed, a golden file).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from newsbot.jobs import Job
from newsbot.models import Article, DigestEntry
from newsbot.posts import digest
from newsbot.posts import markdown as md

HOSTILE = [
    "[x](javascript:alert(1))",
    "[y](http://elsewhere.example/)",
    "&#106;avascript:alert(1) &#x6A;avascript: &lt;b&gt;",
    "[x]: javascript:alert(2)",
    "[a][x] [x] [x][]",
    "<http://evil.example/> <mailto:a@b.example>",
    "https://bare.example/x www.bare.example",
    "삼성 | 애플 | 구글",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "$$x^2$$ and $x$",
    '{: onclick="alert(1)"} {:.x onmouseover=alert(1)}',
    "{::nomarkdown}<b>x</b>{:/} {::comment}hidden{:/comment}",
    "*[HTML]: Hyper Text",
    "HTML and footnote[^1]",
    "[^1]: the note",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<iframe src=//evil.example></iframe><style>*{}</style><base href=//evil.example>",
    '<meta http-equiv="refresh" content="0;url=//evil.example"></div><!-- hide',
    "~~strike~~ **bold** _em_ `code`",
    "    indented code",
    "# heading #",
    "> quote",
    "* star\n- dash\n+ plus\n1. one",
    "2025. 1. 1 ordered",
    "Term\n: definition",
    "===",
    "a\n---",
    "^",
    "\\\\ hard break \\",
    "{{ site.time }} {% raw %} {% include x %}",
    "[[단독] 제목] [a [b] c] ![i](http://evil.example/x.png)",
    "ends with #",
    "a\u2028b\x85c\x0bd\x00e\u2029f\r\ng",
    "'quotes' \"double\" -- dash ... ellipsis << >>",
    "x" * 300,
]


@dataclass(frozen=True)
class Item:
    """One daily-list item as a reader must see it."""

    title: str
    url: str
    thumbnail: str | None
    snippet: str


@dataclass(frozen=True)
class Entry:
    """One digest entry as a reader must see it."""

    headline: str
    source: str
    link: str
    summary: tuple[str, ...]
    implications: tuple[str, ...]


def items(articles: Sequence[Article]) -> list[Item]:
    """What the reader must see of ``articles``."""
    return [Item(a.title, a.url, a.thumbnail, a.snippet) for a in articles]


def entries(given: Sequence[DigestEntry]) -> list[Entry]:
    """What the reader must see of digest ``given``."""
    return [
        Entry(e.headline, e.source_name, e.link, tuple(e.summary), tuple(e.implications))
        for e in given
    ]


ITEM = re.compile(
    r"^## \[(.*)\]\((\S+)\)\n\n(?:!\[.*\]\((\S+)\)\{: [^}]*\}\n)?(.*)\n(?:\{: [^}]*\}\n)?$", re.M
)
ENTRY = re.compile(
    r"^## (.+)\n\n\[(.+)\]\((\S+)\) - 발행일: \S+\n\n### 요약\n((?:- .*\n)+)\n"
    r"(?:### 주요 내용 및 시사점\n((?:- .*\n)+)\n)?---$",
    re.M,
)


def read_items(post: str) -> list[Item]:
    """The items of a daily-list post already written (a seed, a golden file)."""
    return [Item(md.plain(t), u, th or None, md.plain(s)) for t, u, th, s in ITEM.findall(post)]


def read_entries(post: str) -> list[Entry]:
    """The entries of a digest post already written."""
    found = []
    for head, source, link, summary, impl in ENTRY.findall(post):
        labelled = re.findall(r"^- \*\*(.+?)\*\*: (.*)$", impl, re.M)
        found.append(
            Entry(
                md.plain(head),
                md.plain(source),
                link,
                tuple(md.plain(b[2:]) for b in summary.splitlines()),
                tuple(md.plain(text) for _, text in labelled),
            )
        )
    return found


def list_articles(job: Job, texts: Sequence[str] = ()) -> list[Article]:
    """Items as today's lists give them: one-line snippets, one item without a thumbnail
    and one without a snippet; or one item per hostile string in ``texts``."""
    host = job.sources[0].name
    if texts:
        return [
            _article(host, i, f"T{i} {t}", t, thumbnail=i % 3 != 1) for i, t in enumerate(texts)
        ]
    return [
        _article(host, 0, "[단독] 한 줄 요약 기사", "짧은 요약 한 줄."),
        _article(host, 1, "썸네일 없는 기사", "이 기사는 목록에 사진이 없다.", thumbnail=False),
        _article(host, 2, "요약 없는 기사", ""),
        _article(host, 3, "'따옴표' 기사 \"AI\"", "한 줄."),
        _article(host, 4, "사진도 요약도 없는 기사", "", thumbnail=False),
        _article(host, 5, "마지막 기사", "끝."),
    ]


def digest_entries(texts: Sequence[str] = ()) -> list[DigestEntry]:
    """Three entries (the last without implications), or one per hostile string."""
    if texts:
        return [
            DigestEntry(
                headline=f"H{i} {t}",
                source_name=f"S{i} {t}",
                link=f"https://www.etnews.com/d{i}",
                published=date(2025, 12, 1),
                summary=[t, f"둘째 {t}"],
                implications=[t, f"산업 {t}", f"전망 {t}"] if i % 2 else [],
            )
            for i, t in enumerate(texts)
        ]
    labels = len(digest.IMPLICATION_LABELS)
    return [
        DigestEntry(
            headline=f"AI 소식 {i}",
            source_name="전자신문",
            link=f"https://www.etnews.com/2025120100{i}",
            published=date(2025, 12, 1),
            summary=["첫째 요점.", "둘째 요점."],
            implications=[f"시사점 {n}" for n in range(labels)] if i < 2 else [],
        )
        for i in range(3)
    ]


def _article(host: str, i: int, title: str, snippet: str, *, thumbnail: bool = True) -> Article:
    return Article(
        id=f"{host}:{i}",
        title=title,
        url=f"https://news.example.kr/{host}/{i}",
        thumbnail=f"https://img.example.kr/{host}/{i}.jpg" if thumbnail else None,
        snippet=snippet,
        source=host,
    )
