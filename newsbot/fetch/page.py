"""The fetch layer's product: a page's bytes, decoded to text on first use."""

from __future__ import annotations

from newsbot.fetch.charset import declared, decode


class Page:
    """A fetched page. ``url`` is the logical URL (before any host_map).

    Made from ``text`` (already decoded) or from ``body`` (the bytes as served). From
    bytes, the text is decoded on first use (``fetch.charset``), and an HTML parser
    may read the bytes directly as UTF-8 (``markup``): that skips a decode and an
    encode per page, and ``sources.parse_page`` re-reads the page through the
    charset chain if they were not UTF-8 after all (U+FFFD in the items).
    """

    __slots__ = (
        "_encoding",
        "_text",
        "_wide",
        "body",
        "content_type",
        "read_as_utf8",
        "status",
        "url",
    )

    def __init__(
        self,
        url: str,
        text: str | None = None,
        status: int = 200,
        encoding: str | None = None,
        content_type: str = "",
        *,
        body: bytes = b"",
    ) -> None:
        self.url = url
        self.status = status
        self.content_type = content_type
        self.body = body
        self._text = text if text is not None or body else ""
        self._encoding = encoding or ("utf-8" if self._text is not None else None)
        self._wide: bool | None = None  # declared UTF-16/32: bytes that are not ASCII-based
        self.read_as_utf8 = False  # ``markup`` handed a parser the undecoded bytes

    @property
    def text(self) -> str:
        if self._text is None:
            self._text, self._encoding = decode(self.body, self.content_type)
        return self._text

    @property
    def encoding(self) -> str:
        if self._encoding is None:
            self.text  # noqa: B018 - decoding settles the encoding
        return self._encoding or "utf-8"

    @property
    def optimistic(self) -> bool:
        """True while the bytes are handed to parsers as UTF-8 without a decode."""
        if self._text is not None:
            return False
        if self._wide is None:
            # Valid UTF-8 wins over any declaration (charset.decode), so only a codec that
            # is not ASCII-compatible rules the fast path out.
            self._wide = any(
                name.startswith(("utf-16", "utf-32"))
                for name in declared(self.body, self.content_type)
            )
        return not self._wide

    @property
    def markup(self) -> str | bytes:
        """What an HTML parser should read: the bytes if ``optimistic``, else the text."""
        if self.optimistic:
            self.read_as_utf8 = True
            return self.body
        return self.text

    def decoded(self) -> Page:
        """The same page with its text decoded through the full charset chain."""
        return Page(self.url, self.text, self.status, self.encoding, self.content_type)

    def __repr__(self) -> str:
        return f"Page({self.url!r}, status={self.status})"
