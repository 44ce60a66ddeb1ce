"""Tables in, the same kind of table out: pandas, polars, pyarrow or a list of dicts.

Every kind goes to a ``pyarrow.Table`` column by column (a column that Arrow cannot type
as a whole — mixed values in an object column, say — goes as text, so the core reports its
bad cells row by row instead of the whole table failing). Results come back as Arrow
columns and are joined to the input in its own kind, one row per input row, in order.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

import pyarrow as pa

Kind = str
"""``"arrow"``, ``"batch"`` (a pyarrow RecordBatch), ``"pandas"``, ``"polars"`` or ``"list"``."""


def kind_of(data: Any) -> Kind:
    """Which kind of table ``data`` is; a ``TypeError`` for anything else."""
    if isinstance(data, pa.Table):
        return "arrow"
    if isinstance(data, pa.RecordBatch):
        return "batch"
    module = type(data).__module__.split(".")[0]
    if module == "pandas" and type(data).__name__ == "DataFrame":
        return "pandas"
    if module == "polars" and type(data).__name__ == "DataFrame":
        return "polars"
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)) and all(isinstance(r, Mapping) for r in data):
        return "list"
    raise TypeError(
        f"expected a pandas or polars DataFrame, a pyarrow Table or RecordBatch, or a list of dicts; "
        f"got {type(data).__name__}"
    )


def _text(v: Any) -> str | None:
    """A cell as the text the core's CSV layout reads."""
    if v is None:
        return None
    if isinstance(v, float):
        return repr(v)  # the shortest digits that round-trip; "nan" and "inf" are rejected by the core
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime) or type(v).__name__ == "Timestamp":
        midnight = (v.hour, v.minute, v.second, v.microsecond) == (0, 0, 0, 0)
        return str(v.date().isoformat() if midnight else v.isoformat())
    if isinstance(v, date):
        return v.isoformat()
    if type(v).__module__ == "numpy":
        if getattr(getattr(v, "dtype", None), "kind", None) == "M":
            v = v.astype("datetime64[us]")  # a datetime (nanoseconds would give an int)
        item: Any = v.item()
        return _text(item)
    if type(v).__name__ in ("NAType", "NaTType"):
        return None
    return str(v) if not isinstance(v, Decimal) else format(v, "f")


_UNTYPED = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError, ValueError, OverflowError)


def _datetimes(values: Any) -> pa.Array | None:
    """A numpy/pandas datetime64 column without NaT as Arrow timestamps over the same
    memory (pyarrow's own conversion scans and copies it); ``None`` for anything else."""
    dtype = getattr(values, "dtype", None)
    if getattr(dtype, "kind", None) != "M" or not type(dtype).__module__.startswith("numpy"):
        return None
    import numpy as np

    array = np.asarray(values)
    unit = np.datetime_data(array.dtype)[0]
    if unit not in ("s", "ms", "us", "ns") or np.isnat(array).any():
        return None
    return pa.array(array.view("int64")).view(pa.timestamp(unit))


def _column(values: Any) -> pa.Array | pa.ChunkedArray:
    """One column as Arrow: typed as a whole, NaN kept (so the core rejects it in its row);
    else with NaN as missing (pandas' placeholder in object columns); else as text."""
    fast = _datetimes(values)
    if fast is not None:
        return fast
    for from_pandas in (False, True):
        try:
            return pa.array(values, from_pandas=from_pandas)
        except _UNTYPED:
            pass
    return pa.array([_text(v) for v in values], pa.string())


def to_arrow(data: Any, kind: Kind) -> pa.Table:
    """The table as a ``pyarrow.Table`` (no copy for Arrow inputs)."""
    if kind == "arrow":
        return data
    if kind == "batch":
        return pa.Table.from_batches([data])
    if kind == "polars":
        import polars as pl

        try:
            # The newest layout keeps polars' string views: no copy of the text.
            return data.to_arrow(compat_level=pl.CompatLevel.newest())
        except Exception:
            return pa.table({c: _column(data[c].to_list()) for c in data.columns})
    if kind == "pandas":
        return pa.table({str(c): _column(data[c]) for c in data.columns})
    names: dict[str, None] = {}
    for row in data:
        names.update(dict.fromkeys(row))
    return pa.table({n: _column([row.get(n) for row in data]) for n in names})


def _batch(table: pa.Table) -> pa.RecordBatch:
    return pa.record_batch([c.combine_chunks() for c in table.columns], schema=table.schema)


def _pandas(result: pa.Table, index: Any) -> Any:
    """Result columns as pandas columns backed by the Arrow memory itself (``ArrowDtype``:
    ``uint32[pyarrow]``, ``bool[pyarrow]``, exact ``decimal128[pyarrow]`` whose items are
    ``Decimal``, ...): no copy, and missing values are ``pd.NA``. A dictionary-encoded
    text column (the findings table's) is a ``Categorical``, which ``.str`` and
    ``groupby`` read as text."""
    import pandas as pd

    def dtype(t: pa.DataType) -> Any:
        return None if pa.types.is_dictionary(t) else pd.ArrowDtype(t)

    frame = result.to_pandas(types_mapper=dtype)
    frame.index = index
    return frame


def merge(data: Any, kind: Kind, result: pa.Table) -> Any:
    """The input with the result columns after its own (an input column of the same name
    is replaced), in the input's kind."""
    names = set(result.column_names)
    if kind in ("arrow", "batch"):
        table = to_arrow(data, kind)
        table = table.drop([n for n in table.column_names if n in names])
        for name in result.column_names:
            table = table.append_column(result.schema.field(name), result.column(name))
        return table if kind == "arrow" else _batch(table)
    if kind == "pandas":
        out = data.drop(columns=[c for c in data.columns if c in names])
        extra = _pandas(result, data.index)
        for name in result.column_names:
            out[name] = extra[name]
        return out
    if kind == "polars":
        import polars as pl

        return data.drop([c for c in data.columns if c in names]).hstack(pl.from_arrow(result).get_columns())
    return [{**{k: v for k, v in row.items() if k not in names}, **res} for row, res in zip(data, result.to_pylist())]


def as_kind(result: pa.Table, kind: Kind) -> Any:
    """A result table of its own shape, in ``kind``."""
    if kind == "arrow":
        return result
    if kind == "batch":
        return _batch(result)
    if kind == "pandas":
        import pandas as pd

        return _pandas(result, pd.RangeIndex(result.num_rows))
    if kind == "polars":
        import polars as pl

        return pl.from_arrow(result)
    return result.to_pylist()


def _without_nulls(v: Any) -> Any:
    """A row read from Arrow without the null fields Arrow adds for absent ones."""
    if isinstance(v, Mapping):
        return {k: _without_nulls(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [_without_nulls(x) for x in v]
    return v


def rows(data: Any, kind: Kind) -> list[Any]:
    """The table's rows as dicts: a list of dicts as given; other kinds through Arrow,
    without the nulls Arrow puts in for absent fields."""
    if kind == "list":
        return list(data)
    return [_without_nulls(r) for r in to_arrow(data, kind).to_pylist()]


def result_table(columns: Mapping[str, Iterable[Any]], types: Mapping[str, pa.DataType]) -> pa.Table:
    """A result table from Python columns of the given types."""
    return pa.table({name: pa.array(list(values), types[name]) for name, values in columns.items()})
