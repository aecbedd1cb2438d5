"""The blog's GitHub Actions workflow, generated from the job files: each job at its own time.

Actions reads ``schedule`` crons in UTC; job files are in Asia/Seoul (UTC+9, no
DST). Each distinct job schedule becomes one or two UTC cron lines, and a
``case`` on ``github.event.schedule`` (the cron line that fired) picks the jobs
that line is for, so a run that starts hours late still runs the right jobs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsbot.jobs import Job
from newsbot.scaffold import TEMPLATES
from newsbot.scaffold.install import refusal
from newsbot.version import __version__

KST_OFFSET_H = 9
DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
RANGE = re.compile(r"(\d+)(?:-(\d+))?(?:/(\d+))?")
# What the workflow's shell and YAML may be given: a job name is one word, and each
# cron field only digits, day names and * , / -. Anything else is refused, never quoted.
JOB_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
CRON_FIELD = re.compile(r"[A-Za-z0-9*,/-]+")


def name_refusal(name: str) -> str | None:
    """Why job ``name`` cannot go into the workflow, or None."""
    if JOB_NAME.fullmatch(name):
        return None
    return (
        f"job name {name!r} cannot go into the workflow: a name is one word of letters, "
        "digits, '.', '_' and '-', starting with a letter or digit (rename the file, or "
        'set name = "..." in it)'
    )


def utc_crons(schedule: str) -> list[str]:
    """The UTC cron lines that fire when ``schedule`` (Asia/Seoul) does.

    ValueError when a KST day boundary would cross a day-of-month or month field
    (``0 8 1 * *``): write those lines by hand.
    """
    fields = schedule.split()
    if len(fields) != 5 or not all(CRON_FIELD.fullmatch(f) for f in fields):
        raise ValueError(f"schedule {schedule!r}: not five cron fields the workflow can hold")
    minute, hour, dom, month, dow = fields
    hours = _expand(hour, 24)
    same = sorted(h - KST_OFFSET_H for h in hours if h >= KST_OFFSET_H)
    before = sorted(h + 24 - KST_OFFSET_H for h in hours if h < KST_OFFSET_H)  # UTC day before
    lines = []
    if same:
        lines.append(f"{minute} {_join(same)} {dom} {month} {dow}")
    if before:
        if (dom, month) != ("*", "*"):
            raise ValueError(
                f"schedule {schedule!r}: before 09:00 KST is the day before in UTC; "
                "with a day of month or month set, write the workflow's cron by hand"
            )
        lines.append(f"{minute} {_join(before)} * * {_day_before(dow)}")
    return lines


def _expand(field: str, size: int) -> list[int]:
    """Every value a cron field names (``*``, ``a-b``, ``*/s``, ``a-b/s``, lists)."""
    values: set[int] = set()
    for part in field.split(","):
        part = part.replace("*", f"0-{size - 1}", 1)
        match = RANGE.fullmatch(part)
        if match is None:
            raise ValueError(f"cron field {field!r}: cannot convert {part!r}")
        low, high, step = match.group(1), match.group(2) or match.group(1), match.group(3) or 1
        values.update(range(int(low), int(high) + 1, int(step)))
    return sorted(values)


def _join(values: Sequence[int]) -> str:
    return ",".join(str(v) for v in values)


def _day_before(dow: str) -> str:
    """A weekday field moved one day back, as a list (``mon-fri`` → ``sun,mon,tue,wed,thu``)."""
    if dow == "*":
        return dow
    days: set[int] = set()
    for part in dow.lower().split(","):
        first, _, last = part.partition("-")
        low, high = DAYS.index(first), DAYS.index(last or first)
        days.update(range(low, high + 1))
    return ",".join(DAYS[(d - 1) % 7] for d in sorted(days, key=lambda d: (d - 1) % 7))


def schedule_block(jobs: Sequence[Job]) -> tuple[list[str], list[str]]:
    """The ``on.schedule`` lines and the ``case`` arms that map a fired cron to its jobs."""
    by_cron: dict[str, list[Job]] = {}
    for job in jobs:
        for cron in utc_crons(job.schedule) if job.schedule else ():
            by_cron.setdefault(cron, []).append(job)
    entries = [
        f'    - cron: "{cron}"  # ' + ", ".join(f"{j.name} ({j.schedule} KST)" for j in group)
        for cron, group in by_cron.items()
    ]
    arms = [  # names and crons are checked words; single-quoted all the same
        f"            '{cron}') jobs='{' '.join(j.name for j in group)}' ;;"
        for cron, group in by_cron.items()
    ]
    return entries, arms


def render(jobs: Sequence[Job], install: str) -> str:
    """The workflow text for ``jobs``. ``install`` is what pip installs unless the repository
    variable NEWSBOT_PIP is set; "" (nothing known) makes the install step fail until it is.

    ValueError for a job name or schedule that cannot go into it, or an unsafe ``install``.
    """
    for job in jobs:
        why = name_refusal(job.name)
        if why is not None:
            raise ValueError(why)
    if install and (why := refusal(install)) is not None:
        raise ValueError(f"install {install!r}: {why}")
    entries, arms = schedule_block(jobs)
    if not entries:
        raise ValueError("no job has a schedule: the workflow would never run")
    pip = f"${{{{ vars.NEWSBOT_PIP || '{install}' }}}}" if install else "${{ vars.NEWSBOT_PIP }}"
    text = (TEMPLATES / "newsbot.yml").read_text(encoding="utf-8")
    text = text.replace("    #@schedule\n", "\n".join(entries) + "\n")
    text = text.replace("            #@arms\n", "\n".join(arms) + "\n")
    return text.replace("@pip@", pip).replace("@version@", __version__)
