"""tcrules' batch functions inside the engines analysts already run, beyond one machine.

The row-wise batch functions (:func:`tcrules.requirements`, :func:`tcrules.evaluate`,
:func:`tcrules.schedule`, :func:`tcrules.appraise`) take an Arrow record batch and give one
back, one row out per row in: exactly what PySpark's ``DataFrame.mapInArrow`` and a DuckDB
relation's Arrow stream carry. These helpers run them there unchanged, batch by batch, so
the table never has to fit in one process:

>>> import duckdb, tcrules
>>> from tcrules.engines import duckdb_map
>>> con = duckdb.connect()
>>> projects = con.sql("select 'P1' as id, date '2024-01-01' as start, date '2025-06-30' as \\"end\\", "
...                    "350000.01::decimal(12,2) as budget_amount, 'USD' as budget_currency")
>>> duckdb_map(projects, tcrules.requirements, connection=con).select("id, independent_evaluation").fetchall()
[('P1', True)]

Delivery is a sum before it is a rate: over a partitioned table, sum each partition's
``allocation_usd`` and ``expenditure_usd`` per group, then divide once (the rate of a group
is Σexpenditure / Σallocation, never a mean of rates).
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pyarrow as pa

BatchFunction = Callable[..., Any]
"""A tcrules batch function: Arrow record batch in, record batch out, one row per row."""


SCALE = 10
"""Decimal places of exact decimal result columns in an engine's declared schema: a batch
gives its amounts at the scale its own values need, an engine declares one type for all
batches, and a value that would need more places is an error, never rounded."""


def _result_schema(function: BatchFunction, schema: pa.Schema, options: dict[str, Any]) -> pa.Schema:
    """The columns ``function`` gives for input columns ``schema`` (its answer to no rows),
    exact decimals at :data:`SCALE` places."""
    empty = pa.RecordBatch.from_pylist([], schema=schema)
    result: pa.Schema = function(empty, **options).schema
    return pa.schema([f.with_type(pa.decimal128(38, SCALE)) if pa.types.is_decimal(f.type) else f for f in result])


def _signed(schema: pa.Schema) -> pa.Schema:
    """The schema with unsigned integers widened to signed ones (Spark has no unsigned
    type): counts and months fit."""
    wider = {pa.uint8(): pa.int16(), pa.uint16(): pa.int32(), pa.uint32(): pa.int64(), pa.uint64(): pa.int64()}
    return pa.schema([f.with_type(wider.get(f.type, f.type)) for f in schema])


def spark_map(df: Any, function: BatchFunction, **options: Any) -> Any:
    """Runs ``function`` (for instance :func:`tcrules.requirements`) on every Arrow batch
    of the Spark DataFrame ``df`` through ``mapInArrow``: each executor runs the Rust core
    on its partitions, and the result is a Spark DataFrame of the input's columns and the
    function's result columns (unsigned counts as signed integers, which Spark has; exact
    decimals at :data:`SCALE` places).
    ``options`` (``rates=``, ``policy=``) go to every call.

    ``df`` needs the columns the function reads, typed as Spark types that cross to Arrow:
    dates as ``DateType`` (or ISO text), amounts as ``DecimalType`` (exact; doubles are
    read as their shortest decimal), text as ``StringType``.
    """
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema

    schema = _signed(_result_schema(function, to_arrow_schema(df.schema), options))

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            yield function(batch, **options).cast(schema)

    return df.mapInArrow(run, from_arrow_schema(schema))


def duckdb_map(relation: Any, function: BatchFunction, *, connection: Any, batch_size: int = 100_000, **options: Any) -> Any:
    """Runs ``function`` on a DuckDB relation's rows as an Arrow stream, ``batch_size``
    rows at a time, and gives a relation on ``connection`` (the relation's own) of the
    input's columns and the result columns, to query on (``.filter``, ``.aggregate``, or SQL
    after ``.create_view``). The rows stream through once, as the result is consumed,
    never materialized in Python: the input is read through a cursor of the same
    database, so that the result can be queried on ``connection`` while it is read.
    """
    reader: pa.RecordBatchReader = connection.cursor().sql(relation.sql_query()).to_arrow_reader(batch_size)
    schema = _result_schema(function, reader.schema, options)
    batches = (function(batch, **options).cast(schema) for batch in reader)
    return connection.from_arrow(pa.RecordBatchReader.from_batches(schema, batches))
