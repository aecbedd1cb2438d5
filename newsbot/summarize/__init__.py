"""Summarizers behind one interface: ``extractive`` (offline, the default) and ``llm``.

Both take an ``ArticleText`` and return a ``Summary``. The digest falls back to
``extractive`` whenever the ``llm`` backend is unreachable, over budget or
answers nonsense (``errors.SummaryError``), so a digest is always published.
"""

from __future__ import annotations

from newsbot.summarize.base import ArticleText, Summarizer, Summary

__all__ = ["ArticleText", "Summarizer", "Summary"]
