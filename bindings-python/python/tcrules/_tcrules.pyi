"""The private native module behind ``tcrules`` (Rust, pyo3). Use the ``tcrules`` package.

Single calls speak the core's canonical JSON as text; batches take a ``pyarrow.Table``
(or any object with ``__arrow_c_stream__``) and return a ``pyarrow.RecordBatch`` of
result columns, one row per input row. Errors are raised as ``tcrules.errors`` classes.
"""

import datetime
from typing import Any, final

__all__ = [
    "__version__",
    "Policy",
    "call",
    "call_many",
    "read",
    "text",
    "read_portfolio",
    "read_csv",
    "table_text",
    "sniff",
    "example_portfolio",
    "rules",
    "kinds",
    "project_table",
    "due_table",
    "delivery_table",
    "findings_table",
    "IatiStream",
    "iati_stream",
    "read_iati",
    "iati_empty",
    "delivery_by",
]

__version__: str

@final
class Policy:
    """A validated policy edition: build once, evaluate many."""

    def __new__(cls) -> Policy: ...
    @staticmethod
    def from_json(text: str) -> Policy: ...
    @property
    def name(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def hash(self) -> str: ...
    def to_json(self) -> str: ...

def call(kind: str, input: str, policy: Policy) -> str: ...
def call_many(kind: str, inputs: str, policy: Policy) -> str: ...
def read(format: str, data: bytes, rates: str, policy: Policy) -> str: ...
def text(format: str, data: bytes) -> str: ...
def read_portfolio(text: str) -> str: ...
def read_csv(
    table: str, text: str, day_first: bool | None = None, columns: str | None = None, policy: Policy | None = None
) -> str: ...
def table_text(data: bytes, sheet: str | None = None) -> str: ...
def sniff(data: bytes) -> str: ...
def example_portfolio() -> str: ...
def rules() -> list[tuple[str, str]]: ...
def kinds() -> list[str]: ...

# Tables in and record batches out are pyarrow objects (pyarrow ships no type stubs).
def project_table(
    table: Any, kind: str, policy: Policy, rates: str, views: bool = False, columns: str | None = None
) -> Any: ...
def due_table(table: Any, policy: Policy, rates: str, start: str, end: str, columns: str | None = None) -> Any: ...
def delivery_table(
    records: Any,
    projects: Any | None,
    group_by: str,
    period: str,
    policy: Policy,
    rates: str,
    columns: str | None = None,
) -> str: ...

def findings_table(
    table: Any, records: Any | None, period: str, policy: Policy, rates: str, columns: str | None = None
) -> Any: ...

# The IATI reader: a whole file's report as JSON, or a stream of record batches.
def read_iati(
    data: bytes,
    rates: str,
    policy: Policy,
    as_of: str | None = None,
    periods: str | None = None,
) -> str: ...
@final
class IatiStream:
    def __iter__(self) -> IatiStream: ...
    def __next__(self) -> Any: ...
    @property
    def version(self) -> str | None: ...

def iati_stream(
    path: str | None,
    data: bytes | None,
    rates: str,
    policy: Policy,
    batch_size: int,
    as_of: str | None = None,
    periods: str | None = None,
) -> IatiStream: ...
def iati_empty() -> Any: ...
def delivery_by(
    records: Any, projects: Any | None, by: list[str], ytd: bool, policy: Policy, rates: str, columns: str | None = None
) -> Any: ...
