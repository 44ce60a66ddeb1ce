#!/usr/bin/env python3
"""Checks the layout the design asks for (DESIGN.md, Layout), which no compiler checks:

- no import cycles between the files of a crate: the rules library, the columnar engine,
  the program and the two bindings (a file's `use` of another file of its crate is an
  edge; the crate root, which only declares and re-exports, is left out, and test code is
  not read);
- the rules library depends on no CLI, Arrow or pyo3 crate, and the columnar engine on no
  pyo3 crate.

Run from anywhere: `python3 tests/layout.py`. It prints each problem and exits 1, or
prints what it checked and exits 0.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRATES = ["core/tcrules", "core/arrow", "core/cli", "bindings-python", "bindings-wasm"]
FORBIDDEN = {
    "core/tcrules": ("clap", "arrow", "pyo3"),
    "core/arrow": ("pyo3",),
}

PATH = re.compile(r"\b(crate|super)((?:::[A-Za-z_]\w*)+)(?:::\{([^}]*)\})?")
BRACED = re.compile(r"\b(crate|super)::\{([^}]*)\}")
ITEM = r"pub(?:\([^)]*\))?\s+(?:struct|enum|fn|const|static|type|trait|mod|use)\s+{}\b"


def code(text: str) -> str:
    """The text without comments and without its test module."""
    text = re.split(r"\n#\[cfg\(test\)\]\s*\nmod tests\b", text)[0]
    return re.sub(r"//[^\n]*", "", text)


def modules(src: Path) -> dict[tuple[str, ...], Path]:
    """Each file's module path; files declared only for tests are left out."""
    out: dict[tuple[str, ...], Path] = {}
    test_only: set[tuple[str, ...]] = set()
    for f in sorted(src.rglob("*.rs")):
        parts = f.relative_to(src).with_suffix("").parts
        if parts[-1] == "mod":
            parts = parts[:-1]
        if parts in (("lib",), ("main",)):
            parts = ()
        out[parts] = f
    for parts, f in out.items():
        for name in re.findall(r"#\[cfg\(test\)\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", f.read_text()):
            test_only.add(parts + (name,))
    return {p: f for p, f in out.items() if not any(p[: len(t)] == t for t in test_only)}


def resolve(mods: dict[tuple[str, ...], Path], here: tuple[str, ...], base: str, segs: list[str]) -> tuple[str, ...]:
    """The file a path names: its longest prefix that is a module, then through a folder
    module's re-export of a child (`pub use child::{Name}` or `pub use child::*`)."""
    at: tuple[str, ...] = () if base == "crate" else here[:-1]
    for s in segs:
        if at + (s,) in mods:
            at = at + (s,)
        else:
            name = s
            text = code(mods[at].read_text()) if at in mods else ""
            for child in re.findall(r"pub use (\w+)::", text):
                target = mods.get(at + (child,))
                if target is None:
                    continue
                if re.search(rf"pub use {child}::(?:\{{[^}}]*\b{name}\b|{name}\b)", text) or (
                    re.search(rf"pub use {child}::\*", text)
                    and re.search(ITEM.format(name), code(target.read_text()))
                ):
                    return at + (child,)
            break
    return at


def cycles(crate: str) -> list[str]:
    src = ROOT / crate / "src"
    if not src.is_dir():
        return []
    mods = modules(src)
    edges: dict[tuple[str, ...], set[tuple[str, ...]]] = {m: set() for m in mods}
    for here, f in mods.items():
        if here == ():
            continue
        text = code(f.read_text())
        refs = [(b, p.strip(":").split("::")) for b, p, _ in PATH.findall(text)]
        for base, inner in BRACED.findall(text):
            refs += [(base, [n.strip().split("::")[0]]) for n in inner.split(",") if n.strip()]
        for base, segs in refs:
            to = resolve(mods, here, base, [s for s in segs if s])
            if to not in ((), here) and to in mods:
                edges[here].add(to)
    # Tarjan's strongly connected components: any with two files or more is a cycle.
    index: dict[tuple[str, ...], int] = {}
    low: dict[tuple[str, ...], int] = {}
    stack: list[tuple[str, ...]] = []
    found: list[str] = []

    def visit(v: tuple[str, ...]) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                names = sorted(str(mods[m].relative_to(ROOT)) for m in comp)
                found.append(f"{crate}: import cycle between {', '.join(names)}")

    for v in edges:
        if v not in index:
            visit(v)
    return found


def forbidden(crate: str) -> list[str]:
    manifest = ROOT / crate / "Cargo.toml"
    if crate not in FORBIDDEN or not manifest.exists():
        return []
    deps = tomllib.loads(manifest.read_text()).get("dependencies", {})
    return [
        f"{crate} depends on {name}, which the layout keeps out of it"
        for name in deps
        for banned in FORBIDDEN[crate]
        if name == banned or name.startswith(f"{banned}-")
    ]


def main() -> int:
    problems = [p for c in CRATES for p in cycles(c) + forbidden(c)]
    for p in problems:
        print(p, file=sys.stderr)
    if not problems:
        print(f"layout: no import cycles in {len(CRATES)} crates; no forbidden dependencies")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
