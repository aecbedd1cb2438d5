"""The ``git`` CLI, run for publishing: an author, no prompts, a deadline, no secret shown.

Why subprocess and not GitPython: the git CLI is what a human would run to
debug a failed publish, its error texts are the ones in the docs, and we need
only a dozen commands.

Every command runs in its own session (process group) and gets what is left of
the publish budget as its timeout; when that runs out the whole group is killed,
so a hanging remote leaves no ``git-remote-http`` or ``ssh`` behind. Without a
controlling terminal, ssh cannot stop to ask for a passphrase either.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import os
import signal
import subprocess
import time
from pathlib import Path

from newsbot.config import PublishConfig
from newsbot.errors import PublishError
from newsbot.redact import redact

__all__ = ["Git", "identity", "redact"]

ACTIONS_BOT = ("github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com")
FALLBACK_AUTHOR = ("newsbot", "newsbot@localhost")


class Git:
    """Runs ``git -C repo …`` until ``deadline`` (``time.monotonic``); PublishError on failure."""

    def __init__(self, repo: Path, cfg: PublishConfig, *, deadline: float | None = None) -> None:
        self.repo = repo
        self.budget = cfg.timeout
        self.deadline = time.monotonic() + cfg.timeout if deadline is None else deadline
        self.secrets: list[str] = []
        self.env = dict(os.environ)
        self.env.update(GIT_TERMINAL_PROMPT="0", GIT_EDITOR="true", LC_ALL="C")
        token = os.environ.get(cfg.token_env, "")
        if token and (cfg.url or "").startswith("https://"):
            # Passed in the environment (not argv, not the remote URL): git sends it as a
            # header and never writes it into .git/config or its messages.
            basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
            self.env.update(
                GIT_CONFIG_COUNT="1",
                GIT_CONFIG_KEY_0="http.extraHeader",
                GIT_CONFIG_VALUE_0=f"Authorization: Basic {basic}",
            )
            self.secrets = [token, basic]

    def run(
        self,
        *args: str,
        check: bool = True,
        stdin: str | None = None,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """Run one git command; its output, or PublishError (redacted) when ``check``."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise PublishError(f"git {args[0]}: the publish budget of {self.budget:g} s is spent")
        cmd = ["git", "-C", str(self.repo), *args]
        try:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**self.env, **(env or {})},
                start_new_session=True,
            )
        except FileNotFoundError:
            raise PublishError("the git command is not installed") from None
        out, err = _communicate(proc, stdin, left, f"git {args[0]}", self.budget)
        done = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
        if check and done.returncode != 0:
            raise PublishError(f"git {args[0]} failed: {self.redact(err.strip())}")
        return done

    def entries(self, commit: str, paths: list[str]) -> dict[str, tuple[str, str]]:
        """path → (mode, blob id) in ``commit``'s tree, for those of ``paths`` it has."""
        if not paths:
            return {}
        out = self.run("ls-tree", "-r", "-z", "--full-tree", commit, "--", *paths).stdout
        found = {}
        for entry in filter(None, out.split("\0")):
            meta, _, path = entry.partition("\t")
            mode, _kind, blob = meta.split()
            found[path] = (mode, blob)
        return found

    def fresh(self, seconds: float) -> Git:
        """The same git (author, token) with ``seconds`` of its own, for cleaning up."""
        other = copy.copy(self)
        other.env = dict(self.env)
        other.deadline = time.monotonic() + seconds
        return other

    def out(self, *args: str) -> str:
        """The stripped stdout of a git command that must succeed."""
        return self.run(*args).stdout.strip()

    def ok(self, *args: str) -> bool:
        """Whether a git command (a question such as ``merge-base --is-ancestor``) says yes."""
        return self.run(*args, check=False).returncode == 0

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return redact(text)

    def author(self, cfg: PublishConfig) -> None:
        """Commit as ``cfg``'s author, else as :func:`identity` finds it."""
        name, email = identity(self, cfg)
        self.env.update(
            GIT_AUTHOR_NAME=name,
            GIT_AUTHOR_EMAIL=email,
            GIT_COMMITTER_NAME=name,
            GIT_COMMITTER_EMAIL=email,
        )


def identity(git: Git, cfg: PublishConfig) -> tuple[str, str]:
    """The configured author; on GitHub Actions its bot; else git's own user; else newsbot."""
    if cfg.author_name and cfg.author_email:
        return cfg.author_name, cfg.author_email
    if os.environ.get("GITHUB_ACTIONS") == "true":
        found = ACTIONS_BOT
    else:
        name = git.run("config", "--get", "user.name", check=False).stdout.strip()
        email = git.run("config", "--get", "user.email", check=False).stdout.strip()
        found = (name, email) if name and email else FALLBACK_AUTHOR
    return cfg.author_name or found[0], cfg.author_email or found[1]


def _communicate(
    proc: subprocess.Popen[str], stdin: str | None, left: float, what: str, budget: float
) -> tuple[str, str]:
    """Wait for ``proc`` at most ``left`` seconds; on timeout (or any interruption) kill its
    whole process group, so the helpers git started (remote-http, ssh) go too."""
    try:
        return proc.communicate(stdin, timeout=left)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise PublishError(
            f"{what} did not finish within the publish budget ({budget:g} s, [publish] "
            "timeout); it was stopped with every process it started"
        ) from None
    except BaseException:
        _kill_group(proc)
        raise


def _kill_group(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    try:
        proc.communicate(timeout=5)
    except subprocess.TimeoutExpired:  # a helper outside the group still holds a pipe
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
        proc.wait()
