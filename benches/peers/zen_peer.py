"""RULES.md §1 as a GoRules decision (JDM) run by zen-engine, as its users write one: an
expression node for the duration in months and days (ZEN's `d()` dates clamp month
addition to the end of the month) and the annual reviews, then decision tables for the
duration band and the independent-evaluation threshold. ZEN computes in decimals; money
goes in as integer cents and rates in 1/10,000, so the comparison is exact.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import zen


def _expr(key: str, value: str) -> dict[str, str]:
    return {"id": key, "key": key, "value": value}


def _node(id: str, type: str, name: str, content: dict[str, Any] | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"id": id, "type": type, "name": name, "position": {"x": 0, "y": 0}}
    if content is not None:
        node["content"] = content
    return node


def _table(inputs: list[tuple[str, str]], outputs: list[tuple[str, str]], rules: list[list[str]]) -> dict[str, Any]:
    """A first-hit decision table: columns as (id, field), rules as cells in column order."""
    columns = [c for c, _ in inputs + outputs]
    return {
        "hitPolicy": "first",
        "inputs": [{"id": c, "name": f, "type": "expression", "field": f} for c, f in inputs],
        "outputs": [{"id": c, "name": f, "type": "expression", "field": f} for c, f in outputs],
        "rules": [{"_id": f"r{i}", **dict(zip(columns, cells))} for i, cells in enumerate(rules)],
    }


GRAPH = {
    "contentType": "application/vnd.gorules.decision",
    "nodes": [
        _node("in", "inputNode", "Project"),
        _node("dur", "expressionNode", "Duration, both days counted", {"passThrough": True, "expressions": [
            _expr("limit", "d(end).add(1, 'd')"),
            _expr("estimate", "($.limit.year() - d(start).year()) * 12 + $.limit.month() - d(start).month()"),
            _expr("months", "d(start).add($.estimate, 'M').isAfter($.limit) ? $.estimate - 1 : $.estimate"),
            _expr("days", "$.limit.diff(d(start).add($.months, 'M'), 'day')"),
            _expr("years", "d(end).year() - d(start).year()"),
            _expr("reviews", "max([0, d(start).add($.years * 12, 'M').isBefore(d(end)) ? $.years : $.years - 1])"),
            _expr("budget_usd_micro", "budget_cents * rate4"),
        ]}),
        _node("band", "decisionTableNode", "R6 §143: evaluations by duration", _table(
            [("m", "months"), ("d", "days")],
            [("c", "duration_class"), ("mte", "mid_term_evaluation"), ("mtr", "mid_term_review_if_agreed"),
             ("ar", "annual_reviews"), ("dm", "duration_months"), ("dd", "duration_days")],
            [
                ["< 18", "", "'short'", "false", "false", "0", "months", "days"],
                ["< 30", "", "'medium'", "true", "false", "0", "months", "days"],
                ["30", "0", "'medium'", "true", "false", "0", "months", "days"],
                ["", "", "'long'", "false", "true", "reviews", "months", "days"],
            ],
        )),
        _node("ind", "decisionTableNode", "R6 §143: independent evaluation", _table(
            [("b", "budget_usd_micro")],
            [("ie", "independent_evaluation"), ("usd", "budget_usd_micro")],
            [["> 350000000000", "true", "budget_usd_micro"], ["", "false", "budget_usd_micro"]],
        )),
        _node("out", "outputNode", "Requirements"),
    ],
    "edges": [
        {"id": f"e{i}", "sourceId": a, "targetId": b, "type": "edge"}
        for i, (a, b) in enumerate([("in", "dur"), ("dur", "band"), ("dur", "ind"), ("band", "out"), ("ind", "out")])
    ],
}

KEY = "requirements"
ENGINE = zen.ZenEngine({"loader": {"type": "static", "content": {KEY: GRAPH}}})
DECISION = ENGINE.create_decision(GRAPH)
COLUMNS = ["duration_months", "duration_days", "duration_class", "budget_usd_micro", "mid_term_evaluation",
           "annual_reviews", "mid_term_review_if_agreed", "independent_evaluation"]


def contexts(df: pd.DataFrame, rate4: dict[str, int]) -> list[dict[str, Any]]:
    """One input per row, as zen takes them: dates as ISO text, exact integer money."""
    return pd.DataFrame({
        "start": df["start"].dt.strftime("%Y-%m-%d"),
        "end": df["end"].dt.strftime("%Y-%m-%d"),
        "budget_cents": (df["budget_amount"] * 100).round().astype("int64"),
        "rate4": df["budget_currency"].map(rate4),
    }).to_dict("records")


def _frame(results: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame.from_records(results, columns=COLUMNS)


def one_by_one(df: pd.DataFrame, rate4: dict[str, int]) -> pd.DataFrame:
    return _frame([DECISION.evaluate(c)["result"] for c in contexts(df, rate4)])


def batch(df: pd.DataFrame, rate4: dict[str, int]) -> pd.DataFrame:
    answers = ENGINE.evaluate_batch([{"key": KEY, "context": c} for c in contexts(df, rate4)])
    return _frame([a["data"]["result"] for a in answers])
