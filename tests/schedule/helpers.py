"""Jobs and a wait for the schedule tests."""

from __future__ import annotations

import time

from newsbot.jobs import Job


def make_job(schedule: str = "* * * * *", name: str = "krnews-it") -> Job:
    return Job.model_validate(
        {
            "name": name,
            "title": "{date:%Y.%m.%d} news",
            "slug": name,
            "schedule": schedule,
            "sources": [{"name": "naver", "section": "105"}],
        }
    )


def wait_for(cond: object, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():  # type: ignore[operator]
            return
        time.sleep(0.02)
