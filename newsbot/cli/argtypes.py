"""Argument types of the command line: each turns one value into what it means, or says
what was expected (argparse then exits 64)."""

from __future__ import annotations

import argparse
import re
from datetime import date

FIRST_YEAR = 1900  # older days have no news lists, and strftime/offsets misbehave there
MAX_DAYS = 3660  # newsbot status --days: ten years and a bit
# date.fromisoformat also takes 20261202 and 2026-W49-3; a user means neither
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def day_arg(value: str) -> date:
    """``--date``-like values: YYYY-MM-DD, 1900 or later."""
    try:
        if not ISO_DAY.fullmatch(value):
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {value!r}") from None
    if day.year < FIRST_YEAR:
        raise argparse.ArgumentTypeError(f"expected a day in {FIRST_YEAR} or later, got {value!r}")
    return day


def host_map_arg(value: str) -> tuple[str, str]:
    """``--host-map HOST=ORIGIN``."""
    host, sep, origin = value.partition("=")
    if not sep or not host or not origin:
        raise argparse.ArgumentTypeError(f"expected HOST=ORIGIN, got {value!r}")
    return host.strip().lower(), origin.strip()


def days_arg(value: str) -> int:
    """``status --days``: a whole number of days, 1 to MAX_DAYS."""
    if not value.isdigit() or not 1 <= int(value) <= MAX_DAYS:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of days from 1 to {MAX_DAYS}, got {value!r}"
        )
    return int(value)
