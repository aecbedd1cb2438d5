"""The GitHub Actions workflows, parsed: least privilege, no overlap, no injection (S13)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text())
    if True in data:  # YAML 1.1 reads the key ``on`` as a boolean
        data["on"] = data.pop(True)
    return data


def steps(wf: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for job in wf["jobs"].values() for s in job["steps"]]


def test_both_workflows_exist() -> None:
    assert {p.name for p in WORKFLOWS} >= {"nightly.yml", "ci.yml"}


def test_nightly_schedule_is_utc_off_minute_after_1230_kst() -> None:
    wf = load("nightly.yml")
    (entry,) = wf["on"]["schedule"]
    minute, hour, *rest = entry["cron"].split()
    assert rest == ["*", "*", "*"]
    assert int(hour) == 3 and 30 <= int(minute) < 60  # 12:30-12:59 KST = 03:xx UTC
    assert int(minute) not in (0, 30)  # not on the busy top or half hour


def test_nightly_permissions_concurrency_timeout() -> None:
    """Catalogue: S13."""
    wf = load("nightly.yml")
    assert wf["permissions"] == {"contents": "write"}
    assert wf["concurrency"]["cancel-in-progress"] is False
    assert wf["concurrency"]["group"]
    for job in wf["jobs"].values():
        assert 0 < job["timeout-minutes"] <= 60


def test_nightly_date_input_reaches_shell_through_env_only() -> None:
    """Catalogue: S13."""
    wf = load("nightly.yml")
    assert "date" in wf["on"]["workflow_dispatch"]["inputs"]
    run_steps = [s for s in steps(wf) if "run" in s]
    assert any("inputs.date" in str(s.get("env", {})) for s in run_steps)
    for step in run_steps:
        assert "${{" not in step["run"], f"expression inside run: {step['run']!r}"
    assert any("--publish" in s["run"] and "newsbot" in s["run"] for s in run_steps)


def test_nightly_uses_pip_cache_keyed_on_pyproject() -> None:
    (setup,) = [
        s
        for s in steps(load("nightly.yml"))
        if s.get("uses", "").startswith("actions/setup-python@")
    ]
    assert setup["with"]["cache"] == "pip"
    assert setup["with"]["cache-dependency-path"] == "pyproject.toml"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_to_commit_shas(path: Path) -> None:
    """Catalogue: S13."""
    for step in steps(load(path.name)):
        if "uses" in step:
            assert SHA_PIN.match(step["uses"]), step["uses"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_secret_is_echoed(path: Path) -> None:
    """Catalogue: S13."""
    for step in steps(load(path.name)):
        assert "secrets." not in step.get("run", "")


def test_ci_runs_the_ci_script_read_only() -> None:
    """Catalogue: S13."""
    wf = load("ci.yml")
    assert wf["permissions"] == {"contents": "read"}
    assert any(s.get("run", "").strip() == "bash .ci/run" for s in steps(wf))
