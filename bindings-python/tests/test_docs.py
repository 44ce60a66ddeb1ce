"""The examples in the docstrings run and give what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["tcrules", "tcrules._api", "tcrules._types", "tcrules.errors", "tcrules.plot"])
def test_docstring_examples(name: str) -> None:
    if name == "tcrules.plot":
        matplotlib = pytest.importorskip("matplotlib")
        matplotlib.use("Agg")
    module = importlib.import_module(name)
    failed, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS, extraglobs={"Decimal": __import__("decimal").Decimal})
    assert failed == 0
    assert tried > 0 or name == "tcrules._types"
