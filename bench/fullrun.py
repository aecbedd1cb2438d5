"""Full runs against slow local sites: wall time against the politeness bound.

Every site is its own loopback server that answers after a fixed latency, so a
run's floor is set by politeness alone: for each host, requests × (latency +
minimum delay) / connections (one), and the slowest host is the bound. The same
jobs are then run one at a time (one request in flight across all hosts) for
comparison. Peak RSS is the run's own (``os.wait4``), start-up included.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "tests" / "pages"
FIXTURES = ROOT.parent / "shared" / "fixtures"
DAY = "2018-09-28"
LIST_JOBS = ("krnews-it", "sina-tech", "nate-it", "etnews-it")


def site_routes() -> dict[str, dict[str, tuple[bytes, str]]]:
    """host → path → (body, content type): the pages each list job asks for."""
    html = "text/html; charset=UTF-8"
    etnews = {"/04.xml": ((PAGES / "etnews" / "rss_04_20180928.xml").read_bytes(),
                          "application/rss+xml")}
    articles = {"/" + p.stem.split("_")[1]: (p.read_bytes(), html)
                for p in (PAGES / "etnews").glob("article_*.html")}
    return {
        "news.naver.com": {"/breakingnews/section/105/230": (
            (PAGES / "naver" / "breakingnews_105_230_20250204.html").read_bytes(), html)},
        "feed.mix.sina.com.cn": {"/api/roll/get": (
            (FIXTURES / "sina" / "cre-mix-tianyi-wnews-20180928.json").read_bytes(),
            "application/json")},
        "news.nate.com": {"/recent": (
            (PAGES / "nate" / "recent_n0105_20250204_today_cp949_meta.html").read_bytes(),
            "text/html")},
        "rss.etnews.com": etnews,
        "www.etnews.com": articles,
    }


class SlowSite:
    """One host: answers every request after ``latency`` seconds and logs it."""

    def __init__(self, routes: dict[str, tuple[bytes, str]], latency: float) -> None:
        self.log: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site.log.append(self.path)
                time.sleep(latency)
                path = self.path.split("?")[0]
                if path == "/robots.txt":
                    body, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
                elif path in routes:
                    body, ctype = routes[path]
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Outcome:
    wall: float
    rss_mb: float
    code: int
    requests: Counter[str]


class Bench:
    """Slow sites for every host, a jobs folder, and a way to run newsbot against them."""

    def __init__(self, latency: float, delay: float) -> None:
        self.latency, self.delay = latency, delay
        self.tmp = Path(tempfile.mkdtemp(prefix="newsbot-bench-"))
        self.sites = {host: SlowSite(routes, latency) for host, routes in site_routes().items()}
        self.config = self.tmp / "newsbot.toml"
        maps = ", ".join(f'"{h}" = "{s.origin}"' for h, s in self.sites.items())
        self.config.write_text(
            f"[fetch]\nhost_delay = {delay}\nhost_map = {{ {maps} }}\n"
            "[sources.naver]\nobey_robots = true\n", encoding="utf-8")

    def jobs(self, copies: int, names: tuple[str, ...] = LIST_JOBS) -> Path:
        """A jobs folder with ``copies`` of each list job (distinct slugs)."""
        folder = self.tmp / f"jobs-{copies}-{len(names)}"
        folder.mkdir(exist_ok=True)
        for name in names:
            text = (ROOT / "jobs" / f"{name}.toml").read_text(encoding="utf-8")
            for i in range(copies):
                suffix = f"-{i}" if copies > 1 else ""
                (folder / f"{name}{suffix}.toml").write_text(
                    text.replace('slug = "', f'slug = "x{i}-' if copies > 1 else 'slug = "'),
                    encoding="utf-8")
        return folder

    def newsbot(self, *args: str) -> Outcome:
        for site in self.sites.values():
            site.log.clear()
        out = self.tmp / "posts"
        shutil.rmtree(out, ignore_errors=True)
        cmd = [sys.executable, "-m", "newsbot", *args, "--config", str(self.config),
               "--output", str(out)]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        assert proc.stderr is not None
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 2):
            sys.stderr.write(err.decode("utf-8", "replace"))
        requests = Counter({h: len(s.log) for h, s in self.sites.items() if s.log})
        return Outcome(wall, usage.ru_maxrss / 1024, proc.returncode, requests)

    def bound(self, requests: Counter[str]) -> float:
        """The slowest host's requests × (latency + delay); one connection per host."""
        per_host = [n * self.latency + max(n - 1, 0) * self.delay for n in requests.values()]
        return max(per_host, default=0.0)

    def serial(self, requests: Counter[str]) -> float:
        """The same requests one at a time across all hosts."""
        return sum(n * self.latency + max(n - 1, 0) * self.delay for n in requests.values())

    def close(self) -> None:
        for site in self.sites.values():
            site.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def run_table(latency: float = 0.1, delay: float = 0.3) -> None:
    bench = Bench(latency, delay)
    try:
        print(f"\n## Full run: all list jobs, {latency * 1000:.0f} ms latency, "
              f"{delay:.2f} s minimum delay per host\n")
        print("| run | jobs | requests | wall s | politeness bound s | wall/bound "
              "| one request at a time s | peak RSS MB | exit |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for copies in (1, 4):
            jobs = bench.jobs(copies)
            got = bench.newsbot("run", "--date", DAY, "--jobs-dir", str(jobs))
            one_by_one = 0.0
            for job in sorted(p.stem for p in jobs.glob("*.toml")):
                one_by_one += bench.newsbot("run", "--date", DAY, "--jobs-dir", str(jobs),
                                            "--job", job).wall
            count = len(list(jobs.glob("*.toml")))
            bnd = bench.bound(got.requests)
            print(f"| all list jobs ×{copies} | {count} | {sum(got.requests.values())} | "
                  f"{got.wall:.2f} | {bnd:.2f} | {got.wall / bnd:.2f}× | {one_by_one:.2f} | "
                  f"{got.rss_mb:.0f} | {got.code} |")
        print("\n(one request at a time: each job run alone, one after another, start-up "
              "included; the bound counts robots.txt and article pages too.)")
        scale_jobs(bench)
        scale_days(bench)
    finally:
        bench.close()


def scale_jobs(bench: Bench) -> None:
    print("\n## Growth with the number of jobs (copies of the four list jobs)\n")
    print("| jobs | requests | wall s | bound s | wall/bound | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|")
    for copies, names in ((1, ("krnews-it",)), (1, LIST_JOBS), (4, LIST_JOBS)):
        jobs = bench.jobs(copies, names)
        got = bench.newsbot("run", "--date", DAY, "--jobs-dir", str(jobs))
        bnd = bench.bound(got.requests)
        print(f"| {copies * len(names)} | {sum(got.requests.values())} | {got.wall:.2f} | "
              f"{bnd:.2f} | {got.wall / bnd:.2f}× | {got.rss_mb:.0f} |")


def scale_days(bench: Bench) -> None:
    print("\n## Growth with backfill days (krnews-it, one date-archive page a day)\n")
    print("| days | requests | wall s | bound s | wall/bound | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|")
    jobs = bench.jobs(1, ("krnews-it",))
    for days in (1, 7, 30):
        last = f"2018-09-{days:02d}" if days < 30 else "2018-09-30"
        got = bench.newsbot("backfill", "--from", "2018-09-01", "--to", last,
                            "--jobs-dir", str(jobs), "--force")
        bnd = bench.bound(got.requests)
        print(f"| {days} | {sum(got.requests.values())} | {got.wall:.2f} | {bnd:.2f} | "
              f"{got.wall / bnd:.2f}× | {got.rss_mb:.0f} |")


if __name__ == "__main__":
    run_table(*(float(a) for a in sys.argv[1:3]))
