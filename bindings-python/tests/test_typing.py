"""The hand-written stub matches the native module (mypy.stubtest), and the package
type-checks strictly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_stub_matches_the_native_module() -> None:
    pytest.importorskip("mypy")
    r = subprocess.run([sys.executable, "-m", "mypy.stubtest", "tcrules._tcrules"], capture_output=True, text=True, cwd=ROOT / "tests")
    assert r.returncode == 0, r.stdout + r.stderr


def test_package_type_checks() -> None:
    pytest.importorskip("mypy")
    r = subprocess.run([sys.executable, "-m", "mypy"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


def test_py_typed_is_shipped() -> None:
    import tcrules

    assert (Path(tcrules.__file__).parent / "py.typed").exists()
    assert (Path(tcrules.__file__).parent / "_tcrules.pyi").exists()
