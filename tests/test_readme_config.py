"""The newsbot.toml example in the README is a valid configuration."""

from __future__ import annotations

import re
from pathlib import Path

from newsbot import config as config_mod
from newsbot.sources.settings import resolve
from tests.conftest import ROOT


def test_readme_config_example_loads(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1]
    block = re.search(r"```toml\n(.*?)```", section, re.S)
    assert block is not None
    path = tmp_path / "newsbot.toml"
    path.write_text(block.group(1), encoding="utf-8")
    cfg = config_mod.load(path)
    resolve(cfg)
    assert cfg.summarize.backend == "extractive" and cfg.summarize.llm.model
    assert cfg.extract == {"etnews": {"body": "#articleBody"}}
