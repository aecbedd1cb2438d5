"""The package's public surface, and the import graph of its modules: one way, no cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import newsbot
from tests.conftest import ROOT

PACKAGE = ROOT / "newsbot"
PUBLIC = {
    "__version__", "run", "backfill", "load_config", "load_jobs", "Config", "Job", "Article",
    "RunReport", "NewsbotError", "UsageError", "ConfigError", "JobError", "Busy", "SourceError",
    "FetchError", "LayoutChanged", "WriteError", "StoreError", "StoreBusy", "StoreCorrupt", "RecordingError", "PublishError",
    "JobRunFailed", "SummaryError", "LlmUnavailable", "OverBudget", "LlmInvalid", "Rejected",
}  # fmt: skip


def test_all_is_exactly_the_public_api() -> None:
    assert set(newsbot.__all__) == PUBLIC
    assert len(newsbot.__all__) == len(PUBLIC)  # no name twice
    for name in PUBLIC:
        assert getattr(newsbot, name) is not None, name
    assert newsbot.run.__module__ == "newsbot.app" and newsbot.Job.__module__ == "newsbot.jobs"
    errors = {n for n in PUBLIC if isinstance(getattr(newsbot, n), type)
              and issubclass(getattr(newsbot, n), Exception)}  # fmt: skip
    import newsbot.errors as tree

    defined = {n for n, v in vars(tree).items() if isinstance(v, type)
               and issubclass(v, Exception) and v.__module__ == tree.__name__}  # fmt: skip
    assert errors == defined  # the whole error tree, and only it
    with pytest.raises(AttributeError):
        newsbot.pipeline_run  # type: ignore[attr-defined]  # noqa: B018


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports_of(name: str) -> set[str]:
    """The newsbot modules ``name`` imports, at module level or inside a function."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            base = node.module if not node.level else f"{package}.{node.module}"
            for alias in node.names:  # ``from pkg import sub`` is the submodule
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def test_there_are_no_import_cycles() -> None:
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            cycle = " → ".join([*path[path.index(node) :], node])
            raise AssertionError(f"import cycle: {cycle}")
        if node in done:
            return
        for nxt in sorted(GRAPH[node]):
            visit(nxt, [*path, node])
        done.add(node)

    for name in sorted(GRAPH):
        visit(name, [])


def under(prefix: str) -> list[str]:
    return [m for m in MODULES if m == prefix or m.startswith(prefix + ".")]


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("newsbot.redact", ["newsbot"]),  # the bottom: imports nothing of ours
        ("newsbot.dates", ["newsbot"]),
        ("newsbot.errors", ["newsbot.models", "newsbot.config", "newsbot.fetch"]),
        ("newsbot.models", ["newsbot.config", "newsbot.fetch", "newsbot.sources"]),
        ("newsbot.config", ["newsbot.jobs", "newsbot.sources", "newsbot.fetch"]),
        ("newsbot.fetch", ["newsbot.sources", "newsbot.pipeline", "newsbot.posts", "newsbot.app"]),
        ("newsbot.sources", ["newsbot.pipeline", "newsbot.posts", "newsbot.fetch.client"]),
        ("newsbot.extract", ["newsbot.sources", "newsbot.pipeline", "newsbot.fetch.client"]),
        ("newsbot.posts", ["newsbot.fetch", "newsbot.pipeline", "newsbot.sources", "newsbot.app"]),
        ("newsbot.pipeline", ["newsbot.app", "newsbot.publish", "newsbot.report"]),
        ("newsbot.app", ["newsbot.report"]),
    ],
)
def test_layers_import_one_way(layer: str, forbidden: list[str]) -> None:
    for name in under(layer):
        bad = {m for m in GRAPH[name] for f in forbidden if m == f or m.startswith(f + ".")}
        if forbidden == ["newsbot"]:
            bad = GRAPH[name]
        assert not bad, f"{name} imports {sorted(bad)}"


def test_only_the_cli_and_main_import_the_cli() -> None:
    for name, deps in GRAPH.items():
        if not name.startswith("newsbot.cli") and name != "newsbot.__main__":
            assert not [m for m in deps if m.startswith("newsbot.cli")], name


def test_sources_take_only_the_page_record_from_the_fetch_layer() -> None:
    for name in under("newsbot.sources"):
        assert {m for m in GRAPH[name] if m.startswith("newsbot.fetch")} <= {"newsbot.fetch.page"}
