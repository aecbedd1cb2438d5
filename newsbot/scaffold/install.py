"""What the blog's workflow installs: where this newsbot came from, if a runner can get it.

newsbot is not on PyPI, and the ``newsbot`` there is another project, so the
workflow never installs a bare ``newsbot==VERSION``. pip records where it
installed a package from in ``direct_url.json`` (PEP 610): a VCS URL pinned to
its commit, or an http(s) archive, can be installed again on a runner; a local
file or folder cannot, and an install from an index records nothing.
"""

from __future__ import annotations

import json
import re
from importlib import metadata
from urllib.parse import urlsplit

from newsbot.errors import UsageError

# One token that is safe as a YAML plain scalar, inside a single-quoted Actions
# expression and as one shell word: no blanks, quotes, backslashes, `$`, `{`, `}`;
# a letter or digit first, so pip never reads it as an option.
SPEC = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~:/?#@&=+%,!*<>\[\]-]*")
MAX_SPEC = 500
# a requirement pip would take from PyPI's project "newsbot": someone else's code
PYPI_NEWSBOT = re.compile(r"(?i)newsbot\s*(\[[^\]]*\])?\s*([<>=!~].*)?")
EXAMPLE = "git+https://github.com/<you>/newsbot@v{version}"


def refusal(spec: str) -> str | None:
    """Why ``spec`` may not go into the workflow, or None."""
    if not spec:
        return "it is empty"
    if len(spec) > MAX_SPEC:
        return f"it is over {MAX_SPEC} characters"
    if PYPI_NEWSBOT.fullmatch(spec):
        return "that is PyPI's newsbot, another project (newsbot is not published on PyPI)"
    if not SPEC.fullmatch(spec):
        return (
            "it must be one word of letters, digits and . _ ~ : / ? # @ & = + % , ! * < > [ ] -"
            ", starting with a letter or digit (no blanks, quotes, $ or braces)"
        )
    return None


def check(spec: str) -> str:
    """``spec`` if it may go into the workflow, else UsageError (exit 64) saying why."""
    why = refusal(spec)
    if why is not None:
        raise UsageError(
            f"newsbot init --install {spec!r}: {why}; give a URL pip can install, "
            "e.g. git+https://github.com/<you>/newsbot@<tag or commit>"
        )
    return spec


def installed_from(dist: metadata.Distribution | None = None) -> str | None:
    """A pip spec for where this newsbot was installed from, if a runner can reach it."""
    if dist is None:
        try:
            dist = metadata.distribution("newsbot")
        except metadata.PackageNotFoundError:
            return None
    text = dist.read_text("direct_url.json")
    return from_direct_url(text) if text else None


def from_direct_url(text: str) -> str | None:
    """The pip spec a PEP 610 ``direct_url.json`` describes, or None when a runner could
    not install it: a local path, ssh, a URL with credentials, a VCS without its commit."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    url = data.get("url") if isinstance(data, dict) else None
    if not isinstance(url, str):
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or "@" in parts.netloc:
        return None  # file: is this machine's; ssh needs a key; never a credential
    fragment = []
    if isinstance(data.get("subdirectory"), str):
        fragment.append(f"subdirectory={data['subdirectory']}")
    vcs, archive = data.get("vcs_info"), data.get("archive_info")
    if isinstance(vcs, dict):
        kind, commit = vcs.get("vcs"), vcs.get("commit_id")
        if not (isinstance(kind, str) and isinstance(commit, str) and kind and commit):
            return None
        spec = f"{kind}+{url}@{commit}"  # the commit it was, not a branch that moves
    elif isinstance(archive, dict):
        spec, sha256 = url, _sha256(archive)
        if sha256 and not parts.fragment:
            fragment.append(f"sha256={sha256}")  # pip checks the archive against it
    else:
        return None  # dir_info: a folder on the machine that installed it
    if fragment and not parts.fragment:
        spec += "#" + "&".join(fragment)
    return spec if refusal(spec) is None else None


def _sha256(archive: dict[str, object]) -> str | None:
    hashes = archive.get("hashes")
    if isinstance(hashes, dict) and isinstance(hashes.get("sha256"), str):
        return str(hashes["sha256"])
    old = archive.get("hash")  # the older single "sha256=…" form
    if isinstance(old, str) and old.startswith("sha256="):
        return old.removeprefix("sha256=")
    return None
