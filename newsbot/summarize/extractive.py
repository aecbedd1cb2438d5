"""Offline summaries: the article's own key sentences, verbatim, in its own language.

Sentences are scored by how much of the headline they share (character bigrams,
so Korean and Chinese need no tokenizer) plus a lead bonus, as news puts the
facts first; the best are printed in article order. Nothing is written that the
article does not say, so there are no implications.
"""

from __future__ import annotations

import math
import re

from newsbot.summarize.base import ArticleText, Summary

# A sentence ends at . ! ? followed by a space, or at a CJK full stop / mark.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")
BOILERPLATE = re.compile(
    r"ⓒ|©|copyright|무단\s*전재|재배포|责任编辑|原标题|사진\s*제공|사진=|"
    r"[\w.]+@[\w.]+|^\[[^\]]{1,12}\]$|^\([^)]{1,20}=[^)]{1,20}\)$",
    re.I,
)
# A key sentence ends like one; headings, captions and sub-heads usually do not.
TERMINAL = re.compile(r"[.!?。！？…][\"'”’」』)\]]*$")
MIN_CHARS, MAX_CHARS = 10, 400  # characters; a dense CJK sentence can be short
NOT_WORD = re.compile(r"[\W_]+")


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


def sentences(text: str) -> list[str]:
    """The body's sentences; headings, bylines, captions and copyright lines left out."""
    out = []
    for para in text.split("\n"):
        for sentence in SENTENCE_END.split(para.strip()):
            sentence = sentence.strip()
            if (
                MIN_CHARS <= len(sentence) <= MAX_CHARS
                and TERMINAL.search(sentence)
                and not BOILERPLATE.search(sentence)
            ):
                out.append(sentence)
    return out


def key_sentences(article: ArticleText, count: int) -> list[str]:
    """Up to ``count`` sentences, best first by score, returned in article order."""
    found = sentences(article.text)
    title = _bigrams(article.title)
    scored = []
    for index, sentence in enumerate(found):
        grams = _bigrams(sentence)
        overlap = len(grams & title) / math.sqrt(len(grams) or 1)
        lead = 1.0 / (1 + index)
        scored.append((overlap + lead, -index))
    best = sorted(scored, reverse=True)[:count]
    return [found[-i] for _, i in sorted(best, key=lambda s: -s[1])]


def _bigrams(text: str) -> set[str]:
    compact = NOT_WORD.sub(" ", text.lower())
    return {w[i : i + 2] for w in compact.split() for i in range(max(1, len(w) - 1))}
