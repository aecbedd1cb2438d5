"""The state store's costs as the history grows: reindex, sync, and a run's memory look-up.

    python bench/reindex.py            # 365 and 3650 daily posts (13 items each)
    python bench/reindex.py 10000      # other sizes

Prints a table; asserts nothing. The target: reindexing 3,650 posts (ten years of
one job) in under 2 s, so the nightly ``newsbot reindex`` stays cheap.
"""

from __future__ import annotations

import platform
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsbot import app  # noqa: E402
from newsbot.config import Config  # noqa: E402
from newsbot.dates import KST  # noqa: E402
from newsbot.jobs import load_job  # noqa: E402
from newsbot.models import Article  # noqa: E402
from newsbot.pipeline import memory  # noqa: E402
from newsbot.posts import daily_list  # noqa: E402
from newsbot.posts.files import post_name  # noqa: E402
from newsbot.store import Store  # noqa: E402

ITEMS = 13  # a Naver headline block
TARGET_S = 2.0  # reindex of 3,650 posts


def write_posts(out: Path, days: int) -> None:
    """``days`` krnews-it posts, one a day from 2016-01-01, ``ITEMS`` articles each."""
    job = load_job(ROOT / "jobs" / "krnews-it.toml")
    out.mkdir(parents=True)
    for d in range(days):
        day = date(2016, 1, 1) + timedelta(days=d)
        arts = [
            Article(
                id=f"naver:001/{d:06d}{i:04d}",
                title=f"{day} 서로 다른 제목의 기사 {i}번 {d * 7919 % 1000}",
                url=f"https://n.news.naver.com/mnews/article/001/{d:06d}{i:04d}",
                thumbnail=f"https://imgnews.pstatic.net/image/001/{d}/{i}.jpg",
                snippet="본문 요약 " * 12,
                source="naver",
            )
            for i in range(ITEMS)
        ]
        posted = datetime.combine(day, clock(12, 30), KST)
        (out / post_name(day, job.slug)).write_text(daily_list.render(job, posted, arts))


def best(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(days: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "_posts"
        write_posts(out, days)
        cfg = Config.model_validate({"output": {"dir": str(out)}})
        jobs = [load_job(ROOT / "jobs" / "krnews-it.toml")]
        state = memory.state_path(cfg)

        def cold() -> None:
            state.unlink(missing_ok=True)
            app.reindex(cfg, jobs)

        figures = {"reindex, no store": best(cold)}
        figures["reindex, existing store"] = best(lambda: app.reindex(cfg, jobs))
        figures["open + sync, nothing changed"] = best(
            lambda: memory.open_store(cfg, jobs)[0].close()
        )
        store = Store(state)
        ids = [f"naver:001/{days - 1:06d}{i:04d}" for i in range(50)]
        last = date(2016, 1, 1) + timedelta(days=days - 1)
        figures["a run's look-up (50 ids, 3-day window)"] = best(
            lambda: memory.known(store, jobs[0], last, ids, 3), repeat=20
        )
        store.close()
        figures["store size, MB"] = state.stat().st_size / 1e6
    return figures


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [365, 3650]
    print(f"# State store costs ({platform.machine()}, CPython {platform.python_version()})\n")
    results = {n: measure(n) for n in sizes}
    rows = list(next(iter(results.values())))
    print("| measure | " + " | ".join(f"{n} posts" for n in sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    for row in rows:
        cells = [f"{results[n][row]:.3f}" for n in sizes]
        print(f"| {row}{'' if 'MB' in row else ', s'} | " + " | ".join(cells) + " |")
    if 3650 in results:
        got = results[3650]["reindex, no store"]
        verdict = "met" if got < TARGET_S else "NOT met"
        print(f"\ntarget: reindex of 3650 posts < {TARGET_S} s: {got:.2f} s, {verdict}")


if __name__ == "__main__":
    main(sys.argv[1:])
