"""Article pages → title, publication time, lead image candidates and main text. No I/O here.

A page whose host has a rule (``rules.Rule``, declared by its source) is read
with that rule's selectors; every other page, and a site page whose body
selector finds nothing, goes through the generic extractor (``generic``),
checked against a second opinion (``consensus``) when its choice is in doubt.
A page React streamed is first put together as a browser shows it (``streamed``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser

from newsbot.dates import KST
from newsbot.extract import consensus, generic, meta, streamed
from newsbot.extract.dom import ALWAYS_DROP, in_order, paragraphs, remove
from newsbot.extract.rules import Rule, rule_for
from newsbot.fetch.page import Page
from newsbot.models import Extracted
from newsbot.normalize import WORD

__all__ = ["Extracted", "Rule", "extract"]


def extract(page: Page, rules: Mapping[str, Rule]) -> Extracted:
    """Read ``page`` with its site's rule among ``rules``, or the generic extractor."""
    tree = LexborHTMLParser(page.text)
    markup = page.text
    if streamed.MARK in markup and tree.body is not None and streamed.reassemble(tree.body, markup):
        markup = tree.html or markup  # the second opinion reads the page put together too
    rule = rule_for(page.url, rules)
    images = tuple(meta.lead_images(tree, page.url))
    if rule is not None:
        body = _site_body(tree, rule)
        if body:
            title = meta.title(tree, rule.selectors["title"])
            published = meta.published(tree, rule.selectors["published"], rule.tz)
            published = published or meta.published(tree, meta.PUBLISHED, rule.tz)
            published = published or meta.text_date(tree, rule.tz)
            return _result(page.url, title, body, published, images, rule.name)
    tz = rule.tz if rule is not None else KST
    title = meta.title(tree)
    published = meta.published(tree, meta.PUBLISHED, tz) or meta.text_date(tree, tz)
    reading = generic.read(tree, unsure=consensus.unsure, kept=consensus.KEPT)
    paras = reading.paras
    if consensus.unsure(reading.share, reading.running):  # ask trafilatura
        paras = consensus.check(
            paras,
            markup,
            page.url,
            reading.running,
            stripped=reading.stripped,
        )
    return _result(page.url, title, _without_headline(paras, title), published, images, "generic")


def _without_headline(paras: list[str], title: str) -> list[str]:
    """The body without a first line that only repeats the title (the post has it already)."""
    if paras and title and WORD.findall(paras[0].casefold()) == WORD.findall(title.casefold()):
        return paras[1:]
    return paras


def _site_body(tree: LexborHTMLParser, rule: Rule) -> list[str]:
    found = in_order(tree, rule.selectors["body"])
    if not found:
        return []
    node = found[0]
    remove(node.css(ALWAYS_DROP))
    if rule.selectors.get("drop"):
        remove(node.css(rule.selectors["drop"]))
    paras = paragraphs(node)
    for i, para in enumerate(paras):
        if rule.cut_from and para.startswith(rule.cut_from):
            return paras[:i]
    return paras


def _result(
    url: str,
    title: str,
    paras: list[str],
    published: datetime | None,
    images: tuple[str, ...],
    rule: str,
) -> Extracted:
    return Extracted(url, title, "\n\n".join(paras), published, images, rule, tuple(paras))
