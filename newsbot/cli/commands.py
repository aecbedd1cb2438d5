"""Each ``newsbot`` subcommand: its parsed arguments in, ``app`` called, the outcome printed.

No policy here (that is ``app``). Heavy modules are imported inside the
functions, so ``newsbot --help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsbot.errors import UsageError

if TYPE_CHECKING:
    from newsbot.app import DayResult
    from newsbot.config import Config
    from newsbot.jobs import Job
    from newsbot.scaffold.init import Install


def load_config(args: argparse.Namespace) -> Config:
    """The config file (``--config`` or ./newsbot.toml) with the command's flags on top."""
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


def _jobs(cfg: Config, names: list[str] | None = None) -> list[Job]:
    from newsbot import jobs
    from newsbot.sources.settings import check_floors, resolve

    settings = resolve(cfg)  # [sources.UNKNOWN], unknown selectors: refused before any job
    found = jobs.load_jobs(jobs.directory(cfg), names, config=cfg)
    check_floors(found, settings)
    return found


DEMO_CONFLICTS = ("job", "date", "record", "replay", "publish", "publish_repo")


def cmd_run(args: argparse.Namespace) -> int:
    from newsbot import asyncrun
    from newsbot.cli import reporting

    with asyncrun.sigterm_as_interrupt():  # a scheduler's SIGTERM: as a Ctrl-C
        try:
            return _run(args)
        except KeyboardInterrupt as exc:  # the pipeline's RunInterrupted carries what it knew
            return reporting.interrupted(args, getattr(exc, "report", None), exc)


def _run(args: argparse.Namespace) -> int:
    from newsbot import app

    cfg = load_config(args)
    publishing = args.publish or cfg.publish.enabled
    dry_run = args.dry_run
    if args.demo:
        given = [f"--{k.replace('_', '-')}" for k in DEMO_CONFLICTS if getattr(args, k)]
        if given:
            raise UsageError(f"--demo replays one recorded day; it takes no {', '.join(given)}")
        publishing = False
        if args.output is None and not dry_run:  # never into the blog's _posts: printed
            dry_run = True
            print(
                "newsbot: --demo prints the post as --dry-run does; --output DIR writes it to DIR",
                file=sys.stderr,
            )
    app.check_run(cfg, report=args.report, publishing=publishing, printing=dry_run)
    if args.demo:
        jobs, net = app.demo(cfg)
    else:
        jobs = _jobs(cfg, args.job)
        net = app.network(cfg, record=args.record, replay=args.replay, day=args.date)
    result = app.run_day(jobs, args.date, net=net, dry_run=dry_run, publishing=publishing)
    if dry_run:
        for post in result.posts:
            print(f"# {post.path}\n{post.text}", end="")
    _summary(result, args.log_format)
    if args.report:
        from newsbot.cli.reporting import write_report
        from newsbot.report import runfile

        write_report(
            args.report, runfile.of_day(result.report, result.exit_code, result.publish_error)
        )
    _print_publish(result)
    return result.exit_code


def _summary(result: DayResult, log_format: str) -> None:
    from newsbot.report import runlog

    if log_format == "json":
        runlog.write(result.report, sys.stderr)
    else:
        runlog.write_text(result.report, sys.stderr)


def _print_publish(result: DayResult) -> None:
    for note in result.publish_notes:
        print(f"publish: note: {note}", file=sys.stderr)
    if result.publish_skipped:
        print(f"publish: skipped, {result.publish_skipped}", file=sys.stderr)
    if result.publish_error:
        print(f"publish: failed, {result.publish_error}", file=sys.stderr)
    res = result.published
    if res is None:
        return
    if res.status == "nothing":
        print("publish: nothing new to commit", file=sys.stderr)
        return
    verb = {"would_commit": "would commit", "committed": "committed", "pushed": "pushed"}
    what = " ".join(x for x in (verb[res.status], res.commit[:12]) if x)
    files = f" ({', '.join(res.paths)})" if res.paths else " (an earlier run's commit)"
    print(f"publish: {what}{files}", file=sys.stderr)
    print("\n".join(f"  {line}" for line in res.message.splitlines() if line), file=sys.stderr)


def _publish_error(result: DayResult | None) -> str:
    return result.publish_error if result is not None else ""


def _publish_word(result: DayResult) -> str:
    res = result.published
    if result.publish_error or res is None:
        return f"failed, {result.publish_error}"
    return f"{res.status} {res.commit[:12]}".strip()


def cmd_schedule(args: argparse.Namespace) -> int:
    from newsbot.schedule import serve

    cfg = load_config(args)
    jobs = _jobs(cfg)
    if args.publish or cfg.publish.enabled:
        from newsbot.app import check_publish

        check_publish(cfg)
    for job in jobs:
        if job.schedule is None:
            print(f"newsbot: {job.name} has no schedule; not run by the daemon", file=sys.stderr)
    scheduled = [j for j in jobs if j.schedule is not None]
    if not scheduled:
        raise UsageError("no job has a schedule: nothing for the daemon to run")
    return serve(scheduled, cfg, publish=args.publish)


def cmd_backfill(args: argparse.Namespace) -> int:
    from newsbot import app, asyncrun
    from newsbot.cli import reporting
    from newsbot.dates import KST
    from newsbot.report import runfile
    from newsbot.report.progress import DayProgress

    cfg = load_config(args)
    jobs = _jobs(cfg, args.job)
    app.check_days(args.start, args.end)
    app.check_report(args.report)
    publishing = args.publish or cfg.publish.enabled
    if publishing:
        app.check_publish(cfg)
    total = (args.end - args.start).days + 1
    at: list[date] = [args.start]  # the day running now
    days = runfile.Days(datetime.now(KST))
    args.report_so_far = days.report  # an error mid-way: its report keeps the days that ran
    with asyncrun.sigterm_as_interrupt(), DayProgress(total) as progress:

        def on_day(i: int, day: date, result: DayResult | None, done: Sequence[str]) -> None:
            at[0] = min(day + timedelta(days=1), args.end)
            days.add(day, result.report if result else None, done, _publish_error(result))
            progress.start(day)
            if result is None:
                progress.line(f"[{i}/{total}] {day}: every post exists, skipped")
            else:  # resumed: say which jobs of the day were already done
                for name in done:
                    progress.line(f"[{i}/{total}] {day} {name}: post exists, skipped")
            for job in result.report.jobs if result else ():
                states = ", ".join(f"{s.source}={s.status}" for s in job.sources)
                progress.line(f"[{i}/{total}] {day} {job.job}: {job.status} {states}")
            if result is not None and (result.published or result.publish_error):
                progress.line(f"[{i}/{total}] {day} publish: {_publish_word(result)}")
            progress.advance()

        try:
            code = app.backfill(
                jobs,
                args.start,
                args.end,
                net=app.network(cfg),
                force=args.force,
                publishing=publishing,
                on_day=on_day,
            )
        except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM
            code, why = reporting.stop_status(exc)
            progress.line(
                f"newsbot: backfill {why} on {at[0]}; run the same command again to "
                "resume (days whose posts exist are skipped)"
            )
            partial = days.report(getattr(exc, "report", None))
            reporting.write_stopped(args.report, partial, code, why)
            return code
    if args.report:
        reporting.write_report(args.report, runfile.ended(days.report(), code))
    return code


def cmd_reindex(args: argparse.Namespace) -> int:
    from newsbot import app

    cfg = load_config(args)
    count, path = app.reindex(cfg, _jobs(cfg))
    print(f"reindexed {count} posts from {cfg.output.dir} into {path}", file=sys.stderr)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from datetime import datetime

    from newsbot.dates import KST
    from newsbot.pipeline.memory import state_path
    from newsbot.report import health

    cfg = load_config(args)
    report = health.load(state_path(cfg), args.days, datetime.now(KST))
    if args.json:
        print(report.model_dump_json(indent=2))
    else:
        print(health.render_text(report), end="")
    return 2 if report.warnings else 0


def cmd_sources(args: argparse.Namespace) -> int:
    from newsbot.redact import redact
    from newsbot.sources import SOURCES
    from newsbot.sources.settings import describe_generic, resolve

    cfg = load_config(args)
    settings = resolve(cfg)
    for name, s in settings.items():
        line = (
            f"{name}\t{SOURCES[name].LABEL}\tmin_items={s.min_items} max_items={s.max_items}"
            f" max_pages={s.max_pages}\trobots.txt {s.robots_line}"
        )
        print(redact(line))
    from newsbot import jobs

    if jobs.directory(cfg).is_dir():  # the feeds and lists job files declare
        for job in _jobs(cfg):
            for line in describe_generic(job, settings):
                print(redact(line))  # as reports and logs show a URL: no userinfo, no token=
    return 0


def cmd_jobs(args: argparse.Namespace) -> int:
    from newsbot import jobs, scaffold

    cfg = load_config(args)
    if cfg.publish.enabled:  # every run would publish: it needs somewhere to
        from newsbot.app import check_publish

        check_publish(cfg)
    if args.builtin:
        found, where = jobs.load_jobs(scaffold.JOBS, config=cfg), scaffold.JOBS
    else:
        found, where = _jobs(cfg), jobs.directory(cfg)
    for job in found:
        refs = ", ".join(f"{r.name}/{r.section}" if r.section else r.name for r in job.sources)
        print(f"{job.name}\t{job.schedule or '- (no schedule)'}\t{refs}")
    print(f"{len(found)} jobs in {where}, all valid", file=sys.stderr)
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    import json

    from newsbot import app
    from newsbot.errors import SourceError
    from newsbot.fetch.gate import Gate
    from newsbot.pipeline import items

    cfg = load_config(args)
    try:
        got = app.read_article(args.url, net=app.network(cfg, replay=args.replay))
    except SourceError as exc:
        print(f"newsbot: error: {exc}", file=sys.stderr)
        return 1
    # the image a run would show: the page's first that passes the run's URL gate
    image, refused = items.first_image(got.images, Gate.of(cfg.fetch.host_map))
    if args.json:
        out = got.to_dict() | {"image": image}
        out["images_refused"] = [{"url": url, "why": why} for url, why in refused]
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        published = got.published.isoformat() if got.published else "-"
        lines = [f"title: {got.title or '-'}", f"published: {published}", f"image: {image or '-'}"]
        lines += [f"image refused: {url} ({why})" for url, why in refused]
        lines += [f"rule: {got.rule}", f"url: {got.url}", "", got.text]
        print("\n".join(lines))
    if not got.text:
        print(f"newsbot: no article text found ({got.rule} rule)", file=sys.stderr)
        return 1
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from newsbot.scaffold.init import init

    done = init(args.dir, force=args.force, workflow_only=args.workflow, spec=args.install)
    for path in done.files:
        print(f"wrote {path}")
    _print_install(done.install)
    if args.workflow:
        return 0
    if done.gitignore:
        print(f"{done.gitignore} {args.dir / '.gitignore'} (newsbot's state store, locks, log)")
    go = "" if args.dir == Path(".") else f"cd {args.dir} && "
    print(
        "\nJekyll publishes every file not excluded: add newsbot.toml and jobs to `exclude:` "
        "in _config.yml.\nNext:\n"
        f"  {go}newsbot jobs                        # check the job files\n"
        "  newsbot run --job krnews-it --dry-run   # today's post, printed, nothing written"
    )
    return 0


def _print_install(chosen: Install) -> None:
    """Say what the workflow installs; a warning when it installs nothing until told."""
    from newsbot.scaffold.install import EXAMPLE
    from newsbot.version import __version__

    why = {
        "--install": "--install",
        "installed": "where this newsbot was installed from",
        "kept": "kept from the workflow it replaces",
    }
    if chosen.spec:
        print(
            f"the workflow installs {chosen.spec} ({why[chosen.origin]}); the repository "
            "variable NEWSBOT_PIP overrides it"
        )
        return
    print(
        "newsbot init: warning: the workflow has nothing to install, so its install step "
        "fails until you set the repository variable NEWSBOT_PIP to where newsbot comes from, "
        f"e.g. {EXAMPLE.format(version=__version__)} (or write it in with `newsbot init "
        "--workflow --install SPEC`). newsbot is not on PyPI (the newsbot there is another "
        "project), and this one came from a local path or an index, which a runner cannot "
        "install from.",
        file=sys.stderr,
    )
