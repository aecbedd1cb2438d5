"""The GitHub Actions workflows, parsed: the blog's (what ``newsbot init`` writes) and CI's.

Least privilege, no overlap, no injection (S13); each job at its own time; the
state store kept between nights; ``newsbot status`` after the push; keep-alive.
The shell of the blog workflow's steps is run by the real bash.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from newsbot.jobs import Job, load_jobs
from newsbot.scaffold import JOBS, workflow
from newsbot.scaffold.init import WORKFLOW, planned

ROOT = Path(__file__).resolve().parent.parent
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+(/[\w.-]+)?@[0-9a-f]{40}$")


def parse(text: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(text)
    if True in data:  # YAML 1.1 reads the key ``on`` as a boolean
        data["on"] = data.pop(True)
    return data


def blog_workflow(tmp_path: Path) -> dict[str, Any]:
    return parse(planned(tmp_path)[tmp_path / WORKFLOW])


def ci() -> dict[str, Any]:
    return parse((ROOT / ".github" / "workflows" / "ci.yml").read_text())


def steps(wf: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for job in wf["jobs"].values() for s in job["steps"]]


def named(wf: dict[str, Any], prefix: str) -> tuple[int, dict[str, Any]]:
    (found,) = [(i, s) for i, s in enumerate(steps(wf)) if s.get("name", "").startswith(prefix)]
    return found


def job(name: str, schedule: str | None, slug: str = "") -> Job:
    return Job.model_validate(
        {"name": name, "title": "t", "slug": slug or name, "schedule": schedule,
         "sources": [{"name": "naver", "section": "105"}]}
    )  # fmt: skip


def test_the_repository_has_ci_and_no_stale_nightly() -> None:
    names = {p.name for p in (ROOT / ".github" / "workflows").glob("*.yml")}
    assert names == {"ci.yml"}  # the nightly lives in the blog: `newsbot init` writes it


@pytest.mark.parametrize(
    ("kst", "utc"),
    [
        ("30 12 * * *", ["30 3 * * *"]),
        ("0 21 * * *", ["0 12 * * *"]),
        ("5 9 * * *", ["5 0 * * *"]),
        ("15 0 * * *", ["15 15 * * *"]),  # 00:15 KST is 15:15 UTC the day before
        ("0 8 * * mon-fri", ["0 23 * * sun,mon,tue,wed,thu"]),
        ("0 8 * * sun", ["0 23 * * sat"]),
        ("0 8,21 * * *", ["0 12 * * *", "0 23 * * *"]),
        ("*/30 */6 * * *", ["*/30 3,9 * * *", "*/30 15,21 * * *"]),
        ("0 12 1 * *", ["0 3 1 * *"]),
    ],
)
def test_kst_schedules_become_the_utc_crons_that_fire_at_the_same_instant(
    kst: str, utc: list[str]
) -> None:
    assert workflow.utc_crons(kst) == utc


def test_a_kst_day_boundary_across_a_day_of_month_is_refused() -> None:
    with pytest.raises(ValueError, match="by hand"):
        workflow.utc_crons("0 8 1 * *")


def test_each_job_has_its_own_cron_line_at_its_own_time(tmp_path: Path) -> None:
    wf = blog_workflow(tmp_path)
    crons = [e["cron"] for e in wf["on"]["schedule"]]
    shipped = load_jobs(JOBS)
    expected = [c for j in shipped for c in workflow.utc_crons(j.schedule or "")]
    assert crons == expected and len(set(crons)) == len(shipped) == 5
    assert "0 12 * * *" in crons  # ai-news at 21:00 KST, not with the 12:30 lists


def pick(wf: dict[str, Any], fired: str, asked: str = "") -> str:
    """Run the workflow's real "pick" step in bash; the jobs it chooses."""
    _, step = named(wf, "Pick the jobs")
    with_out = Path(os.environ.get("TMPDIR", "/tmp")) / f"gh-out-{os.getpid()}"
    env = {"PATH": os.environ["PATH"], "FIRED": fired, "ASKED": asked,
           "GITHUB_OUTPUT": str(with_out)}  # fmt: skip
    try:
        subprocess.run(["bash", "-c", step["run"]], env=env, check=True, timeout=10)
        return with_out.read_text().strip()
    finally:
        with_out.unlink(missing_ok=True)


def test_a_fired_cron_runs_only_its_jobs_and_a_manual_run_what_was_asked(
    tmp_path: Path,
) -> None:
    wf = blog_workflow(tmp_path)
    assert pick(wf, "0 12 * * *") == "jobs=ai-news"
    assert pick(wf, "30 3 * * *") == "jobs=krnews-it"
    assert pick(wf, "", "nate-it sina-tech") == "jobs=nate-it sina-tech"
    assert pick(wf, "") == "jobs="  # a manual run with no job: every job


def test_jobs_sharing_a_time_share_one_line_and_unscheduled_jobs_none() -> None:
    text = workflow.render(
        [job("a", "30 12 * * *"), job("b", "30 12 * * *"), job("c", None)], install="x"
    )
    wf = parse(text)
    assert [e["cron"] for e in wf["on"]["schedule"]] == ["30 3 * * *"]
    assert pick(wf, "30 3 * * *") == "jobs=a b"
    with pytest.raises(ValueError, match="no job has a schedule"):
        workflow.render([job("c", None)], install="x")


def test_state_store_restored_before_the_run_and_saved_whatever_happened(
    tmp_path: Path,
) -> None:
    wf = blog_workflow(tmp_path)
    restore_at, restore = named(wf, "Restore the state store")
    run_at, _ = named(wf, "Run and publish")
    save_at, save = named(wf, "Save the state store")
    assert restore["uses"].startswith("actions/cache/restore@")
    assert save["uses"].startswith("actions/cache/save@") and save["if"] == "always()"
    assert restore_at < run_at < save_at
    assert restore["with"]["path"] == save["with"]["path"] == ".newsbot-state.sqlite"
    # a rolling key: each run saves a new entry, the next restores the newest by prefix
    assert "github.run_id" in save["with"]["key"] == restore["with"]["key"]
    assert restore["with"]["restore-keys"] == "newsbot-state-"
    assert not any("reindex" in s.get("run", "") for s in steps(wf))  # the store is kept


def test_status_runs_after_the_push_and_fails_the_run(tmp_path: Path) -> None:
    wf = blog_workflow(tmp_path)
    run_at, run = named(wf, "Run and publish")
    status_at, status = named(wf, "Check every source's health")
    fail_at, fail = named(wf, "Fail when the run failed")
    assert "--publish" in run["run"] and "|| code=$?" in run["run"]  # the push happens first
    assert run_at < status_at < fail_at
    assert status["run"].strip() == "newsbot status" and status["if"] == "always()"
    assert "steps.run.outputs.code != '0'" in fail["if"]


def test_keep_alive_reenables_this_workflow_through_the_api(tmp_path: Path) -> None:
    wf = blog_workflow(tmp_path)
    _, step = named(wf, "Keep the schedule alive")
    assert wf["permissions"] == {"contents": "write", "actions": "write"}
    assert step["if"] == "always()" and "/enable" in step["run"] and "gh api -X PUT" in step["run"]
    file = "${WORKFLOW_REF%@*}"
    ref = "me/blog/.github/workflows/newsbot.yml@refs/heads/main"
    done = subprocess.run(
        ["bash", "-c", f'WORKFLOW_REF={ref}; file="{file}"; echo "${{file##*/}}"'],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert done.stdout.strip() == "newsbot.yml"


def test_permissions_concurrency_timeout(tmp_path: Path) -> None:
    """Catalogue: S13."""
    wf = blog_workflow(tmp_path)
    assert wf["concurrency"]["cancel-in-progress"] is False and wf["concurrency"]["group"]
    for each in wf["jobs"].values():
        assert 0 < each["timeout-minutes"] <= 60


def test_inputs_reach_the_shell_through_env_only(tmp_path: Path) -> None:
    """Catalogue: S13."""
    wf = blog_workflow(tmp_path)
    assert {"date", "job"} <= set(wf["on"]["workflow_dispatch"]["inputs"])
    run_steps = [s for s in steps(wf) if "run" in s]
    envs = " ".join(str(s.get("env", {})) for s in run_steps)
    assert "inputs.date" in envs and "inputs.job" in envs
    for step in run_steps:
        assert "${{" not in step["run"], f"expression inside run: {step['run']!r}"
        assert "secrets." not in step["run"]
        subprocess.run(["bash", "-n", "-c", step["run"]], check=True)  # valid bash


def test_run_step_passes_job_names_as_words_never_globbed(tmp_path: Path) -> None:
    """A job input of ``*`` or ``a;b`` reaches newsbot as one argument each, unexpanded."""
    wf = blog_workflow(tmp_path)
    _, run = named(wf, "Run and publish")
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "newsbot").write_text('#!/bin/sh\nfor a in "$@"; do echo "<$a>"; done\n')
    (fake / "newsbot").chmod(0o755)
    (tmp_path / "decoy").write_text("")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t",
                    "commit", "-q", "--allow-empty", "-m", "x"], check=True)  # fmt: skip
    env = {"PATH": f"{fake}:{os.environ['PATH']}", "JOBS": "* a;b", "NEWSBOT_DATE": "",
           "GITHUB_OUTPUT": str(tmp_path / "out")}  # fmt: skip
    done = subprocess.run(
        ["bash", "-c", run["run"]], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "<--job>\n<*>\n<--job>\n<a;b>" in done.stdout
    assert (tmp_path / "out").read_text() == "code=0\n"


@pytest.mark.parametrize("which", ["blog", "ci"])
def test_actions_are_pinned_to_commit_shas(which: str, tmp_path: Path) -> None:
    """Catalogue: S13."""
    wf = blog_workflow(tmp_path) if which == "blog" else ci()
    for step in steps(wf):
        if "uses" in step:
            assert SHA_PIN.match(step["uses"]), step["uses"]


def test_ci_runs_the_ci_script_read_only() -> None:
    """Catalogue: S13."""
    wf = ci()
    assert wf["permissions"] == {"contents": "read"}
    assert any(s.get("run", "").strip() == "bash .ci/run" for s in steps(wf))


HOSTILE_NAMES = ["My Job", 'x"; id; echo "', "x';id;'", "$(id)", "`id`", "a\nb", "-rf", "", "ü"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_job_name_that_is_not_one_plain_word_never_reaches_the_workflow(name: str) -> None:
    """Loading refuses such a name first (tests/cli/test_jobs_refused.py); the workflow
    refuses it again, for a Job made some other way."""
    with pytest.raises(ValueError, match="must be one word"):
        job(name, "30 12 * * *", "b")

    def unchecked(schedule: str | None) -> Job:
        return job("placeholder", schedule, "b").model_copy(update={"name": name})

    with pytest.raises(ValueError, match="cannot go into the workflow"):
        workflow.render([job("ok", "30 12 * * *"), unchecked("30 12 * * *")], install="x")
    with pytest.raises(ValueError, match="cannot go into the workflow"):  # unscheduled too
        workflow.render([job("ok", "30 12 * * *"), unchecked(None)], install="x")


@pytest.mark.parametrize(
    "schedule", ['0 8 * * "$(id)"', "0 8 * * mon;id", "0 8 * *", "0 8 `id` * *"]
)
def test_a_schedule_field_that_is_not_cron_never_reaches_the_workflow(schedule: str) -> None:
    with pytest.raises(ValueError, match="cron fields"):
        workflow.utc_crons(schedule)


def test_plain_names_with_dots_dashes_and_underscores_are_picked_whole() -> None:
    both = [job("a.b_c-1", "30 12 * * *", "a"), job("Z9", "30 12 * * *", "z")]
    wf = parse(workflow.render(both, install="x"))
    assert pick(wf, "30 3 * * *") == "jobs=a.b_c-1 Z9"
