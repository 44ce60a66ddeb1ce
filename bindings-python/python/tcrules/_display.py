"""Rich display in notebooks: HTML tables of findings with status colours, rule ids and
citations. Presentation only: every figure shown comes from the core."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any, Iterable, Sequence

if TYPE_CHECKING:
    from ._types import (
        Appraisal,
        DeliveryReport,
        DeliverySeries,
        Finding,
        IatiReport,
        PolicyStamp,
        ProjectEvaluation,
        Report,
    )

COLOURS = {
    "pass": ("#1a7f37", "#dafbe1"),
    "fail": ("#cf222e", "#ffebe9"),
    "warning": ("#9a6700", "#fff8c5"),
    "not_applicable": ("#57606a", "#f6f8fa"),
    "ready": ("#1a7f37", "#dafbe1"),
    "revise": ("#9a6700", "#fff8c5"),
    "not_appraisable": ("#cf222e", "#ffebe9"),
    "error": ("#cf222e", "#ffebe9"),
}
"""Text and background colour of each status and verdict."""

MAX_ROWS = 60
"""Most rows a notebook display shows of one table (as pandas' ``display.max_rows``): the
rows that need action first, the rest counted. Every row stays in the result and its
``to_pandas()``."""

_ORDER = {"fail": 0, "error": 0, "warning": 1, "pass": 2, "not_applicable": 3}

_STYLE = "border-collapse:collapse;font-size:0.9em;text-align:left"
_CELL = "padding:3px 8px;border-bottom:1px solid #d0d7de;vertical-align:top;text-align:left"


def badge(status: str) -> str:
    """A coloured label for a status or verdict."""
    fg, bg = COLOURS.get(status, ("#24292f", "#f6f8fa"))
    return (
        f'<span style="color:{fg};background:{bg};border-radius:3px;padding:1px 6px;'
        f'font-weight:600;white-space:nowrap">{escape(status.replace("_", " "))}</span>'
    )


def table(header: Sequence[str], rows: Iterable[Sequence[str]], what: str = "rows", total: int | None = None) -> str:
    """An HTML table of at most :data:`MAX_ROWS` rows; cells are HTML already. The rows
    beyond (of ``total``, when the caller rendered only the first) are counted in a last
    line naming ``what`` they are."""
    rows = list(rows)
    head = "".join(f'<th style="{_CELL}">{escape(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f'<td style="{_CELL}">{c}</td>' for c in r) + "</tr>" for r in rows[:MAX_ROWS])
    more = (len(rows) if total is None else total) - MAX_ROWS
    foot = (
        f'<p style="color:#57606a"><small>… and {more:,} more {escape(what)} '
        f"(<code>.to_pandas()</code> has every one)</small></p>"
        if more > 0
        else ""
    )
    return f'<table style="{_STYLE}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{foot}'


def needing_action_first(findings: Sequence[Finding]) -> list[Finding]:
    """Failures, then warnings, then the rest, each in the core's order."""
    return sorted(findings, key=lambda f: _ORDER.get(f.status, 4))


def _facts(f: Finding) -> str:
    return "<br>".join(f"<code>{escape(k)}</code> = {escape(str(v))}" for k, v in f.facts.items())


def findings_table(findings: Sequence[Finding]) -> str:
    """Findings: status, rule id and severity, subject, message (with help and missing
    fields), facts compared, citation."""
    if not findings:
        return "<p><em>no findings</em></p>"

    def message(f: Finding) -> str:
        out = escape(f.message)
        if f.missing:
            out += "<br><small>missing: " + ", ".join(f"<code>{escape(m)}</code>" for m in f.missing) + "</small>"
        if f.help:
            out += f"<br><small>→ {escape(f.help)}</small>"
        return out

    # Rows past the limit are not rendered at all: a large portfolio's display stays small.
    shown = needing_action_first(findings)[:MAX_ROWS]
    rows = [
        [
            badge(f.status),
            f"<code style=\"white-space:nowrap\">{escape(f.rule)}</code><br><small>{escape(f.severity)}</small>",
            escape(f.subject or ""),
            message(f),
            f"<small>{_facts(f)}</small>",
            f"<small>{escape(f.citation)}</small>",
        ]
        for f in shown
    ]
    return table(["status", "rule", "subject", "message", "facts", "citation"], rows, "findings", len(findings))


def stamp(policy: PolicyStamp) -> str:
    """The policy edition line."""
    return (
        f'<small style="color:#57606a">policy {escape(policy.name)} {escape(policy.version)} '
        f"<code>{escape(policy.hash[:19])}…</code></small>"
    )


def _counts(findings: Sequence[Finding]) -> str:
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.status] = counts.get(f.status, 0) + 1
    return " ".join(f"{badge(s)} {n}" for s, n in counts.items())


def report_with_findings(title: str, policy: PolicyStamp, findings: Sequence[Finding]) -> str:
    """A titled section: counts by status, then the findings."""
    return (
        f"<div><strong>{escape(title)}</strong> {_counts(findings)}<br>{stamp(policy)}"
        f"{findings_table(findings)}</div>"
    )


def evaluation(e: ProjectEvaluation) -> str:
    """A project's evaluation: requirements, schedule, findings (or its error)."""
    head = f"<strong>project {escape(e.project)}</strong> "
    if e.error is not None:
        return f"<div>{head}{badge('error')} <code>{escape(e.error.code)}</code> {escape(e.error.message)}</div>"
    parts = [head, _counts(e.findings)]
    r = e.requirements
    if r is not None:
        parts.append(
            f"<br>{r.start} → {r.end}: {r.duration.months} months {r.duration.days} days "
            f"(<em>{escape(r.duration_class)}</em>), budget US${r.budget_usd:,}"
        )
    if e.schedule:
        parts.append("<br>due: " + "; ".join(f"{escape(d.kind.replace('_', ' '))} {d.date}" for d in e.schedule))
    return "<div>" + "".join(parts) + findings_table(e.findings) + "</div>"


def appraisal(a: Appraisal) -> str:
    """A proposal's verdict and score, then one finding per check."""
    return (
        f"<div><strong>proposal {escape(a.proposal)}</strong> {badge(a.verdict)} score {a.score} "
        f"{_counts(a.findings)}<br>{stamp(a.policy)}{findings_table(a.findings)}</div>"
    )


def _rate(v: Any) -> str:
    return "undefined" if v is None else f"{v} %"


def delivery(d: DeliveryReport) -> str:
    """Delivery by group with the band, then the findings."""
    rows = [
        [escape(g.group), f"{g.allocation_usd:,}", f"{g.expenditure_usd:,}", _rate(g.rate_percent), str(g.records)]
        for g in [*d.groups, d.total]
    ]
    low, high = d.band_percent
    return (
        f"<div><strong>Delivery by {escape(d.group_by)}</strong> (band {low}–{high} %) "
        f"{_counts(d.findings)}<br>{stamp(d.policy)}"
        + table(["group", "allocation US$", "expenditure US$", "rate", "records"], rows, "groups")
        + findings_table(d.findings)
        + "</div>"
    )


def series(s: DeliverySeries) -> str:
    """Year-to-date rates, one row per group and one column per month."""
    months = sorted({p.month for g in s.groups for p in g.points})
    rows = [[escape(g.group)] + [_rate({p.month: p.rate_percent for p in g.points}.get(m)) for m in months] for g in s.groups]
    low, high = s.band_percent
    return (
        f"<div><strong>Year-to-date delivery {s.year} by {escape(s.group_by)}</strong> (band {low}–{high} %)"
        + table(["group", *months], rows, "groups")
        + "</div>"
    )


def report(r: Report) -> str:
    """The whole report: summary, errors, then each section."""
    name = escape(r.portfolio or "portfolio")
    errors = "".join(
        f"<li>{badge('error')} <code>{escape(e.code)}</code> {escape(e.message)}</li>" for e in r.errors
    )
    sections = [report_with_findings("Evaluation (EVAL)", r.policy, r.findings[: sum(len(e.findings) for e in r.evaluations)])]
    if r.delivery is not None:
        sections.append(delivery(r.delivery))
    if r.integration is not None:
        sections.append(r.integration._repr_html_())
    if r.balance is not None:
        sections.append(r.balance._repr_html_())
    return (
        f"<div><h4>Report on {name}</h4>{stamp(r.policy)}<br>"
        f"{r.summary.projects} projects, {_counts(r.findings)}, {r.summary.errors} errors"
        + (f"<ul>{errors}</ul>" if errors else "")
        + "".join(sections)
        + "</div>"
    )


def iati(r: IatiReport) -> str:
    """One row per activity of an IATI file, then the findings that need action."""
    rows = []
    for a in r.activities:
        name = escape(a.identifier or a.activity)
        if a.error is not None and a.duration_class is None:
            rows.append([name, f"{badge('error')} <code>{escape(a.error.code)}</code> {escape(a.error.message)}", "", "", "", ""])
            continue
        known = {True: "yes", False: "no", None: "?"}
        rows.append([
            name,
            escape(a.duration_class or "?"),
            escape(" ".join(d.kind for d in a.evaluations)),
            known[a.independent_evaluation],
            ", ".join(f"{escape(g.group)} {_rate(g.rate_percent)}" for g in a.delivery),
            "none" if a.gender_marker is None else str(a.gender_marker),
        ])
    errors = "".join(f"<li>{badge('error')} <code>{escape(e.code)}</code> {escape(e.message)}</li>" for e in r.errors)
    action = r.findings.with_status("fail", "warning")
    return (
        f"<div><strong>IATI {escape(r.version or '')}</strong>: {len(r.activities)} activities "
        f"{_counts(r.findings)}<br>{stamp(r.policy)}"
        + table(["activity", "class", "evaluations", "independent", "delivery by year", "gender marker"], rows, "activities")
        + (f"<ul>{errors}</ul>" if errors else "")
        + findings_table(action)
        + "</div>"
    )
