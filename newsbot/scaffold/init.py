"""``newsbot init [DIR]``: set a blog checkout up for newsbot, without questions.

Writes ``newsbot.toml``, ``jobs/`` (the built-in job files, the cron wrapper, a
crontab for this folder and ``examples/``), ``.github/workflows/newsbot.yml``
(generated from the jobs) and newsbot's lines in ``.gitignore``. A file that exists
is never overwritten unless ``force``; then nothing at all is written.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from newsbot import config
from newsbot.config import DEFAULT_CONFIG_FILE, Config
from newsbot.errors import UsageError
from newsbot.jobs import load_job, load_jobs
from newsbot.scaffold import CRON_WRAPPER, CRONTAB, JOBS, TEMPLATES, install, workflow

WORKFLOW = Path(".github/workflows/newsbot.yml")
CRONTAB_HOME = "/home/newsbot/newsbot"  # the shipped crontab's placeholder folder
WRITTEN_SPEC = re.compile(r"^  NEWSBOT_PIP: \$\{\{ vars\.NEWSBOT_PIP \|\| '([^'\n]*)' \}\}$", re.M)


@dataclass(frozen=True)
class Install:
    """What the workflow installs and why: ``spec`` "" when nothing usable is known."""

    spec: str
    origin: str  # "--install", "installed", "kept" (from the workflow it replaces) or ""


def choose_install(given: str | None, old_workflow: Path) -> Install:
    """``--install`` if given; else where this newsbot was installed from, if a runner
    can reach it; else the spec the workflow being replaced had; else nothing."""
    if given is not None:
        return Install(install.check(given), "--install")
    found = install.installed_from()
    if found:
        return Install(found, "installed")
    old = old_workflow.read_text(encoding="utf-8") if old_workflow.is_file() else ""
    match = WRITTEN_SPEC.search(old)
    if match and install.refusal(match.group(1)) is None:  # never PyPI's newsbot
        return Install(match.group(1), "kept")
    return Install("", "")


@dataclass(frozen=True)
class Written:
    """What ``init`` did: the files it wrote and whether .gitignore got lines."""

    root: Path
    files: tuple[Path, ...]
    gitignore: str  # "created", "extended" or "" (already had every line)
    install: Install  # what the workflow installs


def init(
    target: Path, *, force: bool = False, workflow_only: bool = False, spec: str | None = None
) -> Written:
    """Write the scaffold into ``target``; UsageError (nothing written) if a file exists.

    ``workflow_only``: (re)write just the workflow, generated from ``target``'s own
    ``jobs/`` (the built-in jobs if it has none); it is generated, so it is replaced.
    ``spec``: what the workflow installs (``--install``); see ``choose_install``.
    """
    existing = next(p for p in (target, *target.absolute().parents) if p.exists())
    if not existing.is_dir():
        raise UsageError(f"newsbot init: {existing} is a file, not a directory")
    chosen = choose_install(spec, target / WORKFLOW)
    if workflow_only:
        path = target / WORKFLOW
        _write(path, workflow_for(target, chosen.spec), executable=False)
        return Written(target, (path,), "", chosen)
    files = planned(target, chosen.spec)
    taken = sorted(str(p) for p in files if p.exists() or p.is_symlink())
    if taken and not force:
        raise UsageError(
            "newsbot init: would overwrite " + ", ".join(taken) + "; nothing written "
            "(--force overwrites them)"
        )
    for path, text in files.items():
        _write(path, text, executable=path.name == CRON_WRAPPER.name)
    return Written(target, tuple(files), _gitignore(target), chosen)


def planned(target: Path, spec: str = "") -> dict[Path, str]:
    """Every file ``init`` writes into ``target``, with its text; the workflow installs
    ``spec`` ("": nothing, until the repository variable NEWSBOT_PIP is set)."""
    jobs = load_jobs(JOBS)
    root = str(target.resolve())
    out = {target / "newsbot.toml": _template("newsbot.toml").replace("@branch@", _branch(target))}
    for job in sorted(JOBS.glob("*.toml")):
        out[target / "jobs" / job.name] = job.read_text(encoding="utf-8")
    for job in sorted((JOBS / "examples").glob("*.toml")):  # to try; not in jobs/, not nightly
        out[target / "jobs" / "examples" / job.name] = job.read_text(encoding="utf-8")
    out[target / "jobs" / CRON_WRAPPER.name] = CRON_WRAPPER.read_text(encoding="utf-8")
    crontab = CRONTAB.read_text(encoding="utf-8").replace(CRONTAB_HOME, root)
    out[target / "jobs" / CRONTAB.name] = crontab
    out[target / WORKFLOW] = workflow.render(jobs, install=spec)
    return out


def workflow_for(target: Path, spec: str = "") -> str:
    """The workflow for the jobs in ``target/jobs`` (the built-in ones if there are none),
    read under ``target/newsbot.toml`` when there is one."""
    own, settings = target / "jobs", target / DEFAULT_CONFIG_FILE
    cfg = config.load(settings) if settings.is_file() else None
    folder = own if any(own.glob("*.toml")) else JOBS
    jobs = load_jobs(folder, config=cfg)
    for job in jobs:  # a name goes into the workflow's shell: refused, naming its file
        why = workflow.name_refusal(job.name)
        if why is not None:
            raise UsageError(f"newsbot init --workflow: {_file_of(folder, job.name, cfg)}: {why}")
    try:
        return workflow.render(jobs, install=spec)
    except ValueError as exc:
        raise UsageError(f"newsbot init --workflow: {exc}") from None


def _file_of(folder: Path, name: str, cfg: Config | None) -> Path:
    """The job file in ``folder`` whose job is called ``name``."""
    paths = sorted(folder.glob("*.toml"))
    return next((p for p in paths if load_job(p, config=cfg).name == name), folder)


def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def _branch(target: Path) -> str:
    """The checkout's current branch (the one publishing must stay on), else main."""
    try:
        done = subprocess.run(
            ["git", "-C", str(target), "symbolic-ref", "--short", "-q", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "main"
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else "main"


def _write(path: Path, text: str, *, executable: bool) -> None:
    """Write ``path`` whole or not at all (a temp file renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.newsbot-init.tmp")
    tmp.write_text(text, encoding="utf-8")
    if executable:
        tmp.chmod(0o755)
    os.replace(tmp, path)


def _gitignore(target: Path) -> str:
    """Add newsbot's .gitignore lines that are missing; what was done."""
    path = target / ".gitignore"
    lines = _template("gitignore").splitlines()
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    have = set(old.splitlines())
    missing = [line for line in lines if line not in have and not line.startswith("#")]
    if not missing:
        return ""
    head = [lines[0]] if lines[0] not in have else []
    sep = "" if not old or old.endswith("\n") else "\n"
    path.write_text(old + sep + "\n".join([*head, *missing]) + "\n", encoding="utf-8")
    return "extended" if old else "created"
