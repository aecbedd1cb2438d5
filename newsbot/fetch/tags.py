"""The element categories of the HTML standard's tree builder that decide nesting.

Names are lower-case bytes as the tokenizer reads them. SVG and MathML elements are
named ``svg:NAME`` and ``math:NAME`` on the stack, so the HTML integration points
(where content is HTML again) are told apart from HTML elements of the same name.
"""

from __future__ import annotations


def names(text: str) -> frozenset[bytes]:
    return frozenset(text.encode().split())


VOID = names(
    "area base basefont bgsound br col embed frame hr image img input keygen link meta "
    "param source track wbr"
)
RAW_TEXT = names("script style xmp iframe noembed noframes textarea title")
FORMATTING = names("a b big code em font i nobr s small strike strong tt u")
# SVG and MathML elements are named "svg:name", "math:name" on the stack. In these
# integration points start tags and text are HTML again (end tags stay foreign):
HTML_POINTS = frozenset(b"svg:" + n for n in names("foreignobject desc title"))
TEXT_POINTS = frozenset(b"math:" + n for n in names("mi mo mn ms mtext"))  # not for these two:
TEXT_POINT_FOREIGN = names("mglyph malignmark")
ANNOTATION = b"math:annotation-xml"  # a point only with encoding="text/html" (or xhtml)
HTML_ENCODINGS = (b"text/html", b"application/xhtml+xml")
# The foreign elements the standard counts as special and as scope boundaries
FOREIGN_SPECIAL = HTML_POINTS | TEXT_POINTS | {ANNOTATION}
SPECIAL = FOREIGN_SPECIAL | names(
    "address applet area article aside base basefont bgsound blockquote body br button "
    "caption center col colgroup dd details dialog dir div dl dt embed fieldset figcaption "
    "figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe "
    "img input keygen li link listing main marquee menu meta nav noembed noframes noscript "
    "object ol p param plaintext pre script search section select source style summary table "
    "tbody td template textarea tfoot th thead title tr track ul wbr xmp"
)
# lexbor parses a select's content as the body's, with the select as a scope boundary
# (<h1><select></h1> closes nothing); a <select> or <input> in its scope closes it
SCOPE = FOREIGN_SPECIAL | names("applet caption html table td th marquee object template select")
TABLE_SCOPE = names("html table template")
BUTTON_SCOPE = SCOPE | names("button")
CELLS = names("td th")
MARKERS = names("applet caption marquee object td th template")
# Their marker goes when they close, however they do; the others' only with their end tag
CLOSING_CLEARS = names("caption td th template")
END_CLEARS = MARKERS - CLOSING_CLEARS
HEADINGS = names("h1 h2 h3 h4 h5 h6")
CLOSES_P = HEADINGS | names(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption "
    "figure footer form header hgroup hr li dd dt listing main menu nav ol p plaintext pre "
    "search section summary table ul xmp"
)
# Special start tags that still reopen formatting elements first (the others are blocks);
# lexbor parses with scripting off, so <noscript> is an ordinary element
REOPENS = FORMATTING | names(
    "applet area br button embed image img input keygen marquee math noscript object optgroup "
    "option select svg wbr xmp"
)
# Ruby's annotations open where they are, closing these first (if a ruby is open)
RUBY_PARTS = names("rb rp rt rtc")
IMPLIED_END = names("dd dt li optgroup option p") | RUBY_PARTS
# A new one of these first closes the open one (and all above it), searching down to a stop
LIST_STOP = SPECIAL - names("address div p")
SIBLINGS = {
    b"li": (names("li"), LIST_STOP),
    b"dd": (names("dd dt"), LIST_STOP),
    b"dt": (names("dd dt"), LIST_STOP),
    b"button": (names("button"), SCOPE),
}
TABLE_PARTS = names("caption col colgroup tbody td tfoot th thead tr")
# What a template takes as the head would, before its first tag decides what it holds
TEMPLATE_HEAD = names("base basefont bgsound link meta noframes script style template title")
# Table parts close what is open down to their context, then add the parts they lack
ROW_GROUPS = names("tbody thead tfoot")
TABLE_CONTEXT = {
    b"td": names("tr template") | ROW_GROUPS | {b"table"},
    b"th": names("tr template") | ROW_GROUPS | {b"table"},
    b"tr": ROW_GROUPS | names("table template"),
    **{n: names("table template") for n in ROW_GROUPS | names("caption col colgroup")},
}
FOREIGN_ROOTS = names("svg math")
# Start tags after which a <frameset> is ignored (as it is after text that is not blank)
FRAMESET_OFF = names(
    "applet area body br button dd dt embed hr iframe image img input keygen li listing "
    "marquee object pre select table template textarea wbr xmp"
)
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
    b"template": frozenset(),  # it closes all it holds, in any scope
}
FONT_BREAKOUT = names("color face size")  # a <font> with one of these leaves too
P = names("p")
NOAHS_ARK = 3  # the parser reopens at most three identical formatting elements
