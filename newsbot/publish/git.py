"""The ``git`` CLI, run for publishing: author, no prompts, secrets kept out of every message.

Why subprocess and not GitPython: the git CLI is what a human would run to
debug a failed publish, its error texts are the ones in the docs, and we need
only a dozen commands.
"""

from __future__ import annotations

import base64
import os
import subprocess
from pathlib import Path

from newsbot.config import PublishConfig
from newsbot.errors import PublishError
from newsbot.redact import redact


class Git:
    """Runs ``git -C repo …``; raises PublishError with redacted stderr on failure."""

    def __init__(self, repo: Path, cfg: PublishConfig) -> None:
        self.repo = repo
        self.secrets: list[str] = []
        self.env = dict(os.environ)
        self.env.update(
            GIT_AUTHOR_NAME=cfg.author_name,
            GIT_AUTHOR_EMAIL=cfg.author_email,
            GIT_COMMITTER_NAME=cfg.author_name,
            GIT_COMMITTER_EMAIL=cfg.author_email,
            GIT_TERMINAL_PROMPT="0",  # fail, never hang on a password prompt
            GIT_EDITOR="true",
            LC_ALL="C",  # stable messages to match on
        )
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

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        try:
            proc = subprocess.run(
                ["git", "-C", str(self.repo), *args],
                capture_output=True,
                text=True,
                env=self.env,
                check=False,
                timeout=300,
            )
        except FileNotFoundError:
            raise PublishError("the git command is not installed") from None
        except subprocess.TimeoutExpired:
            raise PublishError(f"git {args[0]} timed out after 300 s") from None
        if check and proc.returncode != 0:
            raise PublishError(f"git {args[0]} failed: {self.redact(proc.stderr.strip())}")
        return proc

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return redact(text)

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.strip()
