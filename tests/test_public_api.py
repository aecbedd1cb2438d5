"""The package's public surface and its import layering."""

from __future__ import annotations

import ast
from pathlib import Path

import newsbot
from tests.conftest import ROOT


def test_all_matches_what_can_be_imported() -> None:
    exported = set(newsbot.__all__)
    public = {n for n in vars(newsbot) if not n.startswith("_") or n == "__version__"}
    assert exported <= public
    assert {n for n in public if isinstance(getattr(newsbot, n), type)} <= exported


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("newsbot"):
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("newsbot"))
    return names


def test_layers_import_one_way() -> None:
    package = ROOT / "newsbot"
    for path in package.rglob("*.py"):
        mods = imports_of(path)
        if path.name != "__main__.py":
            assert "newsbot.cli" not in mods, f"{path} imports the CLI"
        if path.parent.name == "sources":
            assert "newsbot.fetch" not in mods and "newsbot.pipeline" not in mods, path
        if path.name in ("models.py", "errors.py", "config.py"):
            allowed = {"newsbot.errors", "newsbot.models", "newsbot.charset", "newsbot.redact"}
            assert not mods - allowed, path
        if path.name in ("charset.py", "redact.py"):  # the bottom layer
            assert not mods, path
