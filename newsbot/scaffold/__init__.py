"""What ships with newsbot besides code, found beside this module in the checkout and the wheel.

``JOBS``: the built-in job files with ``crontab.example`` and the cron wrapper
``newsbot-cron.sh`` (in the checkout, the top-level ``jobs/``). ``DEMO``: one
recorded day of the main job (Naver IT/과학, 2025-02-04) that ``newsbot run
--demo`` replays with no network. ``TEMPLATES``: what ``newsbot init`` writes
into a blog besides the jobs.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
JOBS = HERE / "jobs"
CRON_WRAPPER = JOBS / "newsbot-cron.sh"
CRONTAB = JOBS / "crontab.example"
DEMO = HERE / "demo"
DEMO_JOB = "krnews-it"
TEMPLATES = HERE / "templates"

__all__ = ["CRONTAB", "CRON_WRAPPER", "DEMO", "DEMO_JOB", "JOBS", "TEMPLATES"]
