"""tcrules: the portfolio rules of technical cooperation (ILO) from Python.

Evaluation requirements and schedules (R6 §143), delivery (R6 §140), integration of
RB, RBTC and extra-budgetary resources (R6 §59–64, §162), portfolio balance (R6 Tables
V.1–V.2) and proposal appraisal (DC; R6 §68, §305), with every finding naming its rule,
status, facts and citation. All answers come from the Rust core; this package converts
values (money as ``Decimal``, dates as ``date``), tables and errors.

>>> import tcrules
>>> from decimal import Decimal
>>> rows = tcrules.requirements([{"id": "P1", "start": "2024-01-01", "end": "2025-06-30",
...                               "budget_amount": Decimal("412000")}])
>>> rows[0]["duration_class"], rows[0]["independent_evaluation"]
('medium', True)

Tables may be pandas or polars DataFrames, pyarrow Tables or lists of dicts; each batch
function returns the kind it was given, one row per input row, in order, with a bad
row's ``error_code``, ``error_message`` and ``error_field`` in that row.
"""

from ._api import (
    Period,
    Policy,
    Portfolio,
    PortfolioLike,
    Rates,
    RuleInfo,
    appraise,
    appraise_proposal,
    balance,
    call,
    delivery,
    delivery_series,
    delivery_by,
    delivery_table,
    due_between,
    evaluate,
    evaluate_project,
    example_portfolio,
    integration,
    project_schedule,
    read,
    read_csv,
    read_iati,
    read_portfolio,
    report,
    requirements,
    schedule,
)
from ._tcrules import __version__
from ._types import (
    Appraisal,
    ApprovalRow,
    ApprovalTable,
    Concentration,
    DeliveryReport,
    DeliverySeries,
    DonorShare,
    Due,
    Duration,
    ErrorInfo,
    Finding,
    Findings,
    GroupDelivery,
    GroupSeries,
    IatiReport,
    IatiRow,
    IntegrationReport,
    LocalMobilization,
    OutcomeBudget,
    PeriodFigures,
    Phasing,
    PolicyStamp,
    PortfolioReport,
    ProjectEvaluation,
    Report,
    Requirements,
    Result,
    SeedLeverage,
    SeriesPoint,
    Share,
    SourceShare,
    Summary,
)
from .errors import (
    AmountOverflowError,
    CurrencyError,
    PolicyError,
    ReadError,
    TcrulesError,
    ValidationError,
)

__all__ = [
    "__version__",
    # policy and portfolio
    "Policy",
    "RuleInfo",
    "Portfolio",
    "PortfolioLike",
    "Rates",
    "Period",
    "read_portfolio",
    "read_csv",
    "read",
    "read_iati",
    "example_portfolio",
    # single calls
    "call",
    "evaluate_project",
    "project_schedule",
    "appraise_proposal",
    "delivery",
    "delivery_series",
    "delivery_by",
    "delivery_table",
    "integration",
    "balance",
    "report",
    # batches
    "requirements",
    "evaluate",
    "schedule",
    "due_between",
    "appraise",
    # results
    "Result",
    "PolicyStamp",
    "ErrorInfo",
    "Finding",
    "Findings",
    "Duration",
    "Requirements",
    "Due",
    "ProjectEvaluation",
    "Appraisal",
    "GroupDelivery",
    "DeliveryReport",
    "SeriesPoint",
    "GroupSeries",
    "DeliverySeries",
    "SourceShare",
    "OutcomeBudget",
    "SeedLeverage",
    "Phasing",
    "IntegrationReport",
    "PeriodFigures",
    "ApprovalRow",
    "ApprovalTable",
    "DonorShare",
    "Concentration",
    "Share",
    "LocalMobilization",
    "PortfolioReport",
    "Summary",
    "Report",
    "IatiRow",
    "IatiReport",
    # errors
    "TcrulesError",
    "ValidationError",
    "CurrencyError",
    "PolicyError",
    "AmountOverflowError",
    "ReadError",
]
