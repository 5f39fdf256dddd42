"""scripts/build_science.py: the docstring term list (the rest needs the shared data).

The package screened here is written by the test into a temporary folder.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def build() -> ModuleType:
    path = ROOT / "scripts" / "build_science.py"
    spec = importlib.util.spec_from_file_location("_build_science", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_docstring_terms_keep_recurring_ngrams_without_stopword_ends(
    build: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = tmp_path / "toypkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text('"""Fit a random forest to the data."""\n')
    (pkg / "models.py").write_text(
        '"""Models."""\n\n'
        "def a():\n    \"\"\"A random forest of trees; see the hidden layer.\"\"\"\n\n"
        "def b():\n    \"\"\"Another random forest. The hidden layer is small.\"\"\"\n\n"
        "class C:\n    \"\"\"Uses a random forest of depth 3 and one gradient step.\"\"\"\n"
        "# a random forest in a comment is not a docstring\n"
    )
    (pkg / "broken.py").write_text("def (:\n")  # a file that does not parse is skipped
    monkeypatch.syspath_prepend(str(tmp_path))
    terms = build.docstring_terms(("toypkg", "no_such_package_here"), min_count=3)
    assert "random forest" in terms  # four docstrings
    assert "hidden layer" not in terms  # twice only
    assert all(not t.startswith(("the ", "a ", "of ")) for t in terms)
    assert "random forest of" not in terms  # ends with a stop word
    assert "hidden layer" in build.docstring_terms(("toypkg",), min_count=2)


def test_docstring_terms_cache_is_reused_until_a_source_file_changes(
    build: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkg = tmp_path / "cachepkg"
    pkg.mkdir()
    mod = pkg / "__init__.py"
    mod.write_text('"""A random forest.\n\nA random forest again."""\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    cache = tmp_path / "cache"
    assert build.docstring_terms(("cachepkg",), min_count=2, cache_dir=cache) == ["random forest"]
    (file,) = cache.iterdir()
    file.write_text("planted term")  # the next call reads the cache, not the package
    assert build.docstring_terms(("cachepkg",), min_count=2, cache_dir=cache) == ["planted term"]
    # another threshold is another cache entry
    assert build.docstring_terms(("cachepkg",), min_count=3, cache_dir=cache) == []
    mod.write_text('"""A hidden layer.\n\nA hidden layer again, longer now."""\n')
    assert build.docstring_terms(("cachepkg",), min_count=2, cache_dir=cache) == ["hidden layer"]
