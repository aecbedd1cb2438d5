"""A second opinion on the generic extractor's answer, from trafilatura.

The generic pass (``generic``) is precise but sometimes picks another box or only part of
a story; trafilatura recalls more but keeps more short boilerplate lines. Measured on
public pages (``bench/extraction.py``, figures in ``bench/RESULTS.md``), taking each where
it is strong beats both:

- they disagree entirely (few of our word 4-grams in theirs): ours chose another box; theirs,
  unless theirs is a fragment beside ours (a teaser list, breadcrumbs: under a quarter of
  our length);
- theirs is much longer, holds ours, and what it adds is running text: ours missed part; theirs;
- otherwise ours, without the short lines at its edges that theirs left out (share bars,
  bylines, "no ratings yet").

It is asked only when the generic pass is unsure: when the box it chose holds less than
``SURE`` of the page's running text, so that another box could have been the article, or
when the page is left with under ``LITTLE`` characters of running text to hold. On
the other pages (57–81 % of each public set) it changed little, and it costs several times
the generic pass. Its fast pass is asked first, and in full (with its fallbacks) only when
the fast answer is much shorter than ours, or than the page's running text, or reads
another box than ours: on the public sets that is 0–11 % of the pages asked. Against
asking in full every time it scores better on each set (by 0.0005 to 0.01 of F1), at a
fraction of the cost. The fast pass reads the page as our boilerplate strip left it,
unless that strip took much of its running text: half its time, and F1 as good or better
on each public set (0.0000 to +0.0009). Then it reads the page less the scripts and styles
it would drop unread: in about the same time, re-parse included, and better on three pages.

A page its site's rule reads never comes here; one whose rule finds no body does, like any
other page the generic pass reads.
"""

from __future__ import annotations

import logging

from selectolax.lexbor import LexborHTMLParser

from newsbot.extract.dom import remove
from newsbot.normalize import clean_text, word_grams

DISAGREE = 0.2  # below this share of our 4-grams in theirs, the two read different boxes
FRAGMENT = 0.25  # theirs, reading another box, under this share of our length: a fragment
SHORTER = 0.8  # ours under this share of their length: ours may have missed part
RUNNING = 0.2  # their extra must be at least this share running text (lines of LONG_LINE+)
LONG_LINE = 80
EDGE_LINE = 100  # our lines at the edges shorter than this, absent from theirs, go
MIN_TEXT = 25  # a line this long is running text (the generic pass's own measure)
SURE = 0.8  # a generic answer holding this share of the page's running text is not checked
LITTLE = 200  # ... unless the page has less running text than this (characters) to hold
FULL = 0.5  # trafilatura's fast answer under this share of our length: ask it in full
PAGE = 0.3  # ... or under FULL of this share of the page's running text
KEPT = 0.7  # our strip kept this share of the page's running text: the fast pass reads its page
# elements trafilatura parses and then drops unread (not ``noscript``: a blog's post can sit
# in one, and trafilatura reads it there)
UNREAD = "script, style, svg, iframe, object, template"

for _name in ("trafilatura", "htmldate", "courlan"):  # they log every odd page at WARNING
    logging.getLogger(_name).setLevel(logging.CRITICAL)


def unsure(share: float, running: int) -> bool:
    """Whether the generic pass's answer needs a second opinion: another box could have been
    the article (its box holds under ``SURE`` of the page's ``running`` text), or the page is
    left with so little running text that any share of it says nothing (the strip may have
    taken a story of short lines, a script's gallery)."""
    return share < SURE or running < LITTLE


def check(
    ours: list[str], html: str, url: str, running: int = 0, *, stripped: str = ""
) -> list[str]:
    """Our paragraphs of ``html``, checked against trafilatura's (module docstring).

    Its fast pass reads the page as our boilerplate strip left it (``stripped``), which the
    generic pass hands over only when the strip kept ``KEPT`` of the page's running text:
    about half the elements, so half the time, for scores as good. A strip that took more
    may have taken the story, and then the fast pass reads ``html`` less its scripts and
    styles (``lean``). Its fallbacks (a Readability port, jusText) cost as much again and
    rescue pages its own pass reads short, so they run, on ``html``, only when the fast
    answer is under ``FULL`` of our length, or of ``PAGE`` of the page's ``running`` text
    (characters, the generic pass's count): when both of us read a sliver of a long page;
    or when it reads another box than ours (one of us is wrong, and the fast pass, without
    its fallbacks, is the likelier)."""
    theirs = second_opinion(stripped or lean(html), url, fast=True)
    our_text, their_text = " ".join(ours), " ".join(theirs)
    short = len(their_text) < FULL * max(len(our_text), PAGE * running)
    elsewhere = _has_text(ours) and _contained(our_text, their_text) < DISAGREE
    if short or elsewhere:
        theirs = second_opinion(html, url, fast=False)
    return combine(ours, theirs)


def lean(html: str) -> str:
    """``html`` without what trafilatura would drop unread (``UNREAD``). Its answer is the
    same on almost every page, and better on a few where a script's text misled it."""
    tree = LexborHTMLParser(html)
    remove(tree.css(UNREAD))
    return tree.html or html


def second_opinion(html: str, url: str, *, fast: bool = False) -> list[str]:
    """trafilatura's paragraphs of ``html``; [] when it finds none or fails."""
    import trafilatura  # 0.4 s to import: the forkserver preloads it (``readers``)

    try:
        text = trafilatura.extract(html, url=url, include_comments=False, fast=fast) or ""
    except Exception:  # its failure on a hostile page must not cost us our own answer
        return []
    return [line for line in (clean_text(x) for x in text.split("\n")) if line]


def combine(ours: list[str], theirs: list[str]) -> list[str]:
    """The paragraphs to keep, from our answer and the second opinion (module docstring)."""
    if not theirs:
        return ours
    if not _has_text(ours):  # no running text: a stub page, or none
        return theirs if max(map(len, theirs)) >= MIN_TEXT else ours
    our_text, their_text = " ".join(ours), " ".join(theirs)
    if _contained(our_text, their_text) < DISAGREE:  # another box: theirs, unless a fragment
        return theirs if len(their_text) >= FRAGMENT * len(our_text) else ours
    if len(our_text) < SHORTER * len(their_text) and _running_share(our_text, theirs) >= RUNNING:
        return theirs
    shared = [p in their_text for p in ours]
    if not any(shared):
        return ours
    first = shared.index(True)
    last = len(shared) - 1 - shared[::-1].index(True)
    return [p for i, p in enumerate(ours) if first <= i <= last or shared[i] or len(p) >= EDGE_LINE]


def _has_text(paras: list[str]) -> bool:
    """Whether a line of ``paras`` is running text (not a stub page's, or no answer)."""
    return max(map(len, paras), default=0) >= MIN_TEXT


def _contained(a: str, b: str) -> float:
    """The share of ``a``'s distinct word 4-grams that ``b`` has too.

    Distinct, because trafilatura drops repeated paragraphs: a story that repeats its
    lead is still the story it read."""
    grams = word_grams(a, 4)
    return len(grams & word_grams(b, 4)) / len(grams) if grams else 0.0


def _running_share(ours: str, theirs: list[str]) -> float:
    """Of the lines only ``theirs`` has, the share (in characters) in long lines."""
    extra = [p for p in theirs if p not in ours]
    total = sum(len(p) for p in extra)
    return sum(len(p) for p in extra if len(p) >= LONG_LINE) / total if total else 0.0
