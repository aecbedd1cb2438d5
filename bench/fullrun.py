"""Full runs against slow local sites: wall time against the politeness floor.

Every site is its own loopback server that answers after a fixed latency, so a
run's floor is set by politeness alone. Request starts to one host are at least
the *minimum* delay apart (``host_delay`` x 0.5: the delay is randomised x0.5-1.5,
so its mean is not a floor), one connection per host, so a host with n requests
costs latency + (n - 1) x max(minimum delay, latency); the floor is the slowest
host, or the slowest chain of hosts one source must visit in turn (a feed, then
its article pages). The looser n x (latency + delay) is shown as well.

Runs use the production robots.txt policy (Naver opts out, the others obey), and
the backfill serves a different archive page every day, so every day writes a
post. Each comparison (all jobs in one run against each job alone, one after
another) is interleaved round by round, so a noisy neighbour hits both sides
alike. Peak RSS is the run's own (``VmHWM``), start-up included.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from slowsites import ROOT, SlowSite, site_routes

DAY = "2018-09-28"
LIST_JOBS = ("krnews-it", "sina-tech", "nate-it", "etnews-it")
# newsbot's CLI, then the process's own peak RSS (VmHWM) on stderr. The kernel's
# ru_maxrss would count the parent's memory too (fork, then exec, keeps the peak).
CHILD = """
import atexit, sys
from newsbot.cli import main
def peak():
    with open("/proc/self/status") as f:
        sys.stderr.write("".join(line for line in f if line.startswith("VmHWM:")))
atexit.register(peak)
sys.argv[0] = "newsbot"
sys.exit(main(sys.argv[1:]))
"""
CHAINS = (("rss.etnews.com", "www.etnews.com"),)  # etnews: feed first, then og:image pages
MIN_DELAY_FACTOR = 0.5  # newsbot/fetch/hosts.py spaces starts by host_delay x U(0.5, 1.5)


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
        # robots.txt as in production: Naver opts out, every other source obeys
        self.config.write_text(
            f"[fetch]\nhost_delay = {delay}\nhost_map = {{ {maps} }}\n", encoding="utf-8"
        )

    def jobs(
        self, copies: int, names: tuple[str, ...] = LIST_JOBS, source: Path = ROOT / "jobs"
    ) -> Path:
        """A jobs folder with ``copies`` of each list job (distinct slugs), from ``source``."""
        folder = self.tmp / f"jobs-{copies}-{len(names)}-{abs(hash(source))}"
        folder.mkdir(exist_ok=True)
        for name in names:
            text = (source / f"{name}.toml").read_text(encoding="utf-8")
            for i in range(copies):
                suffix = f"-{i}" if copies > 1 else ""
                (folder / f"{name}{suffix}.toml").write_text(
                    text.replace('slug = "', f'slug = "x{i}-' if copies > 1 else 'slug = "'),
                    encoding="utf-8",
                )
        return folder

    def newsbot(self, *args: str, output: bool = True, tree: Path = ROOT) -> Outcome:
        """Run newsbot from ``tree`` (default: this checkout) against the slow sites."""
        for site in self.sites.values():
            site.log.clear()
        out = self.tmp / "posts"
        shutil.rmtree(out, ignore_errors=True)
        cmd = [sys.executable, "-c", CHILD, *args, "--config", str(self.config)]
        cmd += ["--output", str(out)] if output else []
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, err = proc.communicate()
        wall = time.perf_counter() - start
        text = err.decode("utf-8", "replace")
        if proc.returncode not in (0, 2):
            sys.stderr.write(text)
        hwm = [line.split()[1] for line in text.splitlines() if line.startswith("VmHWM:")]
        requests = Counter({h: len(s.log) for h, s in self.sites.items() if s.log})
        return Outcome(wall, int(hwm[-1]) / 1024 if hwm else 0.0, proc.returncode, requests)

    def median(self, *args: str, times: int = 3) -> Outcome:
        """The run of median wall time out of ``times`` (the delays are random)."""
        runs = sorted((self.newsbot(*args) for _ in range(times)), key=lambda o: o.wall)
        return runs[len(runs) // 2]

    def bound(self, requests: Counter[str], gap: float | None = None) -> float:
        """The politeness floor: request starts to a host at least the minimum delay apart
        (or a whole response apart when that is longer), one connection each; the slowest
        host, or the slowest chain of hosts one source must visit in turn (a list, then its
        article pages). ``gap``: another delay to assume (the mean, for comparison)."""
        gap = self.delay * MIN_DELAY_FACTOR if gap is None else gap
        time = {host: self._host(n, gap) for host, n in requests.items()}
        # the article host waits for the first list: robots.txt and the feed, on the list host
        chains = [
            self._host(min(requests.get(first, 0), 2), gap) + time.get(then, 0.0)
            for first, then in CHAINS
        ]
        return max([*time.values(), *chains], default=0.0)

    def _host(self, n: int, gap: float) -> float:
        return max(n - 1, 0) * max(gap, self.latency) + self.latency if n else 0.0

    def naive(self, requests: Counter[str]) -> float:
        """requests × (latency + delay) on the slowest host: a wait after each response."""
        return max((n * (self.latency + self.delay) for n in requests.values()), default=0.0)

    def close(self) -> None:
        for site in self.sites.values():
            site.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


def startup(bench: Bench) -> float:
    """Median wall time of starting Python and importing what a run imports."""
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "import newsbot.cli, newsbot.pipeline"], cwd=ROOT, check=True
        )
        times.append(time.perf_counter() - start)
    return sorted(times)[2]


def row(bench: Bench, label: str, got: Outcome, base: float, extra: str = "") -> str:
    floor = bench.bound(got.requests)
    net = got.wall - base
    return (
        f"| {label} | {sum(got.requests.values())} | {got.wall:.2f} | {net:.2f} | "
        f"{floor:.2f} | {net / floor:.2f}× | {bench.bound(got.requests, bench.delay):.2f} | "
        f"{bench.naive(got.requests):.2f} |{extra} {got.rss_mb:.0f} | {got.code} |"
    )


HEAD = (
    "| {what} | requests | wall s | wall − start-up s | floor s | (wall − start-up)/floor "
    "| at mean delay s | n×(L+d) s |{extra} peak RSS MB | exit |"
)
RULE = "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"


def interleaved(bench: Bench, jobs: Path, base: float, rounds: int = 3) -> tuple[Outcome, float]:
    """All jobs in one run, and each job alone one after another, round by round: the
    median run, and the median of the one-at-a-time sums (start-up subtracted)."""
    together: list[Outcome] = []
    alone: list[float] = []
    names = sorted(p.stem for p in jobs.glob("*.toml"))
    args = ("run", "--date", DAY, "--jobs-dir", str(jobs))
    for _ in range(rounds):
        together.append(bench.newsbot(*args))
        alone.append(sum(bench.newsbot(*args, "--job", name).wall - base for name in names))
    together.sort(key=lambda o: o.wall)
    return together[len(together) // 2], sorted(alone)[len(alone) // 2]


def run_table(latency: float = 0.1, delay: float = 0.3) -> None:
    bench = Bench(latency, delay)
    try:
        base = startup(bench)
        print(
            f"\n## Full runs: {latency * 1000:.0f} ms latency per response, host_delay "
            f"{delay:.2f} s (at least {delay * MIN_DELAY_FACTOR:.2f} s between request starts "
            f"to one host; start-up {base:.2f} s)\n"
        )
        print(HEAD.format(what="run", extra=" one at a time s |"))
        print(RULE + "---:|")
        for copies in (1, 4):
            jobs = bench.jobs(copies)
            got, alone = interleaved(bench, jobs, base)
            count = len(list(jobs.glob("*.toml")))
            print(row(bench, f"{count} list jobs", got, base, f" {alone:.2f} |"))
        print(
            "\n(3 rounds, each: the run, then each job alone one after another; medians. "
            "Requests include robots.txt and etnews article pages for thumbnails.)"
        )
        print("\n## Growth with the number of jobs (copies of the four list jobs)\n")
        print(HEAD.format(what="jobs", extra=""))
        print(RULE)
        for copies, names in ((1, ("krnews-it",)), (1, LIST_JOBS), (4, LIST_JOBS)):
            got = bench.median("run", "--date", DAY, "--jobs-dir", str(bench.jobs(copies, names)))
            print(row(bench, str(copies * len(names)), got, base))
        print(
            "\n## Growth with backfill days (krnews-it: one archive page a day, no robots.txt: "
            "Naver opts out, as in production)\n"
        )
        print(HEAD.format(what="days", extra=""))
        print(RULE)
        jobs = bench.jobs(1, ("krnews-it",))
        for days in (1, 7, 30):
            got = bench.median(
                "backfill",
                "--from",
                "2018-09-01",
                "--to",
                f"2018-09-{days:02d}",
                "--jobs-dir",
                str(jobs),
                times=3 if days < 30 else 1,
            )
            print(row(bench, str(days), got, base))
        print("\n(each day has its own archive page of 20 new articles: every day writes a post.)")
    finally:
        bench.close()


if __name__ == "__main__":
    run_table(*(float(a) for a in sys.argv[1:3]))
