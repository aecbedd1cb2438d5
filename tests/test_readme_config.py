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


def test_every_toml_block_in_the_readme_parses_and_its_sources_validate(tmp_path: Path) -> None:
    """A user pastes these: each must be TOML, and each ``[[sources]]`` entry must load as a
    job's source (indented blocks inside list items included)."""
    import textwrap
    import tomllib

    from newsbot.jobs import SourceRef

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^( *)```toml\n(.*?)^\1```", readme, re.S | re.M)
    assert len(blocks) >= 4
    for indent, body in blocks:
        text = textwrap.dedent(body) if indent else body
        data = tomllib.loads(text)  # raises with the block's line on a paste that cannot load
        entries = data.get("sources", [])
        for entry in entries if isinstance(entries, list) else ():  # not newsbot.toml's table
            SourceRef.model_validate(entry)
