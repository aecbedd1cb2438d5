"""Sina, Nate and etnews for a digest run on 2026-01-03 (Naver is ``digestsite``).

Each site gets a list in its own format (Sina roll-API JSON, a Nate 최신뉴스
page in CP949, an etnews RSS feed) with two AI stories among unrelated ones, and
article pages in each site's layout, so the per-site extraction rules are the
ones that read them.
"""

from __future__ import annotations

import html
import json
from datetime import datetime

from tests.conftest import PageServer
from tests.servers.digestsite import Story

CST_STAMP = "2026-01-03T{}:00+08:00"

SINA = (
    Story(
        1,
        "科技资讯AI速递：DeepSeek V4完成大规模训练",
        (
            "DeepSeek表示，V4模型已完成大规模训练，新框架mHC提升了推理和理解能力。",
            "业内人士认为，mHC框架可以同时提高大模型训练的稳定性和推理性能。",
            "此外，人形机器人在春晚彩排中完成了高难度空翻动作，显示出技术的快速进步。",
            "专家指出，AI词元成本正在成为大规模产业应用的关键变量。",
        ),
        published="2026-01-03 08:30:00",
    ),
    Story(
        2,
        "壁仞科技港股上市 生成式人工智能芯片受关注",
        (
            "壁仞科技1月2日在香港交易所上市，首日股价上涨75.82%。",
            "公司预计2025年因大规模研发投入而亏损扩大，未给出明确的盈利时间表。",
            "与A股GPU企业相比，其收入和市场份额仍然较低，但计划推出下一代芯片。",
            "分析人士认为，生成式人工智能的发展将继续推动国产GPU的需求增长。",
        ),
        published="2026-01-03 10:00:00",
    ),
    *(
        Story(n, t)
        for n, t in (
            (3, "春运火车票今日开售"),
            (4, "多地迎来降雪天气"),
            (5, "新能源汽车销量创新高"),
            (6, "跨年夜演出精彩纷呈"),
        )
    ),
)
NATE = (
    Story(
        1,
        "제약·바이오, 2026년 화두는 AI 전환",
        (
            "주요 제약·바이오 기업들이 2026년 신년사에서 AI 전환과 글로벌 경쟁력 확대를 강조했다.",
            "대외 불확실성이 높은 상황에서도 인공지능을 적극 도입하겠다는 의지를 밝혔다.",
            "업계는 신약 연구와 임상 데이터 분석에 AI 활용이 빠르게 늘어날 것으로 본다.",
            "▶ 관련기사 더보기",
            "광고 문의 안내",
        ),
    ),
    Story(
        2,
        "인공지능 반도체 스타트업 투자 유치 잇따라",
        (
            "인공지능 반도체 스타트업들이 연초부터 잇따라 대규모 투자를 유치했다.",
            "한 스타트업은 시리즈B 투자로 800억 원을 확보했다고 밝혔다.",
            "투자 업계는 올해도 AI 반도체 분야에 자금이 몰릴 것으로 전망했다.",
        ),
    ),
    *(
        Story(n, t)
        for n, t in (
            (3, "신년 해돋이 명소 인파"),
            (4, "아파트 분양 일정 발표"),
            (5, "프로야구 연봉 협상 시작"),
            (6, "한파 특보 확대"),
        )
    ),
)
ETNEWS = (
    Story(
        1,
        "인천 남동구, AI 기반 기업 성장 플랫폼 가동",
        (
            "인천 남동구가 AI 기반 행정지원 플랫폼으로 기업 성장과 일자리 선순환 구조를 만든다.",
            "구는 전문가 컨설팅과 맞춤형 로드맵을 제공해 지원의 실효성을 높였다고 설명했다.",
            "남동구는 올해 참여 기업을 두 배로 늘릴 계획이다.",
        ),
    ),
    Story(
        2,
        "생성형 AI로 공장 자동화…엣지 AI 확산",
        (
            "제조업체들이 중앙 데이터센터에 의존하던 생성형 AI를 생산 현장의 엣지 시스템으로 옮기고 있다.",
            "응답 시간 단축과 네트워크 부담 완화, 데이터 보호 강화 효과가 기대된다.",
            "업계는 엣지 AI 칩과 로컬 인프라 투자가 늘어날 것으로 내다봤다.",
        ),
    ),
    *(
        Story(n, t)
        for n, t in (
            (3, "5G 요금제 개편 논의"),
            (4, "디스플레이 수출 회복세"),
            (5, "중소기업 수출 지원 확대"),
            (6, "전자상거래 거래액 증가"),
        )
    ),
)
HOSTS = (
    "feed.mix.sina.com.cn",
    "news.sina.com.cn",
    "news.nate.com",
    "rss.etnews.com",
    "www.etnews.com",
)


def sina_path(n: int) -> str:
    return f"/zx/ds/2026-01-03/doc-inheypea864815{n}.shtml"


def nate_path(n: int) -> str:
    return f"/view/20260103n0252{n}"


def etnews_path(n: int) -> str:
    return f"/2026010300001{n}"


def sina_roll() -> bytes:
    base = datetime.fromisoformat(CST_STAMP.format("12:00")).timestamp()
    data = [
        {
            "docid": f"comos:inheypea864815{s.n}",
            "title": s.title,
            "url": f"https://news.sina.com.cn{sina_path(s.n)}",
            "intro": s.title,
            "media_name": "新浪科技",
            "ctime": str(int(base) - 600 * s.n),
        }
        for s in SINA
    ]
    return json.dumps(
        {"result": {"status": {"code": 0, "msg": "succ"}, "data": data}}, ensure_ascii=False
    ).encode()


def sina_article(s: Story) -> bytes:
    body = "".join(f"<p>\u3000\u3000{html.escape(p)}</p>" for p in s.paragraphs)
    stamp = s.published.replace(" ", "T") + "+08:00"
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f'<meta property="og:title" content="{html.escape(s.title)}">'
        f'<meta property="og:image" content="//n.sinaimg.cn/tech/{s.n}.jpg">'
        f'<meta property="article:published_time" content="{stamp}"></head><body>'
        f'<h1 class="main-title">{html.escape(s.title)}</h1><span class="date">{s.published}</span>'
        f'<div class="article" id="article">{body}<p class="show_author">责任编辑：张三</p></div>'
        "</body></html>"
    ).encode()


def nate_list() -> bytes:
    rows = "".join(
        f'<div class="mlt01"><a href="//news.nate.com{nate_path(s.n)}?mid=n0105" class="lt1">'
        f'<span class="tb"><h2 class="tit">{html.escape(s.title)}</h2>{html.escape(s.title)}'
        '</span></a><span class="medium">뉴시스 <em>2026-01-03 09:00</em></span></div>'
        for s in NATE
    )
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=euc-kr">'
        f'</head><body><div id="newsContents"><div class="postListType">{rows}</div></div>'
        "</body></html>"
    ).encode("cp949")


def nate_article(s: Story) -> bytes:
    body = "<br>".join(html.escape(p) for p in s.paragraphs)
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=euc-kr">'
        f'<meta property="og:title" content="{html.escape(s.title)}"></head><body>'
        f'<h3 class="viewTite">{html.escape(s.title)}</h3>'
        '<span class="firstDate">기사전송 <em>2026-01-03 09:00</em></span>'
        f'<div id="realArtcContents">{body}</div></body></html>'
    ).encode("cp949")


def etnews_rss() -> bytes:
    items = "".join(
        f"<item><title><![CDATA[{s.title}]]></title>"
        f"<link>https://www.etnews.com{etnews_path(s.n)}?mc=ns_004_00001</link>"
        f"<description><![CDATA[{s.title}]]></description>"
        f"<pubDate>Sat, 03 Jan 2026 1{s.n}:00:00 +0900</pubDate></item>"
        for s in ETNEWS
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>전자신문 : SW</title>{items}</channel></rss>"
    ).encode()


def etnews_article(s: Story) -> bytes:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in s.paragraphs)
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f'<meta property="og:title" content="{html.escape(s.title)}">'
        '<meta property="article:published_time" content="2026-01-03T10:00:00+09:00">'
        f'</head><body><h1 class="title">{html.escape(s.title)}</h1>'
        f'<div class="article_body" id="articleBody">{body}'
        '<div class="article_ad">광고</div></div></body></html>'
    ).encode()


def serve(server: PageServer) -> None:
    """The three sites' lists and their AI article pages (the others are never fetched)."""
    server.add("/api/roll/get", sina_roll(), Content_Type="application/json")
    server.add("/recent", nate_list())  # CP949, declared in <meta> only
    server.add("/04.xml", etnews_rss(), Content_Type="application/rss+xml")
    for s in SINA[:2]:
        server.add(sina_path(s.n), sina_article(s))
    for s in NATE[:2]:
        server.add(nate_path(s.n), nate_article(s))
    for s in ETNEWS[:2]:
        server.add(etnews_path(s.n), etnews_article(s))
