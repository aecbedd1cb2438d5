"""newsbot's TOML files (``newsbot.toml``, job files) read with errors a user can act on,
their relative paths anchored to the file's folder, and flags merged on top."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from newsbot.errors import UsageError

UTF8_BOM = b"\xef\xbb\xbf"


def read(path: Path, error: type[UsageError], what: str) -> dict[str, Any]:
    """The parsed file; ``error`` (exit 64) naming ``what`` and ``path`` if it cannot be."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise error(f"{what} {path} not found") from None
    except IsADirectoryError:
        raise error(f"{what} {path} is a directory, not a file") from None
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    try:  # an editor's UTF-8 byte order mark is no reason to refuse the file
        text = raw.removeprefix(UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{path} is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path} is not valid TOML: {exc}") from None


def anchor(
    data: dict[str, Any], base: Path, keys: Mapping[tuple[str, str], str | None]
) -> dict[str, Any]:
    """``data`` with the relative paths at ``keys`` (table, key), and the defaults given
    for the unset ones, under ``base``."""
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in data.items()}
    for (table, key), default in keys.items():
        section = out.get(table, {})
        if not isinstance(section, dict):
            continue  # the validator names the wrong type
        value = section.get(key, default)
        if isinstance(value, str):
            section[key] = str(base / Path(value).expanduser())
            out[table] = section
    return out


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``extra`` on top: tables merge, other values replace."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out
