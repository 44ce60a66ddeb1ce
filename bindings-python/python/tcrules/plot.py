"""Plots for notebooks (the ``plot`` extra: ``pip install tcrules[plot]``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    from ._types import DeliverySeries


def delivery_curve(series: DeliverySeries, groups: Sequence[str] | None = None, ax: Any = None) -> Any:
    """Year-to-date delivery rate by month for each group, against the policy's band
    (shaded) and its warning threshold (dashed): the curve R6 §140's delivery control
    watches. Months with nothing allocated (rate undefined) are gaps. Returns the
    matplotlib ``Axes``.

    >>> import tcrules
    >>> s = tcrules.delivery_series({"projects": [], "records": []}, 2005)
    >>> ax = s.plot()
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    low, high = (float(b) for b in series.band_percent)
    ax.axhspan(low, high, color="#2da44e", alpha=0.15, label=f"policy band {low:g}–{high:g} %")
    ax.axhline(float(series.warning_below_percent), color="#cf222e", linestyle="--", linewidth=1,
               label=f"warning below {float(series.warning_below_percent):g} %")
    for g in series.groups:
        if groups is not None and g.group not in groups:
            continue
        months = [int(p.month[5:]) for p in g.points]
        rates = [float("nan") if p.rate_percent is None else float(p.rate_percent) for p in g.points]
        ax.plot(months, rates, marker="o", label=g.group)
    ax.set_xticks(range(1, 13))
    ax.set_xlim(0.5, 12.5)
    ax.set_xlabel(f"month of {series.year}")
    ax.set_ylabel("year-to-date delivery (%)")
    ax.set_title(f"Year-to-date delivery by {series.group_by.replace('_', ' ')}")
    ax.legend(loc="best", fontsize="small")
    return ax
