"""README's Commands table is true line by line, and its first command works offline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cli.test_cli import newsbot
from tests.conftest import GOLDEN, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
TABLE = README.split("## Commands", 1)[1].split("\n\n", 2)[1]
ROWS = [line for line in TABLE.splitlines() if line.startswith("| `newsbot ")]


def command_of(row: str) -> str:
    match = re.match(r"\| `newsbot ([a-z]+)([^`]*)`", row)
    assert match, row
    return match.group(1)


def test_the_table_lists_every_subcommand() -> None:
    from tests.cli.test_cli import subcommands

    assert {command_of(r) for r in ROWS} == set(subcommands())


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.split("`")[1][:40])
def test_each_command_in_the_table_runs_with_help_and_has_its_flags(row: str) -> None:
    usage = row.split("`")[1]
    done = newsbot(command_of(row), "--help")
    assert done.returncode == 0, done.stderr
    for flag in re.findall(r"--[a-z][a-z-]*", usage):
        assert flag in done.stdout, (
            f"{flag} of {usage!r} is not in newsbot {command_of(row)} --help"
        )


def test_the_first_command_shows_the_main_job_offline_and_the_live_one_follows(
    tmp_path: Path,
) -> None:
    block = README.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert commands[0].endswith("newsbot run --demo --dry-run")
    assert commands[1].endswith("newsbot run --job krnews-it --dry-run")
    done = newsbot("run", "--demo", "--dry-run", cwd=tmp_path)  # any folder, no network
    assert done.returncode == 0, done.stderr
    golden = GOLDEN / "2025-02-04-krnews-it-20250204.md"
    assert golden.read_text(encoding="utf-8") in done.stdout
    assert list(tmp_path.iterdir()) == []  # a dry run writes nothing


@pytest.mark.parametrize(
    "extra",
    [["--job", "krnews-it"], ["--date", "2025-02-04"], ["--replay", "x"], ["--publish"]],
)
def test_demo_refuses_what_it_cannot_honour(extra: list[str], tmp_path: Path) -> None:
    done = newsbot("run", "--demo", *extra, cwd=tmp_path)
    assert done.returncode == 64 and "--demo" in done.stderr and extra[0] in done.stderr
