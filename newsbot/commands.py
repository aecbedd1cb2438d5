"""What each ``newsbot`` subcommand does, given its parsed arguments.

``cli.py`` builds the parser and maps errors to exit codes; each ``cmd_*`` here
returns the command's exit code. Heavy modules are imported inside the
functions, so ``newsbot --help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from newsbot.errors import UsageError


def cmd_extract(args: argparse.Namespace) -> int:
    import json

    from newsbot.digest import read_article
    from newsbot.errors import SourceError

    if not args.url.startswith(("http://", "https://")):
        raise UsageError(f"expected an http(s) URL, got {args.url!r}")
    cfg = load_config(args)
    transport = None
    if args.replay:  # the page as a recorded run saw it; no network, no delay owed
        from newsbot.recording import ReplayTransport

        transport = ReplayTransport(args.replay)
        cfg = cfg.model_copy(update={"fetch": cfg.fetch.model_copy(update={"host_delay": 0.0})})
    try:
        got = read_article(args.url, config=cfg, transport=transport)
    except SourceError as exc:
        print(f"newsbot: error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(got.to_dict(), ensure_ascii=False, indent=2))
    else:
        published = got.published.isoformat() if got.published else "-"
        print(
            f"title: {got.title or '-'}\npublished: {published}\nimage: {got.image or '-'}\n"
            f"rule: {got.rule}\nurl: {got.url}\n\n{got.text}"
        )
    if not got.text:
        print(f"newsbot: no article text found ({got.rule} rule)", file=sys.stderr)
        return 1
    return 0


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


def load_config(args: argparse.Namespace) -> Any:
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


def cmd_run(args: argparse.Namespace) -> int:
    from newsbot import pipeline
    from newsbot.dates import KST, today_kst
    from newsbot.jobs import load_jobs

    cfg = load_config(args)
    jobs = load_jobs(cfg.output.jobs_dir, args.job)
    if (args.publish or cfg.publish.enabled) and cfg.publish.url:
        from newsbot.publish import checkout

        # Clone or update before the run, so a --output inside the checkout sees its posts.
        repo = checkout(cfg.publish)
        cfg = cfg.model_copy(
            update={"publish": cfg.publish.model_copy(update={"repo": repo, "url": None})}
        )
    now = datetime.now(KST)
    transport = _transport(args, now)
    if args.replay:  # a replay touches no server, so it owes no host any delay
        cfg = cfg.model_copy(update={"fetch": cfg.fetch.model_copy(update={"host_delay": 0.0})})
    now = getattr(transport, "recorded_at", None) or now  # a replay runs at the recorded time
    day = args.date or getattr(transport, "day", None) or today_kst(now)  # for the recorded day
    report, posts = pipeline.run(
        jobs, day, config=cfg, now=now, dry_run=args.dry_run, transport=transport
    )
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


def cmd_schedule(args: argparse.Namespace) -> int:
    from newsbot.jobs import load_jobs
    from newsbot.schedule import serve

    cfg = load_config(args)
    return serve(load_jobs(cfg.output.jobs_dir), cfg, publish=args.publish)


def cmd_backfill(args: argparse.Namespace) -> int:
    from newsbot import pipeline
    from newsbot.dates import KST
    from newsbot.jobs import load_jobs
    from newsbot.progress import DayProgress
    from newsbot.write import post_name

    cfg = load_config(args)
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
                progress.line(
                    f"[{i}/{len(days)}] {day} {job.job}: {job.status} "
                    + ", ".join(f"{s.source}={s.status}" for s in job.sources)
                )
            progress.advance()
            worst = _worse(worst, report.exit_code)
    return worst


def _worse(a: int, b: int) -> int:
    rank = {0: 0, 2: 1, 1: 2}
    return a if rank.get(a, 3) >= rank.get(b, 3) else b


def cmd_reindex(args: argparse.Namespace) -> int:
    from newsbot import pipeline
    from newsbot.jobs import load_jobs
    from newsbot.lock import lock_path, run_lock
    from newsbot.store import Store

    cfg = load_config(args)
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


def cmd_status(args: argparse.Namespace) -> int:
    from newsbot import pipeline, status
    from newsbot.dates import KST

    cfg = load_config(args)
    report = status.load(pipeline.state_path(cfg), args.days, datetime.now(KST))
    if args.json:
        print(report.model_dump_json(indent=2))
    else:
        print(status.render_text(report), end="")
    return 2 if report.warnings else 0


def cmd_sources(args: argparse.Namespace) -> int:
    from newsbot import sources

    cfg = load_config(args)
    for name, source in sources.SOURCES.items():
        s = sources.settings_for(name, cfg)
        robots = "obeyed" if s.obey_robots else f"not obeyed: {s.robots_note or 'config'}"
        print(
            f"{name}\t{source.LABEL}\tmin_items={s.min_items} max_items={s.max_items}"
            f" max_pages={s.max_pages}\trobots.txt {robots}"
        )
    return 0


def cmd_jobs(args: argparse.Namespace) -> int:
    from newsbot.jobs import load_jobs

    cfg = load_config(args)
    for job in load_jobs(cfg.output.jobs_dir):
        refs = ", ".join(f"{r.name}/{r.section}" if r.section else r.name for r in job.sources)
        print(f"{job.name}\t{job.schedule}\t{refs}")
    return 0
