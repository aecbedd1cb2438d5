"""What newsbot does, as a user asks for it: run a day, backfill days, reindex, read one page.

Every policy a command follows lives here, once: where the network comes from
(live, ``--record`` or ``--replay`` with its clock and day), the checkout cloned
before a publishing run writes, publishing after a run (``run``, ``backfill`` and
the daemon alike), the backfill loop, and how exit codes combine.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from newsbot import asyncrun, pipeline, readers
from newsbot.config import Config
from newsbot.dates import KST, today_kst
from newsbot.errors import Busy, PublishError, UsageError
from newsbot.extract.rules import rule_for
from newsbot.fetch.client import Fetcher
from newsbot.fetch.gate import Gate, network_transport
from newsbot.fetch.hosts import HostMemory
from newsbot.fetch.recording import RecordingTransport, ReplayTransport
from newsbot.jobs import Job, load_jobs
from newsbot.jobs import directory as jobs_dir
from newsbot.lock import lock_path, run_lock
from newsbot.models import Extracted, Post, RunReport
from newsbot.pipeline import memory, pages
from newsbot.posts.files import post_name
from newsbot.publish import PublishResult, locked, prepare, publish
from newsbot.scaffold import DEMO, DEMO_JOB, JOBS
from newsbot.sources.settings import article_rules, resolve

EXIT_RANK = {0: 0, 2: 1, 1: 2}  # worse to the right; any other code is worst
OnDay = Callable[[int, date, "DayResult | None", Sequence[str]], None]


@dataclass(frozen=True)
class Network:
    """Where a command's requests go, and the clock and day a replay brings with it."""

    config: Config
    transport: httpx.AsyncBaseTransport | None = None
    now: datetime | None = None  # a recording's time
    day: date | None = None  # a recording's day


def network(
    config: Config,
    *,
    record: Path | None = None,
    replay: Path | None = None,
    day: date | None = None,
    now: datetime | None = None,
) -> Network:
    """The live network, a recording of it (``record``), or a recording played back."""
    if replay is not None:
        tape = ReplayTransport(replay)
        # a replay touches no server, so it owes no host any delay
        quiet = config.model_copy(
            update={"fetch": config.fetch.model_copy(update={"host_delay": 0.0})}
        )
        return Network(quiet, tape, tape.recorded_at, tape.day)
    if record is not None:
        now = now or datetime.now(KST)
        wire = network_transport(Gate.of(config.fetch.host_map))  # as the Fetcher's own
        day = day or today_kst(now)
        return Network(config, RecordingTransport(wire, record, recorded_at=now, day=day), now, day)
    return Network(config)


def demo(config: Config) -> tuple[list[Job], Network]:
    """``run --demo``: the built-in main job and the recorded day that ships with newsbot.

    Its memory is kept beside its output directory, never in a ``[state] path`` the
    config names (a blog's own store)."""
    own = config.model_copy(update={"state": config.state.model_copy(update={"path": None})})
    return load_jobs(JOBS, [DEMO_JOB], config=own), network(own, replay=DEMO)


def check_run(
    config: Config, *, report: str | None, publishing: bool, printing: bool = False
) -> None:
    """Refuse, before anything is fetched (UsageError, exit 64), what would fail after.
    ``printing``: the posts go to stdout, so the report cannot go there too."""
    if printing and report == "-":
        raise UsageError(
            "--report - would put the report on stdout between the printed posts; "
            "give --report a file path"
        )
    check_report(report)
    if publishing:
        check_publish(config)


def check_report(target: str | None) -> None:
    """``--report PATH`` must be a file newsbot can write (``-`` is stdout): its folder
    exists and takes the temp file the report is written to, then renamed over PATH."""
    if target is None or target == "-":
        return
    path = Path(target)
    if path.is_dir():
        raise UsageError(f"--report {target} is a directory; give a file path")
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"--report {target} cannot be written: {missing_folder(folder)}")
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".newsbot-report-", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"--report {target} cannot be written: {exc.strerror}") from None
    os.close(fd)
    os.unlink(probe)  # made only to prove it can be; the report comes after the run


def missing_folder(folder: Path) -> str:
    """Why ``folder`` cannot hold a file: it is a file itself, or it does not exist."""
    if folder.exists():
        return f"{folder} is a file, not a folder"
    return f"the folder {folder} does not exist (create it first)"


def check_publish(config: Config) -> None:
    """A publishing run needs a blog checkout (or a URL to clone) before it fetches."""
    cfg = config.publish
    if cfg.repo is None and cfg.url is None:
        raise UsageError(
            "--publish: no blog repository to publish to; give --publish-repo DIR "
            "(a clone of the blog) or set [publish] repo or url in newsbot.toml"
        )
    if cfg.repo is not None and not cfg.repo.is_dir():
        raise UsageError(f"--publish-repo / [publish] repo {cfg.repo} is not a directory")


def check_days(start: date, end: date, now: datetime | None = None) -> None:
    """A backfill range runs oldest first and never into the future (UsageError)."""
    if end < start:
        raise UsageError(f"--to {end} is before --from {start}")
    today = today_kst(now or datetime.now(KST))
    if end > today:
        raise UsageError(f"--to {end} is in the future (today in Seoul is {today})")


@dataclass(frozen=True)
class DayResult:
    """One run of some jobs for a day, and what publishing it did."""

    report: RunReport
    posts: list[Post]
    published: PublishResult | None = None  # None: not asked to publish, or skipped
    publish_skipped: str = ""  # why a publishing run did not publish
    publish_error: str = ""  # why publishing after the run failed (the posts stay written)
    publish_notes: tuple[str, ...] = ()  # what preparing the checkout did

    @property
    def exit_code(self) -> int:
        return worse(self.report.exit_code, 1) if self.publish_error else self.report.exit_code


def run_day(
    jobs: Sequence[Job],
    day: date | None,
    *,
    net: Network,
    dry_run: bool = False,
    publishing: bool = False,
    hosts: HostMemory | None = None,
) -> DayResult:
    """Run ``jobs`` for ``day`` (default: the recording's day, else today in Seoul) and,
    when ``publishing``, commit and push what they wrote. ``run``, ``backfill`` and the
    daemon all publish through here."""
    if not publishing:
        return DayResult(*_pipeline(jobs, day, net, net.config, dry_run, hosts))
    with contextlib.ExitStack() as held:
        if not dry_run:  # one publishing process per checkout, from the checkout to the push
            _hold_checkout(held, jobs, day, net)
        return _publishing_day(jobs, day, net, dry_run, hosts)


def _hold_checkout(
    held: contextlib.ExitStack, jobs: Sequence[Job], day: date | None, net: Network
) -> None:
    """Take the checkout's publishing lock into ``held``; a refusal goes into the run
    history as ``locked``, as the pipeline does for the output directory's lock."""
    try:
        held.enter_context(locked(net.config.publish))
    except Busy as exc:
        when = day or net.day or today_kst(net.now or datetime.now(KST))
        memory.record_not_run(net.config, jobs, when, status="locked", message=str(exc))
        raise


def _publishing_day(
    jobs: Sequence[Job], day: date | None, net: Network, dry_run: bool, hosts: HostMemory | None
) -> DayResult:
    """Ready the checkout (refusing an unpublishable one before anything is written), run,
    then publish what the run wrote and whatever an earlier one left."""
    cfg, config = net.config.publish, net.config
    co = prepare(cfg, dry_run=dry_run)
    report, posts = _pipeline(jobs, day, net, config, dry_run, hosts)
    if report.exit_code == 1:  # a write failed or nothing usable: never commit half (F33)
        return DayResult(report, posts, None, "the run failed", "", co.notes)
    try:
        done = publish(
            posts,
            cfg,
            checkout=co,
            output=config.output.dir,
            jobs=_post_jobs(config, jobs),
            dry_run=dry_run,
        )
    except PublishError as exc:  # the posts are written; the next publish sends them
        return DayResult(report, posts, None, "", str(exc), co.notes)
    return DayResult(report, posts, done, "", "", co.notes)


def _pipeline(
    jobs: Sequence[Job],
    day: date | None,
    net: Network,
    config: Config,
    dry_run: bool,
    hosts: HostMemory | None,
) -> tuple[RunReport, list[Post]]:
    now = net.now or datetime.now(KST)
    day = day or net.day or today_kst(now)
    return pipeline.run(
        jobs, day, config=config, now=now, dry_run=dry_run, transport=net.transport, hosts=hosts
    )


def _post_jobs(config: Config, jobs: Sequence[Job]) -> dict[str, str]:
    """slug → job name of every job whose posts are newsbot's: the jobs folder's and the
    run's, so a publish also commits posts of other jobs an earlier publish left behind."""
    folder = jobs_dir(config)
    mine = folder.is_dir() and any(folder.glob("*.toml"))
    known = load_jobs(folder, config=config) if mine else []
    return {j.slug: j.name for j in (*known, *jobs)}


def run(
    jobs: Sequence[Job],
    day: date | None = None,
    *,
    config: Config,
    dry_run: bool = False,
    publishing: bool = False,
) -> DayResult:
    """Run ``jobs`` for ``day`` (default: today in Seoul) on the live network."""
    return run_day(jobs, day, net=network(config), dry_run=dry_run, publishing=publishing)


def backfill(
    jobs: Sequence[Job],
    start: date,
    end: date,
    *,
    net: Network,
    force: bool = False,
    publishing: bool = False,
    on_day: OnDay = lambda i, d, r, skipped: None,
) -> int:
    """Run ``jobs`` for each day from ``start`` to ``end``, oldest first; days whose posts
    exist are skipped unless ``force``; each day is published like a ``run`` when
    ``publishing``. ``on_day`` hears of each day: its result (None: nothing ran) and the
    jobs skipped because their post exists. Returns the worst exit code."""
    check_days(start, end, net.now)
    hosts = HostMemory()  # politeness carries over from one day to the next
    out = net.config.output.dir
    worst = 0
    for i in range((end - start).days + 1):
        day = start + timedelta(days=i)
        done = [j.name for j in jobs if not force and (out / post_name(day, j.slug)).is_file()]
        todo = [j for j in jobs if j.name not in done]
        result = run_day(todo, day, net=net, hosts=hosts, publishing=publishing) if todo else None
        on_day(i + 1, day, result, done)
        if result is not None:
            worst = worse(worst, result.exit_code)
    return worst


def worse(a: int, b: int) -> int:
    """The worse of two exit codes: 1 over 2 over 0, anything else over all."""
    return a if EXIT_RANK.get(a, 3) >= EXIT_RANK.get(b, 3) else b


def reindex(config: Config, jobs: Sequence[Job]) -> tuple[int, Path]:
    """Rebuild the state store from the posts; (posts read, the store's path)."""
    with run_lock(lock_path(config.output.dir)):
        return memory.reindex(config, jobs)


def read_article(url: str, *, net: Network) -> Extracted:
    """Fetch one article page (host_map applies) and extract it: ``newsbot extract``."""
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"expected an http(s) URL, got {url!r}")
    return asyncrun.run(_read_article(url, net))


async def _read_article(url: str, net: Network) -> Extracted:
    settings = resolve(net.config)
    rules = article_rules(settings)
    rule = rule_for(url, rules)
    name = rule.name if rule is not None else (urlsplit(url).hostname or "article")
    # a source's own robots policy covers its article pages
    obey = settings[name].obey_robots if name in settings else net.config.fetch.obey_robots
    readers.expect_article_text()
    async with Fetcher(net.config.fetch, transport=net.transport) as fetcher:
        page = await fetcher.get(url, source=name, obey_robots=obey)
        return await pages.extract_page(fetcher, page, rules, source=name)
