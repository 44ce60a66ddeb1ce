"""The batch functions inside PySpark (mapInArrow, local mode) and DuckDB (Arrow
relations): the same answers as the direct call, on a few thousand rows."""

from __future__ import annotations

import datetime
import os
import random
import sys
from decimal import Decimal

import pyarrow as pa
import pytest

import tcrules
from tcrules.engines import duckdb_map, spark_map


def projects(n: int = 3_000) -> pa.Table:
    rng = random.Random(2006)
    rows = []
    for i in range(n):
        start = datetime.date(2020, rng.randint(1, 12), rng.randint(1, 28))
        months = rng.choice([6, 17, 18, 24, 30, 31, 48])
        end = start + datetime.timedelta(days=round(months * 30.44))
        amount = rng.choice([Decimal("350000.00"), Decimal("350000.01"), Decimal(rng.randint(10_000, 2_000_000))])
        rows.append({"id": f"P{i}", "start": start, "end": end, "budget_amount": amount,
                     "budget_currency": rng.choice(["USD", "EUR", "CHF"])})
    rows.append({"id": "BAD", "start": datetime.date(2024, 1, 1), "end": datetime.date(2023, 1, 1),
                 "budget_amount": Decimal(1), "budget_currency": "USD"})
    schema = pa.schema([("id", pa.string()), ("start", pa.date32()), ("end", pa.date32()),
                        ("budget_amount", pa.decimal128(14, 2)), ("budget_currency", pa.string())])
    return pa.Table.from_pylist(rows, schema=schema)


RATES = {"EUR": Decimal("1.0842"), "CHF": Decimal("1.1285")}
COLUMNS = ["id", "duration_class", "budget_usd", "independent_evaluation", "error_code"]


def expected() -> list[tuple]:
    direct = tcrules.requirements(projects(), rates=RATES)
    return sorted(zip(*(direct.column(c).to_pylist() for c in COLUMNS)))


def test_duckdb_relations() -> None:
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    table = projects()
    rel = con.from_arrow(table)
    out = duckdb_map(rel, tcrules.requirements, batch_size=500, connection=con, rates=RATES)
    assert sorted(out.select(", ".join(f'"{c}"' for c in COLUMNS)).fetchall()) == expected()
    # The result is a relation to query on: SQL over the rules' answers.
    out = duckdb_map(con.from_arrow(table), tcrules.requirements, connection=con, rates=RATES)
    out.create_view("requirements")
    [(n,)] = con.sql("select count(*) from requirements where independent_evaluation").fetchall()
    assert n == sum(1 for row in expected() if row[3])


@pytest.fixture(scope="module")
def spark():  # type: ignore[no-untyped-def]
    pyspark = pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    # The workers run this interpreter, which has tcrules, as a cluster's would.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("tcrules-test")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    assert pyspark.__version__
    yield session
    session.stop()


def test_spark_map_in_arrow(spark) -> None:  # type: ignore[no-untyped-def]
    df = spark.createDataFrame(projects()).repartition(4)
    out = spark_map(df, tcrules.requirements, rates=RATES)
    rows = out.select(*COLUMNS).collect()
    got = sorted(tuple(r[c] for c in COLUMNS) for r in rows)
    assert got == expected()
    # Spark computes on the answers: the independent evaluations by duration class.
    counts = {r["duration_class"]: r["count"] for r in out.filter("independent_evaluation").groupBy("duration_class").count().collect()}
    assert sum(counts.values()) == sum(1 for row in expected() if row[3])
    assert dict(out.schema.fields[-1].jsonValue()) and "duration_months" in out.columns
