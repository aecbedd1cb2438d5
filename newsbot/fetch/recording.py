"""Record a run's HTTP responses to a directory and replay them with no network.

Both are httpx transports, so they sit below ``fetch.Fetcher`` and see every
request exactly as sent (after ``host_map``). Layout of a recording ``DIR``::

    DIR/index.json            {"format": "newsbot-recording/1", "recorded_at": ISO time,
                               "day": "YYYY-MM-DD", "entries": [...]}, in arrival order
    DIR/bodies/<key>.<ext>    the body bytes (content-encoding already undone)

An entry is ``{"method", "url", "status", "headers": ["name: value", ...], "body",
"bytes", "sha1"}``, or ``{"method", "url", "error", "message"}`` when the request
raised a transport error (replayed as the same httpx exception; a request cut off by
the fetch deadline is kept as a ``ReadTimeout``). ``<key>`` is the
first 16 hex digits of sha1("METHOD URL"), plus ``-2``, ``-3``… for later answers to
the same URL; ``<ext>`` comes from the content type. Replay answers the n-th request
for a URL with the n-th recorded answer (the last one repeats). A URL that is not
in the recording raises an ``httpx.ConnectError`` saying so, which the
fetch layer reports as that source being ``unreachable``; nothing touches the network.
``recorded_at`` is the run's clock and ``day`` the day it posted for; a replay runs at
that time for that day, so it asks for the same URLs (today's page vs a date archive)
and dates its posts the same. A recording holds no secret: URLs (and ``<key>``),
header values and messages are stored redacted (userinfo, ``token=``… become
``***``), and replay matches a request by its redacted URL, so it still finds them.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx

from newsbot.errors import RecordingError, UsageError
from newsbot.redact import redact

FORMAT = "newsbot-recording/1"
# Headers that describe the wire encoding, not the stored (decoded) body.
WIRE_HEADERS = {"content-encoding", "content-length", "transfer-encoding"}
EXTENSIONS = {
    "html": ".html",
    "json": ".json",
    "xml": ".xml",
    "javascript": ".js",
    "text/plain": ".txt",
    "css": ".css",
}


def body_key(method: str, url: str) -> str:
    """Stable file stem for the answers to ``method url``."""
    return hashlib.sha1(f"{method} {url}".encode()).hexdigest()[:16]


def extension(content_type: str) -> str:
    """File extension for a body of ``content_type`` (``.bin`` when unknown)."""
    lowered = content_type.lower()
    return next((ext for key, ext in EXTENSIONS.items() if key in lowered), ".bin")


class RecordingTransport(httpx.AsyncBaseTransport):
    """Pass requests to ``inner`` and save every answer (or transport error) in ``directory``."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        directory: Path | str,
        *,
        recorded_at: datetime | None = None,
        day: date | None = None,
    ) -> None:
        self.inner = inner
        self.directory = Path(directory)
        self.recorded_at = recorded_at
        self.day = day
        self.entries: list[dict[str, Any]] = []
        self._counts: dict[str, int] = {}
        try:
            _clear(self.directory)
            (self.directory / "bodies").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RecordingError(f"cannot record to {self.directory}: {exc}") from None
        self._save_index()  # an empty recording exists even if the run dies at once

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        method, url = request.method, redact(str(request.url))
        try:
            response = await self.inner.handle_async_request(request)
            body = await _read_decoded(response, request)
        except httpx.TransportError as exc:
            message = redact(str(exc))
            self._add(
                {"method": method, "url": url, "error": type(exc).__name__, "message": message}
            )
            raise
        except asyncio.CancelledError:  # the fetch deadline ran out: replay it as a timeout
            self._add(
                {
                    "method": method,
                    "url": url,
                    "error": "ReadTimeout",
                    "message": "cancelled by the run's deadline while recording",
                }
            )
            raise
        headers = [
            (k, v) for k, v in response.headers.multi_items() if k.lower() not in WIRE_HEADERS
        ]
        stored = [(k, redact(v)) for k, v in headers]  # a Location may carry a token
        name = self._body_name(method, url, headers)
        try:
            (self.directory / name).write_bytes(body)
        except OSError as exc:
            raise RecordingError(f"cannot record to {self.directory}: {exc}") from None
        self._add(
            {
                "method": method,
                "url": url,
                "status": response.status_code,
                "headers": [f"{k}: {v}" for k, v in stored],
                "body": name,
                "bytes": len(body),
                "sha1": hashlib.sha1(body).hexdigest(),
            }
        )
        return httpx.Response(response.status_code, headers=headers, content=body, request=request)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def _body_name(self, method: str, url: str, headers: list[tuple[str, str]]) -> str:
        key = body_key(method, url)
        self._counts[key] = count = self._counts.get(key, 0) + 1
        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        suffix = f"-{count}" if count > 1 else ""
        return f"bodies/{key}{suffix}{extension(content_type)}"

    def _add(self, entry: dict[str, Any]) -> None:
        self.entries.append(entry)
        self._save_index()

    def _save_index(self) -> None:
        stamp = self.recorded_at.isoformat() if self.recorded_at else None
        day = self.day.isoformat() if self.day else None
        data = {"format": FORMAT, "recorded_at": stamp, "day": day, "entries": self.entries}
        text = json.dumps(data, ensure_ascii=False, indent=2)
        tmp = self.directory / "index.json.tmp"
        try:
            tmp.write_text(text + "\n", encoding="utf-8")
            tmp.replace(self.directory / "index.json")
        except OSError as exc:
            raise RecordingError(f"cannot record to {self.directory}: {exc}") from None


class ReplayTransport(httpx.AsyncBaseTransport):
    """Answer requests from a recording made by ``RecordingTransport``; never the network."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        data = load_index(self.directory)
        try:
            stamp, day = data.get("recorded_at"), data.get("day")
            self.recorded_at = datetime.fromisoformat(stamp) if stamp else None
            self.day = date.fromisoformat(day) if day else None
        except (TypeError, ValueError) as exc:
            message = f"recording {self.directory}: bad recorded_at or day ({exc})"
            raise UsageError(message) from None
        entries: list[dict[str, Any]] = data.get("entries", [])
        self._answers: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for entry in entries:
            self._answers.setdefault((entry["method"], entry["url"]), []).append(entry)
        # checked now, so a broken recording is refused before anything is fetched
        bodies = [_body_path(self.directory, e) for e in entries if "error" not in e]
        missing = [str(p.relative_to(self.directory)) for p in bodies if not p.is_file()]
        if missing:
            more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
            raise UsageError(
                f"recording {self.directory} is incomplete: {missing[0]}{more} missing"
            )
        self._served: dict[tuple[str, str], int] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = (request.method, redact(str(request.url)))  # as it was stored
        answers = self._answers.get(key)
        if not answers:
            raise httpx.ConnectError(
                f"{key[0]} {key[1]} is not in the recording {self.directory} "
                "(replay never uses the network)",
                request=request,
            )
        n = self._served.get(key, 0)
        self._served[key] = n + 1
        entry = answers[min(n, len(answers) - 1)]
        if "error" in entry:
            error = getattr(httpx, entry["error"], httpx.TransportError)
            if not (isinstance(error, type) and issubclass(error, httpx.TransportError)):
                error = httpx.TransportError
            raise error(entry["message"], request=request)
        try:
            body = _body_path(self.directory, entry).read_bytes()
        except OSError as exc:  # gone since the start: this request fails, not the run
            message = f"recording {self.directory}: body unreadable ({exc})"
            raise httpx.ReadError(message, request=request) from None
        headers = [tuple(h.split(": ", 1)) for h in entry["headers"]]
        return httpx.Response(entry["status"], headers=headers, content=body, request=request)


def load_index(directory: Path) -> dict[str, Any]:
    """The index of the recording in ``directory``; UsageError when there is none."""
    path = directory / "index.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"no recording at {directory} ({path.name} is missing)") from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"recording {path} is unreadable: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UsageError(f"recording {path} is not in the {FORMAT} format")
    return data


async def _read_decoded(response: httpx.Response, request: httpx.Request) -> bytes:
    """The whole body with any content-encoding undone, so it is stored readable."""
    response.request = request
    try:
        return await response.aread()
    finally:
        await response.aclose()


def _clear(directory: Path) -> None:
    """Remove an earlier recording's files from ``directory`` (only the ones it lists)."""
    index = directory / "index.json"
    if not index.is_file():
        return
    for entry in load_index(directory).get("entries", []):
        if "body" in entry:
            _body_path(directory, entry).unlink(missing_ok=True)
    index.unlink()


def _body_path(directory: Path, entry: dict[str, Any]) -> Path:
    """The body file of ``entry``; refuses names that leave ``directory/bodies``."""
    name = str(entry["body"])
    if not name.startswith("bodies/") or ".." in name or "\\" in name:
        raise UsageError(f"recording {directory}: bad body file name {name!r}")
    return directory / name
