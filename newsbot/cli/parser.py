"""The ``newsbot`` command line: subcommands, their options and their help examples."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, NoReturn

from newsbot.cli import commands
from newsbot.cli.argtypes import day_arg, days_arg, host_map_arg
from newsbot.version import __version__

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
    run.add_argument("--date", type=day_arg, help="day to post, YYYY-MM-DD (default: today, Seoul)")
    run.add_argument(
        "--job",
        action="append",
        default=[],
        metavar="NAME",
        help="job to run (repeatable; default: every job in the jobs directory)",
    )
    _common(run)
    _paths(run)
    run.add_argument("--dry-run", action="store_true", help="print the posts, write nothing")
    run.add_argument(
        "--report", metavar="PATH", help="write the run report as JSON to PATH ('-' for stdout)"
    )
    _publishing(run, "commit the posts to the [publish] blog repository and push")
    _record_replay(run)
    run.add_argument(
        "--demo",
        action="store_true",
        help="replay the recorded day that ships with newsbot (krnews-it, 2025-02-04): "
        "no network; prints the post as --dry-run does, or --output DIR writes it to DIR "
        "(never into the configured output directory)",
    )
    run.add_argument(
        "--log-format",
        choices=("text", "json"),
        default="text",
        help="stderr summary: text for people (default), json lines for machines",
    )
    run.set_defaults(func=commands.cmd_run)

    sched = sub.add_parser(
        "schedule",
        help="run every job on its cron schedule until stopped",
        description="Run an APScheduler daemon: one cron trigger per job file, Asia/Seoul.",
        epilog="Example: newsbot schedule --jobs-dir jobs --publish",
    )
    _common(sched)
    _paths(sched)
    _publishing(sched, "publish after each run (also: publish.enabled in the config)")
    sched.set_defaults(func=commands.cmd_schedule)

    src = sub.add_parser(
        "sources",
        help="list the sources and their settings",
        description="List every source newsbot knows, with its effective settings, and the "
        "feeds and lists the job files declare.",
        epilog="Example: newsbot sources --config newsbot.toml --jobs-dir jobs",
    )
    _common(src)
    src.add_argument("--jobs-dir", type=Path, metavar="DIR", help="job files (default: jobs)")
    src.set_defaults(func=commands.cmd_sources)

    back = sub.add_parser(
        "backfill",
        help="run the jobs for every day in a range, oldest first",
        description="Run the jobs for each day from --from to --to, oldest first. Days whose "
        "post exists are skipped unless --force, so an interrupted backfill resumes.",
        epilog="Example: newsbot backfill --from 2025-02-01 --to 2025-02-07 --job krnews-it",
    )
    back.add_argument("--from", dest="start", type=day_arg, required=True, help="first day")
    back.add_argument("--to", dest="end", type=day_arg, required=True, help="last day")
    back.add_argument("--job", action="append", default=[], metavar="NAME", help="(repeatable)")
    back.add_argument("--force", action="store_true", help="re-run days whose post exists")
    back.add_argument(
        "--report",
        metavar="PATH",
        help="write one report for the whole range as JSON to PATH ('-' for stdout)",
    )
    _common(back)
    _paths(back)
    _publishing(back, "publish each day's posts as run --publish does")
    back.set_defaults(func=commands.cmd_backfill)

    reindex = sub.add_parser(
        "reindex",
        help="rebuild the memory of published articles from the posts",
        description="Rebuild the seen-article store from the posts in the output directory.",
        epilog="Example: newsbot reindex --output blog/_posts",
    )
    _common(reindex)
    _paths(reindex)
    reindex.set_defaults(func=commands.cmd_reindex)

    _status_parser(sub)
    _extract_parser(sub)

    _jobs_parser(sub)
    _init_parser(sub)
    return parser


def _jobs_parser(sub: Any) -> None:
    jobs = sub.add_parser(
        "jobs",
        help="list the jobs and check their files",
        description="Validate every job file (and the config) as run and schedule would, "
        "and list the jobs.",
        epilog="Example: newsbot jobs --jobs-dir jobs",
    )
    _common(jobs)
    _jobs_dir(jobs)
    jobs.add_argument(
        "--builtin", action="store_true", help="list the job files that ship with newsbot"
    )
    jobs.set_defaults(func=commands.cmd_jobs)


def _init_parser(sub: Any) -> None:
    init = sub.add_parser(
        "init",
        help="set a blog checkout up for newsbot",
        description="Write newsbot.toml, jobs/ (the built-in job files, the cron wrapper and "
        "a crontab), .github/workflows/newsbot.yml (each job at its own time) and "
        "newsbot's .gitignore lines into DIR. Refuses to overwrite a file unless --force.",
        epilog="Example: newsbot init blog",
    )
    init.add_argument("dir", nargs="?", type=Path, default=Path("."), help="(default: .)")
    init.add_argument("--force", action="store_true", help="overwrite files that exist")
    init.add_argument(
        "--workflow",
        action="store_true",
        help="only (re)write .github/workflows/newsbot.yml from DIR's jobs/ (after a schedule "
        "changed); nothing else is touched",
    )
    init.add_argument(
        "--install",
        metavar="SPEC",
        help="what the workflow pip-installs, e.g. git+https://github.com/YOU/newsbot@v1.2.3 "
        "(default: where this newsbot was installed from, when a runner can reach it; newsbot "
        "is not on PyPI); the repository variable NEWSBOT_PIP overrides it",
    )
    init.set_defaults(func=commands.cmd_init, host_map=[], config=None)


def _publishing(cmd: argparse.ArgumentParser, what: str) -> None:
    cmd.add_argument("--publish", action="store_true", help=what)
    cmd.add_argument(
        "--publish-repo",
        type=Path,
        metavar="DIR",
        help="blog repository checkout to publish to (overrides publish.repo)",
    )


def _status_parser(sub: Any) -> None:
    status = sub.add_parser(
        "status",
        help="each source's recent runs, items per day and warnings",
        description="Show every source's recent runs from the run history: last run, last "
        "success, status, items found per day, and a warning when a source fails or its "
        "count falls under half its recent median. Exit 2 when there is a warning.",
        epilog="Example: newsbot status --days 14 --output blog/_posts",
    )
    status.add_argument(
        "--days",
        type=days_arg,
        default=14,
        metavar="N",
        help="days to show, up to today (default: 14)",
    )
    status.add_argument("--json", action="store_true", help="print a JSON StatusReport")
    status.add_argument(
        "--output", type=Path, metavar="DIR", help="the _posts directory whose state store to read"
    )
    status.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        help="config file (default: ./newsbot.toml if present)",
    )
    status.set_defaults(func=commands.cmd_status, host_map=[])


def _extract_parser(sub: Any) -> None:
    ext = sub.add_parser(
        "extract",
        help="print what the extractor gets from one article page",
        description="Fetch one article page through the fetch layer (host_map applies) and "
        "print its title, publication time, image and main text, as the digest sees them. "
        "The image is the one a run would show: one the URL gate refuses (an inside "
        "address, a local name) is not printed as the image but on an 'image refused' "
        "line with the reason. Exit 1 when the page cannot be fetched or yields no text.",
        epilog="Example: newsbot extract https://n.news.naver.com/article/001/0009205077 --json",
    )
    ext.add_argument("url", help="article page URL (http or https)")
    ext.add_argument("--json", action="store_true", help="print a JSON object instead")
    ext.add_argument(
        "--replay",
        type=Path,
        metavar="DIR",
        help="read the page from a run's recording in DIR (newsbot run --record); no network",
    )
    _common(ext)
    ext.set_defaults(func=commands.cmd_extract)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        help="config file (default: ./newsbot.toml if present)",
    )
    parser.add_argument(
        "--host-map",
        type=host_map_arg,
        action="append",
        default=[],
        metavar="HOST=ORIGIN",
        help="send requests for HOST to ORIGIN instead (repeatable)",
    )


def _paths(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output", type=Path, metavar="DIR", help="the _posts directory (default: output/_posts)"
    )
    _jobs_dir(parser)


def _jobs_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs-dir",
        type=Path,
        metavar="DIR",
        help="job files (default: jobs/ beside newsbot.toml, else the built-in jobs)",
    )


def _record_replay(parser: argparse.ArgumentParser) -> None:
    tape = parser.add_mutually_exclusive_group()
    tape.add_argument(
        "--record",
        type=Path,
        metavar="DIR",
        help="save every HTTP response of the run in DIR (see newsbot.recording)",
    )
    tape.add_argument(
        "--replay",
        type=Path,
        metavar="DIR",
        help="answer every request from the recording in DIR, at its recorded "
        "time and day (unless --date); no network",
    )
