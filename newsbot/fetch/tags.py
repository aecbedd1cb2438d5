"""The element categories of the HTML standard's tree builder that decide nesting.

Names are lower-case bytes as the tokenizer reads them. SVG and MathML elements are
named ``svg:NAME`` and ``math:NAME`` on the stack, so the HTML integration points
(where content is HTML again) are told apart from HTML elements of the same name.
"""

from __future__ import annotations

import re


def names(text: str) -> frozenset[bytes]:
    return frozenset(text.encode().split())


VOID = names(
    "area base basefont bgsound br col embed frame hr image img input keygen link meta "
    "param source track wbr"
)
RAW_TEXT = names("script style xmp iframe noembed noframes textarea title")
FORMATTING = names("a b big code em font i nobr s small strike strong tt u")
# SVG and MathML elements are named "svg:name", "math:name" on the stack; in these
# (integration points) content is HTML again
INTEGRATION = frozenset(
    [b"svg:" + n for n in names("foreignobject desc title")]
    + [b"math:" + n for n in names("mi mo mn ms mtext annotation-xml")]
)
SPECIAL = INTEGRATION | names(
    "address applet area article aside base basefont bgsound blockquote body br button "
    "caption center col colgroup dd details dialog dir div dl dt embed fieldset figcaption "
    "figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe "
    "img input keygen li link listing main marquee menu meta nav noembed noframes noscript "
    "object ol p param plaintext pre script search section select source style summary table "
    "tbody td template textarea tfoot th thead title tr track ul wbr xmp"
)
SCOPE = INTEGRATION | names("applet caption html table td th marquee object template")
TABLE_SCOPE = names("html table template")
BUTTON_SCOPE = SCOPE | names("button")
CELLS = names("td th")
MARKERS = names("applet caption marquee object td th template")
HEADINGS = names("h1 h2 h3 h4 h5 h6")
CLOSES_P = HEADINGS | names(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption "
    "figure footer form header hgroup hr li dd dt listing main menu nav ol p plaintext pre "
    "search section summary table ul xmp"
)
# Special start tags that still reopen formatting elements first (the others are blocks)
REOPENS = FORMATTING | names(
    "applet area br button embed image img input keygen marquee math object optgroup option "
    "select svg wbr xmp"
)
# A new one of these first closes the open one (and all above it), searching down to a stop
LIST_STOP = SPECIAL - names("address div p")
SIBLINGS = {
    b"li": (names("li"), LIST_STOP),
    b"dd": (names("dd dt"), LIST_STOP),
    b"dt": (names("dd dt"), LIST_STOP),
    b"button": (names("button"), SCOPE),
}
TABLE_PARTS = names("caption col colgroup tbody td tfoot th thead tr")
# Table parts close what is open down to their context, then add the parts they lack
ROW_GROUPS = names("tbody thead tfoot")
TABLE_CONTEXT = {
    b"td": names("tr template") | ROW_GROUPS | {b"table"},
    b"th": names("tr template") | ROW_GROUPS | {b"table"},
    b"tr": ROW_GROUPS | names("table template"),
}
FOREIGN_ROOTS = names("svg math")
BREAKOUT = names(
    "b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i "
    "img li listing menu meta nobr ol p pre ruby s small span strong strike sub table tt "
    "u ul var"
)  # sup is not among them: lexbor keeps <sup> inside SVG
# End tags with rules of their own: each closes its element (or a heading any heading)
# if one is open within its scope; every other end tag stops at a special element
BLOCK_END = (
    HEADINGS
    | TABLE_PARTS
    | names(
        "address applet article aside blockquote button center dd details dialog dir div dl dt "
        "fieldset figcaption figure footer header hgroup li listing main marquee menu nav object "
        "ol pre search section select summary table template ul"
    )
)
END_SCOPE = {
    b"li": SCOPE | names("ol ul"),
    b"p": BUTTON_SCOPE,
    **{n: TABLE_SCOPE for n in TABLE_PARTS | {b"table"}},
}
FONT_ATTRS = re.compile(rb"(?:^|[\s/])(?:color|face|size)(?:[\s/=]|$)", re.I)  # <font> leaves too
P = names("p")
NOAHS_ARK = 3  # the parser reopens at most three identical formatting elements
