"""The commit message: a subject of at most 72 characters, a blank line, a line per post."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from newsbot.publish.message import SUBJECT_MAX, Entry, commit_message


def entry(day: int, job: str, added: int | None) -> Entry:
    return Entry(f"_posts/{job}-{day}.md", date(2026, 11, day), job, added)


def test_the_shape_of_a_message() -> None:
    message = commit_message(
        [
            entry(28, "krnews-it", 13),
            entry(28, "sina-tech", 10),
            entry(28, "ai-news", 4),
            entry(28, "nate-it", 0),
        ]
    )
    assert message == (
        "newsbot: 2026-11-28, 4 posts (+27 articles)\n\n"
        "2026-11-28 krnews-it (+13)\n"
        "2026-11-28 sina-tech (+10)\n"
        "2026-11-28 ai-news (+4)\n"
        "2026-11-28 nate-it (+0)\n"
    )


def test_posts_left_by_an_earlier_run_are_named_and_not_counted() -> None:
    message = commit_message([entry(27, "nate-it", None), entry(28, "krnews-it", 1)])
    assert message.splitlines()[0] == "newsbot: 2026-11-27..2026-11-28, 2 posts (+1 article)"
    assert "2026-11-27 nate-it (left by an earlier run)" in message
    only_old = commit_message([entry(27, "nate-it", None)])
    assert only_old.splitlines()[0] == "newsbot: 2026-11-27, 1 post"


jobs = st.from_regex(r"[a-z0-9][a-z0-9-]{0,80}", fullmatch=True)
entries = st.lists(
    st.builds(
        entry,
        st.integers(1, 30),
        jobs,
        st.one_of(st.none(), st.integers(0, 10**9)),
    ),
    min_size=1,
    max_size=400,
)


@given(entries)
def test_any_message_keeps_its_shape(got: list[Entry]) -> None:
    lines = commit_message(got).splitlines()
    assert len(lines[0]) <= SUBJECT_MAX and lines[0].startswith("newsbot: 2026-11-")
    assert lines[1] == "" and len(lines) == len(got) + 2
    counted = [e.added for e in got if e.added is not None]
    if counted:
        assert f"(+{sum(counted)} article" in lines[0]
