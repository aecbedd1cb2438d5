"""Summaries from any OpenAI-compatible chat-completions endpoint.

The model is asked for one JSON object (Korean headline, 3–5 bullets, three
implications), validated with pydantic and asked once more if invalid. Every
number and Latin-script name in a bullet must occur in the article; a bullet
that fails is dropped and counted (a failing headline is replaced by the
article's own title). Answers are cached per article and model, so a re-run
costs nothing; the per-run article and token budget is checked before each call.
"""

from __future__ import annotations

import json
import re
import ssl
from typing import Annotated, Protocol

import httpx
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from newsbot.config import LlmConfig
from newsbot.errors import LlmInvalid, LlmUnavailable, OverBudget
from newsbot.summarize.base import ArticleText, Summary

SYSTEM_PROMPT = (
    "You write entries for a Korean daily AI-news digest. Read the article and reply with "
    "one JSON object only, no prose, in this shape: "
    '{"headline": "Korean headline", "summary": ["3 to 5 short Korean bullet points"], '
    '"implications": {"technical": "기술적 의미", "industry": "산업적 영향", '
    '"outlook": "향후 전망"}}. Write in Korean. Use only facts the article states. Copy every '
    "number and every name in Latin letters exactly as the article writes it; never add a "
    "number or name the article does not contain."
)
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-'.&][A-Za-z0-9]+)*")
FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")
HANGUL = re.compile("[\uac00-\ud7a3]")


def _korean(value: str) -> str:
    if not HANGUL.search(value):
        raise ValueError("not written in Korean")
    return value


# The digest is Korean: a bullet or implication without a Hangul syllable is invalid.
Korean = Annotated[str, Field(min_length=1), AfterValidator(_korean)]


class Implications(BaseModel):
    model_config = ConfigDict(extra="ignore")

    technical: Korean
    industry: Korean
    outlook: Korean


class Answer(BaseModel):
    """The JSON object the model must return."""

    model_config = ConfigDict(extra="ignore")

    headline: str = Field(min_length=1, max_length=200)
    summary: list[Korean] = Field(min_length=3, max_length=5)
    implications: Implications


class Cache(Protocol):
    """Where answers are kept between runs (the state store)."""

    def get_summary(self, article_id: str, model: str, sha: str) -> str | None: ...

    def put_summary(
        self, article_id: str, model: str, sha: str, answer: str, tokens: int
    ) -> None: ...


class ReadOnlyCache:
    """Answers from ``inner``, keeps nothing new: a ``--dry-run`` writes nothing."""

    def __init__(self, inner: Cache) -> None:
        self.inner = inner

    def get_summary(self, article_id: str, model: str, sha: str) -> str | None:
        return self.inner.get_summary(article_id, model, sha)

    def put_summary(self, article_id: str, model: str, sha: str, answer: str, tokens: int) -> None:
        return None


class LlmSummarizer:
    """Korean summaries from a chat-completions model, checked against the article."""

    name = "llm"

    def __init__(
        self,
        config: LlmConfig,
        *,
        api_key: str | None,
        cache: Cache | None,
        transport: httpx.AsyncBaseTransport | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.config = config
        self.api_key = api_key
        self.cache = cache
        self.calls = 0
        self.tokens = 0
        self._transport = transport
        self._ssl = ssl_context  # the run's, so the CA bundle is loaded once
        self._client: httpx.AsyncClient | None = None  # one connection pool for the run

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def summarize(self, article: ArticleText) -> Summary:
        model = self.config.model
        cached = self.cache.get_summary(article.id, model, article.sha) if self.cache else None
        if cached is not None:
            answer = _parse(cached)
            if answer is not None:
                return checked(answer, article, backend="llm-cache", tokens=0)
        self._check_budget()
        spent = 0
        for _attempt in range(2):  # one retry on an invalid answer
            content, used = await self._ask(article)
            spent += used
            answer = _parse(content)
            if answer is not None:
                if self.cache is not None:
                    self.cache.put_summary(
                        article.id, model, article.sha, answer.model_dump_json(), spent
                    )
                return checked(answer, article, backend="llm", tokens=spent)
        raise LlmInvalid(
            f"{model} answered twice without the JSON object asked for ({article.url})"
        )

    def _check_budget(self) -> None:
        cfg = self.config
        if self.calls >= cfg.max_articles:
            raise OverBudget(f"LLM budget of {cfg.max_articles} articles per run is spent")
        if self.tokens >= cfg.max_tokens:
            raise OverBudget(
                f"LLM budget of {cfg.max_tokens} tokens per run is spent ({self.tokens} used)"
            )

    async def _ask(self, article: ArticleText) -> tuple[str, int]:
        cfg = self.config
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        payload = {
            "model": cfg.model,
            "temperature": cfg.temperature,
            "max_tokens": cfg.max_output_tokens,
            "response_format": {"type": "json_object"},
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": _prompt(article, cfg.max_input_chars)},
            ],
        }
        self.calls += 1
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=cfg.timeout,
                transport=self._transport,
                trust_env=False,
                verify=self._ssl or True,
            )
        try:
            response = await self._client.post(
                f"{cfg.base_url}/chat/completions", json=payload, headers=headers
            )
        except httpx.TimeoutException:
            raise LlmUnavailable(f"no answer from {cfg.base_url} within {cfg.timeout}s") from None
        except httpx.HTTPError as exc:
            raise LlmUnavailable(f"{cfg.base_url} unreachable ({type(exc).__name__})") from None
        if response.status_code != 200:
            raise LlmUnavailable(_status_reason(response))
        try:
            data = response.json()
            content = str(data["choices"][0]["message"]["content"] or "")
        except (ValueError, KeyError, IndexError, TypeError):
            raise LlmUnavailable(
                f"{cfg.base_url} did not answer in the chat-completions format"
            ) from None
        used = _tokens(data.get("usage"), payload, content)
        self.tokens += used
        return content, used


def checked(answer: Answer, article: ArticleText, *, backend: str, tokens: int) -> Summary:
    """Drop bullets whose numbers or Latin-script names the article does not contain."""
    source = f"{article.title}\n{article.text}"
    bullets = [b.strip() for b in answer.summary if b.strip()]
    kept = [b for b in bullets if grounded(b, source)]
    implications = (
        answer.implications.technical,
        answer.implications.industry,
        answer.implications.outlook,
    )
    good_impl = all(grounded(i, source) for i in implications)
    dropped = len(bullets) - len(kept) + (0 if good_impl else len(implications))
    headline = answer.headline.strip()
    if not grounded(headline, source):
        headline, dropped = article.title, dropped + 1
    return Summary(
        headline, tuple(kept), implications if good_impl else (), backend, dropped, tokens
    )


def grounded(text: str, source: str) -> bool:
    """Every number and Latin-script name in ``text`` occurs in ``source``.

    Numbers compare whole, thousands separators ignored ("1,200" is "1200"; "20" is not in
    "2026"); names compare case-insensitively as substrings ("AI" is in "오픈AI").
    """
    found = NUMBER.findall(source)
    numbers = {n.replace(",", "") for n in found} | {p for n in found for p in re.split("[.,]", n)}
    lowered = source.lower()
    if any(n.replace(",", "") not in numbers for n in NUMBER.findall(text)):
        return False
    return all(name.lower() in lowered for name in LATIN.findall(text))


def _parse(content: str) -> Answer | None:
    try:
        return Answer.model_validate(json.loads(FENCE.sub("", content.strip())))
    except (ValueError, ValidationError):
        return None


def _prompt(article: ArticleText, limit: int) -> str:
    source = f"Source: {article.source_name}\n" if article.source_name else ""
    return f"{source}Title: {article.title}\n\n{article.text[:limit]}"


def _tokens(usage: object, payload: dict[str, object], content: str) -> int:
    if isinstance(usage, dict) and isinstance(usage.get("total_tokens"), int):
        return int(usage["total_tokens"])
    # No usage block: count roughly one token per 2 characters, so the budget still bites.
    return (len(json.dumps(payload, ensure_ascii=False)) + len(content)) // 2


def _status_reason(response: httpx.Response) -> str:
    code = response.status_code
    if code == 429:
        return "rate limited (HTTP 429)"
    if code in (401, 403):
        return f"key refused (HTTP {code}); check the variable named by api_key_env"
    return f"HTTP {code} from {response.request.url}"
