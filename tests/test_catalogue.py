"""Every case of the reliability catalogue (RELIABILITY.md §3, §4) has a test.

A test declares the catalogue ids it covers in one of two ways:

- its name starts with them: ``test_F07_persistent_503_...``, ``test_F40_S09_...``;
- its docstring has a marker line ``Catalogue: F27, S01.`` (ids separated by commas
  or spaces, the final full stop optional).

Only functions named ``test_*`` in ``tests/test_*.py`` count; ids in module docstrings
or comments do not.
"""

from __future__ import annotations

import ast
import re

import pytest

from tests.conftest import ROOT, SHARED

CATALOGUE = SHARED / "docs" / "RELIABILITY.md"
ROW = re.compile(r"^\| ([FS]\d{2}) \|", re.M)  # a table row that defines a case
NAME_IDS = re.compile(r"^test_((?:[FS]\d{2}_)+)")
MARKER = re.compile(r"^\s*Catalogue:\s*([FS]\d{2}(?:[,\s]+[FS]\d{2})*)\s*\.?\s*$", re.M)

# Cases that cannot apply to newsbot, each with the reason. Empty: every case applies.
NOT_APPLICABLE: dict[str, str] = {}


def catalogue_ids() -> set[str]:
    if not CATALOGUE.is_file():
        pytest.skip(
            f"catalogue not available: {CATALOGUE} is absent (clone ../shared beside the repo)"
        )
    return set(ROW.findall(CATALOGUE.read_text(encoding="utf-8")))


def declared(name: str, docstring: str | None) -> set[str]:
    """The catalogue ids a test named ``name`` with ``docstring`` declares."""
    ids: set[str] = set()
    if m := NAME_IDS.match(name):
        ids.update(m.group(1).rstrip("_").split("_"))
    for m in MARKER.finditer(docstring or ""):
        ids.update(re.findall(r"[FS]\d{2}", m.group(1)))
    return ids


def covered() -> dict[str, set[str]]:
    """Catalogue id → the tests (``file::name``) that declare it."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
                "test_"
            ):
                for cid in declared(node.name, ast.get_docstring(node)):
                    found.setdefault(cid, set()).add(f"{path.name}::{node.name}")
    return found


def test_the_conventions_are_read_as_documented() -> None:
    assert declared("test_F07_persistent_503", None) == {"F07"}
    assert declared("test_F40_S09_disallowed", None) == {"F40", "S09"}
    assert declared("test_reruns", "Same bytes.\n\nCatalogue: F27, S01.\n") == {"F27", "S01"}
    assert declared("test_x", "Catalogue: F26 F29") == {"F26", "F29"}
    assert declared("test_x", "Not a marker: see F27 and Catalogue: F28.") == set()
    assert declared("test_Fx_and_F1", None) == set()


def test_every_catalogue_case_has_a_test() -> None:
    ids = catalogue_ids()
    assert len(ids) > 0, f"no case rows found in {CATALOGUE}"
    missing = sorted(ids - set(covered()) - set(NOT_APPLICABLE))
    assert not missing, f"catalogue cases with no test: {missing}"


def test_tests_name_only_real_cases() -> None:
    ids = catalogue_ids()
    unknown = {cid: sorted(tests) for cid, tests in covered().items() if cid not in ids}
    assert not unknown, f"tests name ids the catalogue does not have: {unknown}"


def test_not_applicable_cases_are_real_untested_and_explained() -> None:
    ids, tests = catalogue_ids(), covered()
    for cid, why in NOT_APPLICABLE.items():
        assert cid in ids, f"{cid} is not in the catalogue"
        assert why.strip(), f"{cid} needs a reason"
        assert cid not in tests, f"{cid} is tested by {sorted(tests[cid])}: it applies"
