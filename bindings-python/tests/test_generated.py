"""The generated result fields (``_generated.py``) are what the core's JSON Schemas give, and
the exception classes cover exactly the core's error codes."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any, get_args

ROOT = Path(__file__).resolve().parents[1]


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("gen_types", ROOT / "scripts" / "gen_types.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_types_match_the_schemas() -> None:
    gen = _generator()
    assert gen.OUT.read_text(encoding="utf-8") == gen.render(), (
        "python/tcrules/_generated.py is out of date with core/schema/*.schema.json: "
        "run `python3 bindings-python/scripts/gen_types.py` and reinstall the package"
    )


def test_error_classes_cover_exactly_the_core_codes() -> None:
    from tcrules import errors
    from tcrules._generated import ErrorCode

    core, python = set(get_args(ErrorCode)), set(errors.CODES)
    assert python == core, (
        f"tcrules.errors.CODES should map exactly the core's Error::CODES: no class for "
        f"{sorted(core - python)}, codes the core does not have {sorted(python - core)}"
    )
