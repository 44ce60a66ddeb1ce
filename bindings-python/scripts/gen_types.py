"""Generates ``python/tcrules/_generated.py`` from the JSON Schemas that the core derives from
its Rust types (``core/schema/*.schema.json``): the fields of every result type, and a
``Literal`` alias for every set of string constants (status, severity, rule ids, ...).
The hand-written classes of ``_types.py`` build on these fields and add the decoding,
tables, display and docstrings. Standard library only; the output is deterministic.

    python3 bindings-python/scripts/gen_types.py

Schema to Python:

- a named set of string constants (``enum``, ``const`` or a ``oneOf`` of them) becomes a
  ``Literal`` alias of the same name, its values in schema order; an object with
  ``properties`` becomes ``<Name>Fields``, a frozen dataclass;
- the core's exact-decimal pattern becomes ``Decimal``, ``format: date`` becomes ``date``,
  other strings ``str``; integers ``int``; booleans ``bool``; ``null`` among the options
  ``Optional``;
- arrays become ``list`` (``tuple`` when their length is fixed), findings ``Findings``; a map
  ``dict[str, ...]``, and so does an object the Python side has no class for (a reporting
  period);
- fields come in the schema's ``required`` order (the Rust declaration order), then the
  others in the schema's order (by name), each with its empty default (a dataclass field
  with a default cannot precede one without); a field named by a Python keyword (``class``)
  takes the name of its type in snake case (``duration_class``).
"""

from __future__ import annotations

import json
import keyword
import re
import sys
from pathlib import Path
from typing import Any

BINDING = Path(__file__).resolve().parents[1]
SCHEMAS = BINDING.parent / "core" / "schema"
OUT = BINDING / "python" / "tcrules" / "_generated.py"

# The schemas of results; the others (portfolio, project, proposal, policy) are inputs.
RESULTS = ("appraisal", "finding", "iati", "report")
DECIMAL_PATTERN = r"^-?\d+(\.\d+)?([eE]\d+)?$"
# The schema carries a fact's decimals and dates as plain strings, so `_types` decodes facts by
# their look (`FactValue`); every other field is decoded from what its schema says.
HAND_WRITTEN = {"Fact": "FactValue"}
NULL = {"type": "null"}


def load(schema_dir: Path) -> dict[str, Any]:
    """Every result schema's named types, and each root under its title, as one set."""
    defs: dict[str, Any] = {}
    for stem in RESULTS:
        schema = json.loads((schema_dir / f"{stem}.schema.json").read_text(encoding="utf-8"))
        named = dict(schema.pop("$defs", {}))
        schema.pop("$schema", None)
        named[schema.pop("title")] = schema
        for name, node in named.items():
            if defs.setdefault(name, node) != node:
                raise SystemExit(f"{stem}.schema.json: {name} differs from its namesake in another schema")
    return defs


def constants(node: Any) -> list[str] | None:
    """The values of a set of string constants, in schema order; ``None`` for any other schema."""
    if "oneOf" in node:
        parts = [constants(option) for option in node["oneOf"]]
        return None if None in parts else [v for part in parts for v in part or []]
    if node.get("type") != "string":
        return None
    if "const" in node:
        return [node["const"]]
    return list(node["enum"]) if "enum" in node else None


def literal(values: list[str]) -> str:
    one_line = f"Literal[{', '.join(json.dumps(v) for v in values)}]"
    if len(one_line) <= 90:
        return one_line
    return "Literal[\n" + "".join(f"    {json.dumps(v)},\n" for v in values) + "]"


def doc(node: Any, indent: str = "") -> list[str]:
    """The first paragraph of a schema's description, as ``#:`` comment lines."""
    text = (node.get("description") or "").split("\n\n")[0]
    return [f"{indent}#: {line}".rstrip() for line in text.splitlines()]


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Generator:
    def __init__(self, defs: dict[str, Any]) -> None:
        self.defs = defs
        self.aliases = {n: v for n, d in defs.items() if (v := constants(d)) is not None}
        self.classes = {n: d for n, d in defs.items() if d.get("type") == "object" and "properties" in d}
        self.used: set[str] = set()  # names to import

    def annotation(self, node: Any) -> str:
        """The Python type of a JSON value with schema ``node``."""
        if "$ref" in node:
            name: str = node["$ref"].removeprefix("#/$defs/")
            if name in HAND_WRITTEN:
                return self.use(HAND_WRITTEN[name])
            if name in self.aliases:
                return name
            if name in self.classes:
                return self.use(name)
            return self.annotation(self.defs[name])  # a shape with no name in Python
        values = constants(node)
        if values is not None:
            return literal(values)
        for key in ("anyOf", "oneOf"):
            if key in node:
                options = [o for o in node[key] if o != NULL]
                if len(options) == 1 and len(options) < len(node[key]):
                    return f"{self.use('Optional')}[{self.annotation(options[0])}]"
                if all(o.get("type") == "object" for o in options):
                    return "dict[str, Any]"
                raise SystemExit(f"no Python type for {json.dumps(node)}")
        types = node.get("type")
        types = types if isinstance(types, list) else [types]
        base = self.base(node, [t for t in types if t != "null"])
        return f"{self.use('Optional')}[{base}]" if "null" in types else base

    def base(self, node: Any, types: list[str]) -> str:
        if node.get("pattern") == DECIMAL_PATTERN:
            return self.use("Decimal")
        if types == ["string"]:
            return self.use("date") if node.get("format") == "date" else "str"
        if types == ["integer"]:
            return "int"
        if types == ["boolean"]:
            return "bool"
        if types == ["array"]:
            if node["items"] == {"$ref": "#/$defs/Finding"}:
                return self.use("Findings")
            item = self.annotation(node["items"])
            if "maxItems" in node and node.get("minItems") == node["maxItems"]:
                return f"tuple[{', '.join([item] * node['maxItems'])}]"
            return f"list[{item}]"
        if types == ["object"]:
            if isinstance(node.get("additionalProperties"), dict):
                return f"dict[str, {self.annotation(node['additionalProperties'])}]"
            values = {self.annotation(p) for p in node.get("properties", {}).values()}
            return f"dict[str, {values.pop() if len(values) == 1 else 'Any'}]"
        raise SystemExit(f"no Python type for {json.dumps(node)}")

    def use(self, name: str) -> str:
        self.used.add(name)
        return name

    def dataclass(self, name: str) -> str:
        node = self.classes[name]
        required: list[str] = node.get("required", [])
        props: dict[str, Any] = node["properties"]
        lines = ["", "", "@dataclass(frozen=True)", f"class {name}Fields:"]
        lines += [f'    """The fields of :class:`{name}`."""', ""]
        renamed = {}
        for key in required + [k for k in props if k not in required]:
            prop = props[key]
            attr = key
            if keyword.iskeyword(key):
                attr = snake(prop["$ref"].removeprefix("#/$defs/"))
                renamed[attr] = key
            tp = self.annotation(prop)
            default = ""
            if key not in required:
                if tp.startswith("Optional["):
                    default = " = None"
                elif tp in ("int", "bool", "str"):
                    default = {"int": " = 0", "bool": " = False", "str": ' = ""'}[tp]
                else:
                    factory = {"list": "list", "dict": "dict", "Findings": "Findings"}[tp.split("[")[0]]
                    default = f" = field(default_factory={factory})"
            lines += doc(prop, "    ")
            lines.append(f"    {attr}: {tp}{default}")
        if renamed:
            self.use("ClassVar")
            lines.append(f"    _keys: ClassVar[dict[str, str]] = {json.dumps(renamed)}")
        lines.append("    raw: Any = field(default=None, repr=False, compare=False)")
        return "\n".join(lines) + "\n"


def render(schema_dir: Path = SCHEMAS) -> str:
    """The text of ``_generated.py`` for the schemas in ``schema_dir``."""
    gen = Generator(load(schema_dir))
    classes = "".join(gen.dataclass(name) for name in sorted(gen.classes))
    aliases = "\n\n" + "\n".join(
        "\n".join([*doc(gen.defs[name]), f"{name} = {literal(values)}", ""])
        for name, values in sorted(gen.aliases.items())
    )
    typing = sorted({"Any", "Literal"} | (gen.used & {"ClassVar", "Optional"}))
    runtime = sorted(gen.used & {"Decimal", "date", "Findings"})
    checking = sorted(gen.used - set(typing) - set(runtime))
    imports = [
        "from dataclasses import dataclass, field",
        *(["from datetime import date"] if "date" in runtime else []),
        *(["from decimal import Decimal"] if "Decimal" in runtime else []),
        f"from typing import TYPE_CHECKING, {', '.join(typing)}",
        "",
        *(["from ._findings import Findings", ""] if "Findings" in runtime else []),
        "if TYPE_CHECKING:",
        "    from ._types import (",
        *(f"        {name}," for name in checking),
        "    )",
    ]
    return (
        "# Generated by bindings-python/scripts/gen_types.py from core/schema/*.schema.json: do not edit.\n"
        '"""The fields of the result types and the string enums, as the core\'s JSON Schemas give them."""\n\n'
        "from __future__ import annotations\n\n" + "\n".join(imports) + "\n" + aliases + classes
    )


def main() -> None:
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT.relative_to(BINDING.parent)}", file=sys.stderr)


if __name__ == "__main__":
    main()
