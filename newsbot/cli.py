"""The ``newsbot`` command: parse arguments, delegate, map errors to exit codes.

Exit codes: 0 ok, 1 fatal, 2 partial (a source failed; healthy posts written),
64 bad command line or configuration, 75 another run holds the lock.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

from newsbot import __version__
from newsbot.errors import NewsbotError, UsageError

EX_USAGE = 64


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad usage, which is newsbot's "partial"; use 64.

    Abbreviated options are off: ``--job`` must never be taken for ``--jobs-dir``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EX_USAGE, f"{self.prog}: error: {message}\n")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {value!r}") from None


def _host_map(value: str) -> tuple[str, str]:
    host, sep, origin = value.partition("=")
    if not sep or not host or not origin:
        raise argparse.ArgumentTypeError(f"expected HOST=ORIGIN, got {value!r}")
    return host.strip().lower(), origin.strip()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="newsbot",
        description="Scrape daily news lists and write them as Jekyll posts.",
        epilog="Example: newsbot run --date 2025-02-04 --job krnews-it",
    )
    parser.add_argument("--version", action="version", version=f"newsbot {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser(
        "run",
        help="fetch the jobs' sources and write today's (or --date's) posts",
        description="Fetch each job's sources and write one post per job for the day.",
        epilog="Example: newsbot run --date 2025-02-04 --job krnews-it --dry-run",
    )
    run.add_argument("--date", type=_day, help="day to post, YYYY-MM-DD (default: today, Seoul)")
    run.add_argument("--job", action="append", default=[], metavar="NAME",
                     help="job to run (repeatable; default: every job in the jobs directory)")
    _common(run)
    _paths(run)
    run.add_argument("--dry-run", action="store_true", help="print the posts, write nothing")
    run.add_argument("--report", metavar="PATH",
                     help="write the run report as JSON to PATH ('-' for stdout)")
    run.add_argument("--publish", action="store_true",
                     help="commit the posts to the [publish] blog repository and push")
    run.add_argument("--publish-repo", type=Path, metavar="DIR",
                     help="blog repository checkout to publish to (overrides publish.repo)")
    _record_replay(run)
    run.add_argument("--log-format", choices=("text", "json"), default="text",
                     help="stderr summary: text for people (default), json lines for machines")
    run.set_defaults(func=_cmd_run)

    sched = sub.add_parser(
        "schedule", help="run every job on its cron schedule until stopped",
        description="Run an APScheduler daemon: one cron trigger per job file, Asia/Seoul.",
        epilog="Example: newsbot schedule --jobs-dir jobs --publish",
    )
    _common(sched)
    sched.add_argument("--jobs-dir", type=Path, metavar="DIR", help="job files (default: jobs)")
    sched.add_argument("--output", type=Path, metavar="DIR",
                       help="the _posts directory (default: output/_posts)")
    sched.add_argument("--publish", action="store_true",
                       help="publish after each run (also: publish.enabled in the config)")
    sched.set_defaults(func=_cmd_schedule)

    src = sub.add_parser(
        "sources", help="list the sources and their settings",
        description="List every source newsbot knows, with its effective settings.",
        epilog="Example: newsbot sources --config newsbot.toml",
    )
    _common(src)
    src.set_defaults(func=_cmd_sources)

    back = sub.add_parser(
        "backfill",
        help="run the jobs for every day in a range, oldest first",
        description="Run the jobs for each day from --from to --to, oldest first. Days whose "
        "post exists are skipped unless --force, so an interrupted backfill resumes.",
        epilog="Example: newsbot backfill --from 2025-02-01 --to 2025-02-07 --job krnews-it",
    )
    back.add_argument("--from", dest="start", type=_day, required=True, help="first day")
    back.add_argument("--to", dest="end", type=_day, required=True, help="last day")
    back.add_argument("--job", action="append", default=[], metavar="NAME", help="(repeatable)")
    back.add_argument("--force", action="store_true", help="re-run days whose post exists")
    _common(back)
    _paths(back)
    back.set_defaults(func=_cmd_backfill)

    reindex = sub.add_parser(
        "reindex",
        help="rebuild the memory of published articles from the posts",
        description="Rebuild the seen-article store from the posts in the output directory.",
        epilog="Example: newsbot reindex --output blog/_posts",
    )
    _common(reindex)
    _paths(reindex)
    reindex.set_defaults(func=_cmd_reindex)

    _status_parser(sub)
    _extract_parser(sub)

    jobs = sub.add_parser(
        "jobs", help="list the jobs and check their files",
        description="Validate every job file and list the jobs.",
        epilog="Example: newsbot jobs --jobs-dir jobs",
    )
    _common(jobs)
    jobs.add_argument("--jobs-dir", type=Path, metavar="DIR", help="job files (default: jobs)")
    jobs.set_defaults(func=_cmd_jobs)
    return parser


def _status_parser(sub: Any) -> None:
    status = sub.add_parser(
        "status", help="each source's recent runs, items per day and warnings",
        description="Show every source's recent runs from the run history: last run, last "
        "success, status, items found per day, and a warning when a source fails or its "
        "count falls under half its recent median. Exit 2 when there is a warning.",
        epilog="Example: newsbot status --days 14 --output blog/_posts",
    )
    status.add_argument("--days", type=_positive, default=14, metavar="N",
                        help="days to show, up to today (default: 14)")
    status.add_argument("--json", action="store_true", help="print a JSON StatusReport")
    status.add_argument("--output", type=Path, metavar="DIR",
                        help="the _posts directory whose state store to read")
    status.add_argument("--config", type=Path, metavar="PATH",
                        help="config file (default: ./newsbot.toml if present)")
    status.set_defaults(func=_cmd_status, host_map=[])


def _extract_parser(sub: Any) -> None:
    ext = sub.add_parser(
        "extract", help="print what the extractor gets from one article page",
        description="Fetch one article page through the fetch layer (host_map applies) and "
        "print its title, publication time, image and main text, as the digest sees them. "
        "Exit 1 when the page cannot be fetched or yields no text.",
        epilog="Example: newsbot extract https://n.news.naver.com/article/001/0009205077 --json",
    )
    ext.add_argument("url", help="article page URL (http or https)")
    ext.add_argument("--json", action="store_true", help="print a JSON object instead")
    _common(ext)
    ext.set_defaults(func=_cmd_extract)


def _cmd_extract(args: argparse.Namespace) -> int:
    import json

    from newsbot.digest import read_article
    from newsbot.errors import SourceError

    if not args.url.startswith(("http://", "https://")):
        raise UsageError(f"expected an http(s) URL, got {args.url!r}")
    cfg = _load_config(args)
    try:
        got = read_article(args.url, config=cfg)
    except SourceError as exc:
        print(f"newsbot: error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(got.to_dict(), ensure_ascii=False, indent=2))
    else:
        published = got.published.isoformat() if got.published else "-"
        print(f"title: {got.title or '-'}\npublished: {published}\nimage: {got.image or '-'}\n"
              f"rule: {got.rule}\nurl: {got.url}\n\n{got.text}")
    if not got.text:
        print(f"newsbot: no article text found ({got.rule} rule)", file=sys.stderr)
        return 1
    return 0


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of days >= 1, got {value!r}")
    return int(value)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="PATH",
                        help="config file (default: ./newsbot.toml if present)")
    parser.add_argument("--host-map", type=_host_map, action="append", default=[],
                        metavar="HOST=ORIGIN",
                        help="send requests for HOST to ORIGIN instead (repeatable)")


def _paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", type=Path, metavar="DIR",
                        help="the _posts directory (default: output/_posts)")
    parser.add_argument("--jobs-dir", type=Path, metavar="DIR", help="job files (default: jobs)")


def _record_replay(parser: argparse.ArgumentParser) -> None:
    tape = parser.add_mutually_exclusive_group()
    tape.add_argument("--record", type=Path, metavar="DIR",
                      help="save every HTTP response of the run in DIR (see newsbot.recording)")
    tape.add_argument("--replay", type=Path, metavar="DIR",
                      help="answer every request from the recording in DIR, at its recorded "
                      "time and day (unless --date); no network")


def _transport(args: argparse.Namespace, now: datetime) -> Any:
    """The httpx transport for --record / --replay, or None for the plain network."""
    if not (args.record or args.replay):
        return None
    import httpx

    from newsbot.dates import today_kst
    from newsbot.recording import RecordingTransport, ReplayTransport

    if args.replay:
        return ReplayTransport(args.replay)
    day = args.date or today_kst(now)
    network = httpx.AsyncHTTPTransport(trust_env=False)  # as Fetcher's own client: no env proxy
    return RecordingTransport(network, args.record, recorded_at=now, day=day)


def _load_config(args: argparse.Namespace) -> Any:
    from newsbot import config

    overrides: dict[str, Any] = {}
    if args.host_map:
        overrides["fetch"] = {"host_map": dict(args.host_map)}
    output: dict[str, Any] = {}
    if getattr(args, "output", None):
        output["dir"] = str(args.output)
    if getattr(args, "jobs_dir", None):
        output["jobs_dir"] = str(args.jobs_dir)
    if output:
        overrides["output"] = output
    if getattr(args, "publish_repo", None):
        overrides["publish"] = {"repo": str(args.publish_repo), "url": None}
    return config.load(args.config, overrides)


def _cmd_run(args: argparse.Namespace) -> int:
    from newsbot import pipeline
    from newsbot.dates import KST, today_kst
    from newsbot.jobs import load_jobs

    cfg = _load_config(args)
    jobs = load_jobs(cfg.output.jobs_dir, args.job)
    if (args.publish or cfg.publish.enabled) and cfg.publish.url:
        from newsbot.publish import checkout

        # Clone or update before the run, so a --output inside the checkout sees its posts.
        repo = checkout(cfg.publish)
        cfg = cfg.model_copy(update={"publish": cfg.publish.model_copy(
            update={"repo": repo, "url": None})})
    now = datetime.now(KST)
    transport = _transport(args, now)
    if args.replay:  # a replay touches no server, so it owes no host any delay
        cfg = cfg.model_copy(update={"fetch": cfg.fetch.model_copy(update={"host_delay": 0.0})})
    now = getattr(transport, "recorded_at", None) or now  # a replay runs at the recorded time
    day = args.date or getattr(transport, "day", None) or today_kst(now)  # for the recorded day
    report, posts = pipeline.run(jobs, day, config=cfg, now=now, dry_run=args.dry_run,
                                 transport=transport)
    if args.dry_run:
        for post in posts:
            print(f"# {post.result.path}\n{post.text}", end="")
    from newsbot import runlog

    if args.log_format == "json":
        runlog.write(report, sys.stderr)
    else:
        runlog.write_text(report, sys.stderr)
    if args.report:
        _write_report(args.report, report.to_json())
    code: int = report.exit_code
    if args.publish or cfg.publish.enabled:
        if code == 1:  # a write failed or nothing usable: never commit half a run (F33)
            print("publish: skipped, the run failed", file=sys.stderr)
        else:
            _publish(posts, cfg, dry_run=args.dry_run)
    return code


def _publish(posts: list[Any], cfg: Any, *, dry_run: bool) -> None:
    from newsbot.publish import publish

    res = publish(posts, cfg.publish, dry_run=dry_run)
    if res.status == "nothing":
        print("publish: nothing new to commit", file=sys.stderr)
        return
    verb = {"would_commit": "would commit", "committed": "committed", "pushed": "pushed"}
    what = " ".join(x for x in (verb[res.status], res.commit[:12]) if x)
    print(f"publish: {what} ({', '.join(res.paths)})", file=sys.stderr)
    print("\n".join(f"  {line}" for line in res.message.splitlines()), file=sys.stderr)


def _cmd_schedule(args: argparse.Namespace) -> int:
    from newsbot.jobs import load_jobs
    from newsbot.schedule import serve

    cfg = _load_config(args)
    return serve(load_jobs(cfg.output.jobs_dir), cfg, publish=args.publish)


def _cmd_backfill(args: argparse.Namespace) -> int:
    from newsbot import pipeline
    from newsbot.dates import KST
    from newsbot.jobs import load_jobs
    from newsbot.progress import DayProgress
    from newsbot.write import post_name

    cfg = _load_config(args)
    jobs = load_jobs(cfg.output.jobs_dir, args.job)
    if args.end < args.start:
        raise UsageError(f"--to {args.end} is before --from {args.start}")
    days = [date.fromordinal(n) for n in range(args.start.toordinal(), args.end.toordinal() + 1)]
    worst = 0
    out = cfg.output.dir
    with DayProgress(len(days)) as progress:
        for i, day in enumerate(days, 1):
            progress.start(day)
            todo = [j for j in jobs if args.force or not (out / post_name(day, j.slug)).is_file()]
            if not todo:
                progress.line(f"[{i}/{len(days)}] {day}: every post exists, skipped")
                progress.advance()
                continue
            report, _ = pipeline.run(todo, day, config=cfg, now=datetime.now(KST))
            for job in report.jobs:
                progress.line(f"[{i}/{len(days)}] {day} {job.job}: {job.status} "
                              + ", ".join(f"{s.source}={s.status}" for s in job.sources))
            progress.advance()
            worst = _worse(worst, report.exit_code)
    return worst


def _worse(a: int, b: int) -> int:
    rank = {0: 0, 2: 1, 1: 2}
    return a if rank.get(a, 3) >= rank.get(b, 3) else b


def _cmd_reindex(args: argparse.Namespace) -> int:
    from newsbot import pipeline
    from newsbot.jobs import load_jobs
    from newsbot.lock import lock_path, run_lock
    from newsbot.store import Store

    cfg = _load_config(args)
    jobs = load_jobs(cfg.output.jobs_dir)
    with run_lock(lock_path(cfg.output.dir)):
        store = Store(pipeline.state_path(cfg))
        try:
            count = pipeline.reindex(store, cfg, jobs)
        finally:
            store.close()
    print(f"reindexed {count} posts from {cfg.output.dir} into {store.path}", file=sys.stderr)
    return 0


def _write_report(target: str, text: str) -> None:
    if target == "-":
        print(text)
        return
    try:
        Path(target).write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write report to {target}: {exc.strerror}") from None


def _cmd_status(args: argparse.Namespace) -> int:
    from newsbot import pipeline, status
    from newsbot.dates import KST

    cfg = _load_config(args)
    report = status.load(pipeline.state_path(cfg), args.days, datetime.now(KST))
    if args.json:
        print(report.model_dump_json(indent=2))
    else:
        print(status.render_text(report), end="")
    return 2 if report.warnings else 0


def _cmd_sources(args: argparse.Namespace) -> int:
    from newsbot import sources

    cfg = _load_config(args)
    for name, source in sources.SOURCES.items():
        s = sources.settings_for(name, cfg)
        robots = "obeyed" if s.obey_robots else f"not obeyed: {s.robots_note or 'config'}"
        print(f"{name}\t{source.LABEL}\tmin_items={s.min_items} max_items={s.max_items}"
              f" max_pages={s.max_pages}\trobots.txt {robots}")
    return 0


def _cmd_jobs(args: argparse.Namespace) -> int:
    from newsbot.jobs import load_jobs

    cfg = _load_config(args)
    for job in load_jobs(cfg.output.jobs_dir):
        refs = ", ".join(f"{r.name}/{r.section}" if r.section else r.name for r in job.sources)
        print(f"{job.name}\t{job.schedule}\t{refs}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``newsbot`` console script and ``python -m newsbot``."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except NewsbotError as exc:
        if getattr(args, "log_format", "text") == "json":
            from newsbot import runlog

            print(runlog.error(str(exc), exc.exit_code), file=sys.stderr)
        else:
            print(f"newsbot: error: {exc}", file=sys.stderr)
        return exc.exit_code
    return code
