"""This checkout against an earlier revision: the same runs on the same slow sites, interleaved.

    python bench/compare.py [REV]        # default REV: the commit before the redesign

REV's ``newsbot/`` and ``jobs/`` are exported with ``git archive`` into a temporary folder
and run from there (its folder comes first on ``sys.path``), each tree with its own job
files (the same jobs, in the keys each version knows). Each round runs REV then this tree,
so a noisy neighbour hits both alike; the table gives the median and best of the rounds, and
the requests each tree made.
"""

from __future__ import annotations

import io
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from fullrun import DAY, LIST_JOBS, ROOT, Bench, Outcome

BEFORE = "511eed6"  # ruff format of the tree, just before the packages redesign
ROUNDS = 7


def export(rev: str, into: Path) -> Path:
    """``rev``'s newsbot package and job files, unpacked under ``into``."""
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "newsbot", "jobs"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def compare(rev: str = BEFORE, latency: float = 0.1, delay: float = 0.3) -> None:
    bench = Bench(latency, delay)
    with tempfile.TemporaryDirectory(prefix="newsbot-rev-") as tmp:
        old = export(rev, Path(tmp))
        names = (*LIST_JOBS, "ai-news")
        new_jobs, old_jobs = bench.jobs(1, names), bench.jobs(1, names, old / "jobs")
        args = ("run", "--date", DAY, "--jobs-dir")
        print(
            f"\n## {rev} against this tree: the four list jobs and ai-news, {latency * 1000:.0f} "
            f"ms per response, {delay:.2f} s minimum delay per host, {ROUNDS} interleaved "
            "rounds\n"
        )
        print(
            "| tree | requests | median wall s | best wall s | politeness floor s "
            "| median/floor | peak RSS MB | exit |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        runs: dict[str, list[Outcome]] = {rev: [], "this tree": []}
        try:
            for _ in range(ROUNDS):
                runs[rev].append(bench.newsbot(*args, str(old_jobs), tree=old))
                runs["this tree"].append(bench.newsbot(*args, str(new_jobs)))
        finally:
            bench.close()
        for name, got in runs.items():
            walls = [o.wall for o in got]
            last = got[-1]
            floor = bench.bound(last.requests)
            median = statistics.median(walls)
            print(
                f"| {name} | {sum(last.requests.values())} | {median:.3f} | "
                f"{min(walls):.3f} | {floor:.2f} | {median / floor:.2f}× | "
                f"{max(o.rss_mb for o in got):.0f} | {last.code} |"
            )
        before = statistics.median(o.wall for o in runs[rev])
        after = statistics.median(o.wall for o in runs["this tree"])
        print(f"\nthis tree / {rev}: {after / before:.2f}× the wall time (median)")


if __name__ == "__main__":
    compare(*sys.argv[1:2])
