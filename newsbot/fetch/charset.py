"""Turn page bytes into text without losing a character.

Order: BOM, then valid UTF-8, then the HTTP header, then ``<meta>``, then detection. A declared
label is widened to the superset browsers use (euc-kr → cp949, gb2312/gbk →
gb18030), and a declaration whose codec cannot decode the bytes is skipped,
so a lying header or meta falls through to the next candidate.

A page that is UTF-8 but for a stray byte or two (a truncated paste, one Latin-1 character
in a template) is read as UTF-8 with a replacement character there, as a browser would:
a detector would otherwise name some legacy codec and garble every other character.

Two lies decode without error and need more: a Latin-1 header (many servers'
default for any page) decodes every byte, so a single-byte declaration gives
way to a CJK codec that the page's ``<meta>`` or detection names and that
decodes; and when two CJK declarations both decode (gb18030 decodes nearly
anything), detection restricted to the two picks the one that reads as text.
"""

from __future__ import annotations

import codecs
import re

# Labels browsers treat as their superset (WHATWG Encoding Standard, w3lib).
WIDER = {
    "euc-kr": "cp949",
    "euc_kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "ksc5601": "cp949",
    "x-windows-949": "cp949",
    "windows-949": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "shift_jis": "cp932",
    "big5": "big5hkscs",
}
# Multi-byte East Asian codecs (after widening): a page that decodes in one of
# these without error is practically never in a single-byte codec.
CJK = frozenset({"cp949", "gb18030", "big5hkscs", "cp932", "euc_jp", "iso2022_jp"})
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
XML_DECL = re.compile(rb"^\s*<\?xml[^>]+encoding\s*=\s*[\"']([\w.:-]+)", re.I)
META_WINDOW = 16 * 1024
# valid multi-byte UTF-8 characters per invalid byte that make a page UTF-8 with slips;
# a legacy single-byte or CJK page has far fewer valid sequences than invalid bytes
MOSTLY = 8
REPLACEMENT = "\ufffd"


def normalize_label(label: str) -> str | None:
    """Python codec name for a charset label, widened; None if unknown."""
    label = label.strip().strip("\"'").lower()
    label = WIDER.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared(body: bytes, content_type: str = "") -> list[str]:
    """Codec names the response declares, in trust order (BOM, header, meta)."""
    found: list[str] = []
    for bom, name in BOMS:
        if body.startswith(bom):
            found.append(name)
    match = HEADER_CHARSET.search(content_type)
    if match:
        found.append(match.group(1))
    head = body[:META_WINDOW]
    for regex in (XML_DECL, META_CHARSET):
        m = regex.search(head)
        if m:
            found.append(m.group(1).decode("ascii", "replace"))
    names = [n for n in (normalize_label(f) for f in found) if n]
    return list(dict.fromkeys(names))


def decode(body: bytes, content_type: str = "") -> tuple[str, str]:
    """Decode ``body``; returns (text, codec name)."""
    candidates = declared(body, content_type)
    if _is_utf8(body):
        # Non-ASCII bytes that are valid UTF-8 are practically never an accident,
        # while a page re-saved as UTF-8 often keeps its old euc-kr <meta>.
        return _strip_bom(body.decode("utf-8")), "utf-8"
    if body.isascii():
        return body.decode("ascii"), candidates[0] if candidates else "utf-8"
    slipped = _mostly_utf8(body)
    if slipped is not None:
        return _strip_bom(slipped), "utf-8"
    fitting = [name for name in candidates if _decodes(body, name)]
    wide = [name for name in fitting if name in CJK]
    if len(wide) > 1:
        wide = [_detect(body, among=wide) or wide[0]]
    if wide:
        return _strip_bom(body.decode(wide[0])), wide[0]
    guess = _detect(body)
    if guess in CJK and _decodes(body, guess):
        return body.decode(guess), guess  # a single-byte declaration lied
    if fitting:
        return _strip_bom(body.decode(fitting[0])), fitting[0]
    if guess:
        return body.decode(guess, errors="replace"), guess
    fallback = candidates[0] if candidates else "utf-8"
    return body.decode(fallback, errors="replace"), fallback


def _decodes(body: bytes, name: str) -> bool:
    try:
        body.decode(name)
    except UnicodeDecodeError:
        return False
    return True


def _is_utf8(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mostly_utf8(body: bytes) -> str | None:
    """The text of bytes that are UTF-8 but for a few slips (``MOSTLY`` valid multi-byte
    characters per bad byte), one U+FFFD per slip; None for any other bytes."""
    text = body.decode("utf-8", errors="replace")
    replaced = text.count(REPLACEMENT)
    slips = replaced - body.count(REPLACEMENT.encode())  # the page's own U+FFFD is no slip
    wide = len(text) - len(body.decode("ascii", errors="ignore")) - replaced
    return text if slips > 0 and wide >= MOSTLY * slips else None


def _detect(body: bytes, among: list[str] | None = None) -> str | None:
    from charset_normalizer import from_bytes  # imported lazily: only odd pages need it

    best = from_bytes(body, cp_isolation=among).best()
    return normalize_label(best.encoding) if best else None


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text
