"""Offline summaries: the article's own key sentences, verbatim, in its own language.

Sentences are scored by how much of the headline they share (character bigrams,
so Korean and Chinese need no tokenizer; words for English and other Latin-script
text) plus a lead bonus, as news puts the facts first; the best are printed in
article order. In Latin-script text a full stop after an abbreviation ("Mr.",
"U.S.", "Jan."), an initial or before a lower-case word ends no sentence.
Nothing is written that the article does not say, so there are no implications.
"""

from __future__ import annotations

import math
import re

from newsbot.summarize.base import ArticleText, Summary

# A sentence ends at . ! ? followed by a space, or at a CJK full stop / mark.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")
BOILERPLATE = re.compile(
    r"ⓒ|©|copyright|무단\s*전재|재배포|责任编辑|原标题|사진\s*제공|사진=|"
    r"all rights reserved|^(photo|image|credit|source|read more|related|advertisement)\b|"
    r"\b(sign up|subscribe) (to|for)\b|\bnewsletter\b|\b(reporting|editing) by\b|"
    r"[\w.]+@[\w.]+|^\[[^\]]{1,12}\]$|^\([^)]{1,20}=[^)]{1,20}\)$",
    re.I,
)
# A key sentence ends like one; headings, captions and sub-heads usually do not.
TERMINAL = re.compile(r"[.!?。！？…][\"'”’」』)\]]*$")
MIN_CHARS, MAX_CHARS = 10, 400  # characters; a dense CJK sentence can be short
NOT_WORD = re.compile(r"[\W_]+")
# Full stops that end no sentence in English: titles, Latin, months, corporate suffixes
ABBREVIATIONS = frozenset(
    str.split(
        "mr mrs ms dr prof sr jr st mt gen gov sen rep rev lt col capt sgt inc ltd co corp "
        "llc plc bros vs etc al eg ie cf approx dept est fig no nos vol pp jan feb mar apr jun "
        "jul aug sep sept oct nov dec mon tue wed thu fri sat sun"
    )
)
STOPWORDS = frozenset(
    str.split(
        "the a an and or of to in on for with at by from as is are was were be been has have had "
        "it its this that these those will would can could says said new after over into about "
        "than more most not but"
    )
)
HANGUL_OR_CJK = re.compile(r"[\uac00-\ud7a3\u3040-\u30ff\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


class ExtractiveSummarizer:
    """Key sentences from the body; no network, no key."""

    name = "extractive"

    def __init__(self, sentences: int = 3) -> None:
        self.sentences = sentences

    async def summarize(self, article: ArticleText) -> Summary:
        return self.summarize_now(article)

    def summarize_now(self, article: ArticleText) -> Summary:
        """The same, synchronously."""
        return Summary(article.title, tuple(key_sentences(article, self.sentences)))


def is_latin(text: str, language: str = "") -> bool:
    """Whether ``text`` is in a Latin-script language: ``language`` if given, else by letters."""
    if language:
        return language.split("-")[0] not in ("ko", "zh", "ja")
    sample = text[:4000]
    return len(LATIN.findall(sample)) > 2 * len(HANGUL_OR_CJK.findall(sample))


def sentences(text: str, language: str = "") -> list[str]:
    """The body's sentences; headings, bylines, captions and copyright lines left out."""
    latin = is_latin(text, language)
    out = []
    for para in text.split("\n"):
        pieces = SENTENCE_END.split(para.strip())
        for sentence in _rejoin(pieces) if latin else pieces:
            sentence = sentence.strip()
            if (
                MIN_CHARS <= len(sentence) <= MAX_CHARS
                and TERMINAL.search(sentence)
                and not BOILERPLATE.search(sentence)
            ):
                out.append(sentence)
    return out


def _rejoin(pieces: list[str]) -> list[str]:
    """Glue back the pieces a split after "Mr.", "U.S.", "J." or before a lower-case word made."""
    out: list[str] = []
    for piece in pieces:
        if out and (_no_end(out[-1]) or piece[:1].islower()):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


def _no_end(piece: str) -> bool:
    last = piece.rsplit(None, 1)[-1] if piece.strip() else ""
    if not last.endswith("."):
        return False
    word = last.rstrip(".").lstrip("(\"'“‘").lower()
    dotted = re.fullmatch(r"([a-z]\.)+[a-z]?", word + ".") is not None  # u.s. e.g. j.
    return word in ABBREVIATIONS or dotted


def key_sentences(article: ArticleText, count: int) -> list[str]:
    """Up to ``count`` sentences, best first by score, returned in article order; a
    sentence said again (the same words, or within a chosen one) is not picked twice."""
    found = sentences(article.text, article.language)
    latin = is_latin(article.text, article.language)
    terms = _words if latin else _bigrams
    title = terms(article.title)
    scored = []
    for index, sentence in enumerate(found):
        grams = terms(sentence)
        overlap = len(grams & title) / math.sqrt(len(grams) or 1)
        lead = 1.0 / (1 + index)
        scored.append((overlap + lead, -index))
    best: list[int] = []  # indexes into found
    keys: list[str] = []
    for _, neg in sorted(scored, reverse=True):
        key = NOT_WORD.sub("", found[-neg].lower())
        if any(key in k or k in key for k in keys):
            continue  # a standfirst repeating the lead, a pull quote: said once
        best.append(-neg)
        keys.append(key)
        if len(best) == count:
            break
    return [found[i] for i in sorted(best)]


def _bigrams(text: str) -> set[str]:
    compact = NOT_WORD.sub(" ", text.lower())
    return {w[i : i + 2] for w in compact.split() for i in range(max(1, len(w) - 1))}


def _words(text: str) -> set[str]:
    """Content words of Latin-script text: lower case, no stop words, no 1-2 letter words."""
    words = NOT_WORD.sub(" ", text.lower()).split()
    return {w for w in words if len(w) > 2 and w not in STOPWORDS}
