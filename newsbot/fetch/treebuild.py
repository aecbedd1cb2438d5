"""Tags applied to the tree builder's stack, as lexbor builds it, far enough to count depth.

``start`` and ``end`` follow the HTML standard's "in body" rules (with what the table,
select, template and frameset modes change), and its rules for foreign content where the
current element is SVG or MathML. lexbor's own ways are followed where it departs from the
standard; they are named where they are applied.
"""

from __future__ import annotations

import functools
import html
import re

from newsbot.fetch.adoption import adopt
from newsbot.fetch.stack import FOREIGN, HTML_POINT, TEXT_POINT, Element, Tree
from newsbot.fetch.tags import (
    ANNOTATION,
    BLOCK_END,
    BREAKOUT,
    BUTTON_SCOPE,
    CELLS,
    CLOSES_P,
    END_CLEARS,
    END_SCOPE,
    FONT_BREAKOUT,
    FOREIGN_ROOTS,
    FORMATTING,
    HEADINGS,
    HTML_ENCODINGS,
    HTML_POINTS,
    IMPLIED_END,
    NOAHS_ARK,
    REOPENS,
    ROW_GROUPS,
    RUBY_PARTS,
    SCOPE,
    SIBLINGS,
    SPECIAL,
    TABLE_CONTEXT,
    TABLE_PARTS,
    TABLE_SCOPE,
    TEMPLATE_HEAD,
    TEXT_POINTS,
    VOID,
    P,
    names,
)

# One attribute as the tokenizer reads it: its name, then its value if it has one
_ATTRIBUTE = re.compile(
    rb"[\s/]*+([^\s/>=][^\s/>=]*+|=[^\s/>=]*+)(?:\s*+=\s*+(\"[^\"]*+\"|'[^']*+'|[^\s>]++))?"
)


def attributes(attrs: bytes) -> dict[bytes, bytes]:
    """A tag's attributes, lower-cased names to decoded values; the first of a name counts."""
    found: dict[bytes, bytes] = {}
    for match in _ATTRIBUTE.finditer(attrs):
        name, value = match.group(1).lower(), match.group(2) or b""
        if value[:1] in (b'"', b"'"):
            value = value[1:-1]
        if b"&" in value:
            value = html.unescape(value.decode("latin-1")).encode("utf-8", "replace")
        found.setdefault(name, value)
    return found


def _foreign(name: bytes, attrs: bytes) -> Element:
    """An SVG or MathML element (``name`` with its namespace), and what kind of point it is."""
    element = Element(name, foreign=True)
    if name in HTML_POINTS:
        element.point = HTML_POINT
    elif name in TEXT_POINTS:
        element.point = TEXT_POINT
    elif name == ANNOTATION:
        encoding = attributes(attrs).get(b"encoding", b"").lower()
        element.point = HTML_POINT if encoding in HTML_ENCODINGS else FOREIGN
    return element


def _breaks_out(name: bytes, attrs: bytes) -> bool:
    """An HTML start tag that ends foreign content, as lexbor reads it."""
    if name == b"font":
        return not FONT_BREAKOUT.isdisjoint(attributes(attrs))
    return name in BREAKOUT


def html_rules(tree: Tree, name: bytes, attrs: bytes) -> bool:
    """A start tag ``name`` here is read as HTML (not as an SVG/MathML element)."""
    return not tree.foreign_start(name) or _breaks_out(name, attrs)


def start(tree: Tree, name: bytes, attrs: bytes, self_closing: bool) -> bool:
    """Apply a start tag; True if it made an element that stays empty (void, ``/>``)."""
    top = tree.stack[-1]
    if top.point != HTML_POINT and tree.foreign_start(name):
        if not _breaks_out(name, attrs):  # another element of the current one's namespace
            if not self_closing:
                tree.push(_foreign(top.name.split(b":")[0] + b":" + name, attrs))
            return self_closing
        while tree.in_foreign():  # an HTML tag leaves SVG/MathML for the nearest point
            tree.remove(len(tree.stack) - 1)
        top = tree.stack[-1]
    if top.name == b"template" and not top.content and name not in TEMPLATE_HEAD:
        top.content = b"col" if name == b"col" else b"table" if name in TABLE_PARTS else b"body"
    elif top.name == b"colgroup":
        tree.leave_colgroup(name)
    if name in FOREIGN_ROOTS:
        tree.reopen()
        if not self_closing:
            tree.push(_foreign(name + b":" + name, attrs))
        return self_closing
    if name in OPENS_NOTHING and (empty := _opens_nothing(tree, name)) is not None:
        return empty
    if name in CLOSE_FIRST and _close_before(tree, name):
        return False
    if (name not in SPECIAL and name not in RUBY_PARTS) or name in REOPENS:
        tree.reopen()
    if name in VOID:
        return True
    element = Element(name, key=name + b" " + attrs.strip())
    if name in FORMATTING:
        same = [e for e in tree.listed(name) if e.key == element.key]
        if len(same) >= NOAHS_ARK:
            tree.unlist(same[-1])  # the earliest of them: at most three alike since a marker
        tree.active.append(element)
        element.listed = True
    tree.push(element)
    if name == b"form" and not tree.count.get(b"template"):
        tree.form = element
    return False


OPENS_NOTHING = TABLE_PARTS | names("body form head html image")


def _opens_nothing(tree: Tree, name: bytes) -> bool | None:
    """For a tag that opens no element here, whether it makes an empty one; else None."""
    if name == b"head" or (name in (b"html", b"body") and tree.count.get(name)):
        return False  # the head's few elements are no deeper than the body's
    if name in TABLE_PARTS and not _takes_table_parts(tree):
        return False  # a cell or row outside any table is dropped
    if name == b"image" and _table_mode(tree) >= 0:
        return False  # lexbor drops an <image> among a table's rows
    if name == b"form" and tree.form is None and _table_mode(tree) >= 0:
        if tree.count.get(b"template"):
            return False  # ignored
        tree.form = Element(name)  # among a table's rows a form opens and closes at once
        return True
    return None


RUBY, SELECT = frozenset([b"ruby"]), frozenset([b"select"])
# The start tags that may close something first
CLOSE_FIRST = (
    CLOSES_P
    | RUBY_PARTS
    | SIBLINGS.keys()
    | TABLE_CONTEXT.keys()
    | names("a form hr input nobr optgroup option select")
)


def _close_before(tree: Tree, name: bytes) -> bool:
    """What a start tag closes before it opens: an open p, its sibling, its table context.
    True if the tag opens nothing after all (a <select> in a select, a second <form>)."""
    if name == b"form" and tree.form is not None and not tree.count.get(b"template"):
        return True
    if name == b"table" and (table := _table_mode(tree)) >= 0:
        tree.pop_to(table)  # a table in a table's own content ends it
    if name in (b"select", b"input") and (select := tree.find(SELECT)) >= 0:
        tree.pop_to(select)
        if name == b"select":
            return True
    if name in SIBLINGS and (found := tree.find(*SIBLINGS[name])) >= 0:
        tree.pop_to(found)
    closes_p = name in CLOSES_P and not (name == b"table" and tree.quirks)
    if closes_p and (p := tree.find(P, BUTTON_SCOPE)) >= 0:
        tree.pop_to(p)
    if name in HEADINGS and tree.stack[-1].name in HEADINGS:
        tree.remove(len(tree.stack) - 1)
    if name in (b"option", b"optgroup", b"hr", b"rb", b"rp", b"rt", b"rtc"):
        _end_implied(tree, name)
    if name == b"a" and (first := tree.listed(name)):
        adopt(tree, name)  # a second <a> ends the first, and drops it if that failed
        tree.ghost(first[0])
    if name == b"nobr":
        tree.reopen()
        if tree.find(_just(name)) >= 0:
            end(tree, name, foreign=False)  # so does a second <nobr>
    if name in TABLE_CONTEXT:
        _table_part(tree, name)
    return False


def _end_implied(tree: Tree, name: bytes) -> None:
    """An option or hr in a select, a ruby annotation in a ruby, ends what it follows."""
    if name in RUBY_PARTS:
        if tree.find(RUBY) < 0:
            return
        implied = IMPLIED_END - {b"rtc"} if name in (b"rp", b"rt") else IMPLIED_END
    elif tree.find(SELECT) >= 0:
        implied = IMPLIED_END - {b"optgroup"} if name == b"option" else IMPLIED_END
    elif name != b"hr" and tree.stack[-1].name == b"option":
        implied = frozenset([b"option"])
    else:
        return
    while tree.stack[-1].name in implied:
        tree.remove(len(tree.stack) - 1)


def _table_part(tree: Tree, name: bytes) -> None:
    """A cell, row, row group, caption or column closes what is open down to its context,
    then adds the parts it lacks."""
    if name != b"tr" and (cell := tree.find(CELLS, TABLE_SCOPE)) >= 0:
        tree.pop_to(cell)
    context = tree.find(TABLE_CONTEXT[name], frozenset())
    tree.pop_to(context + 1)
    top = tree.stack[-1]
    if name == b"col" and top.name == b"table":
        tree.push(Element(b"colgroup"))  # the colgroup it implies stays open
    elif name == b"col" and top.name == b"template":
        tree.columns = True
    elif name in (b"td", b"th", b"tr"):
        if top.name == b"table":
            tree.push(Element(b"tbody"))
        if name != b"tr" and tree.stack[-1].name in ROW_GROUPS:
            tree.push(Element(b"tr"))


def _takes_table_parts(tree: Tree) -> bool:
    """A table is open, or a template that began with a table part, whichever is nearer."""
    if not (tree.count.get(b"table") or tree.count.get(b"template")):
        return False
    for element in reversed(tree.stack):
        if element.name == b"table":
            return True
        if element.name == b"template":
            return element.content != b"body"
    return False


def _table_mode(tree: Tree) -> int:
    """The open table whose rows (not a cell or caption of it) take the next tag, or -1."""
    for i in range(len(tree.stack) - 1, -1, -1):
        name = tree.stack[i].name
        if name == b"table":
            return i
        if name in TABLE_INSIDE:
            return -1
    return -1


TABLE_INSIDE = names("caption td th template html")


@functools.cache
def _just(name: bytes) -> frozenset[bytes]:
    return frozenset([name])


def end(tree: Tree, name: bytes, foreign: bool = True) -> None:
    """Apply an end tag: foreign content's rules first if the current element is SVG/MathML
    (and ``foreign``), then the "in body" rules, where only HTML elements match."""
    if foreign and tree.stack[-1].foreign:
        if name in (b"br", b"p"):
            while tree.in_foreign():  # </br> and </p> leave SVG/MathML as <br> and <p> do
                tree.remove(len(tree.stack) - 1)
        else:  # it closes the nearest foreign element of its name above any HTML one
            i = len(tree.stack) - 1
            while tree.stack[i].foreign:
                if tree.stack[i].name.partition(b":")[2] == name:
                    return tree.pop_to(i)
                i -= 1
    if tree.stack[-1].name == b"colgroup":
        tree.leave_colgroup(name)
    if name == b"br":
        return tree.reopen()  # </br> is a <br>
    if name in FORMATTING and tree.listed(name):
        adopt(tree, name)
        return
    if name == b"form" and not tree.count.get(b"template"):
        return _end_form(tree)
    if tree.stack[-1].name == name and name not in (b"body", b"html"):
        found = len(tree.stack) - 1  # e.g. a script's end tag after its text
    elif name in BLOCK_END or name in (b"p", b"form"):
        names = HEADINGS if name in HEADINGS else _just(name)
        found = tree.find(names, END_SCOPE.get(name, SCOPE))
    elif name in (b"body", b"html"):
        found = -1  # they close nothing: what follows goes on in the body
    else:  # any other end tag stops at a special element not of its name
        found = tree.find(_just(name), SPECIAL)
    if found >= 0 and name == b"template":
        tree.pop_to(found, markers=False)  # one marker goes, though cells inside had theirs
        tree.clear_to_marker()
    elif found >= 0:
        tree.pop_to(found)
        if name in END_CLEARS:
            tree.clear_to_marker()  # </object> and the like


def _end_form(tree: Tree) -> None:
    """``</form>`` closes the open form, and that element alone: what it holds stays open."""
    form, tree.form = tree.form, None
    if form is None or not form.open:
        return
    if tree.find(_just(b"form")) != tree.stack.index(form):
        return  # out of scope
    while tree.stack[-1].name in IMPLIED_END:
        tree.remove(len(tree.stack) - 1)  # <form><p></form> ends the p too
    tree.ghost(form)
