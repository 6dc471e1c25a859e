"""exposure's library: who ultimately owns a company, and does a watched jurisdiction's share cross a threshold?

The public API (``ownership.api``), in the order a check runs::

    import ownership

    data = ownership.read("cap_table.xlsx")                 # any supported input, detected from its content
    data = ownership.from_frames(entities_df, holdings_df)  # or two pandas DataFrames with the same columns
    result = ownership.check(data, jurisdictions=["CN"], profile="ofac", threshold=50)
    result.entities, result.summary, result.warnings        # verdicts (fractions 0..1), counts, warnings
    result.to_frame()                                        # one row per entity, figures in percent
    print(ownership.explain(result, "HELIO-SG"))             # what `exposure explain` prints

Settings go by their policy-file names, percentages in percent (``threshold=50``); inside, every figure is
a fraction 0..1. Errors are ``InputError`` (the input: file, sheet, row, column) and ``PolicyError`` (a
setting), both ``ExposureError``.

Importing the package loads nothing heavy: each name is imported when first used (PEP 562), so
``import ownership.model`` does not pull in numpy, scipy, pandas or pyarrow.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ownership.analysis.diff.api import diff
    from ownership.analysis.diff.model import Diff
    from ownership.analysis.owners import Owners, owners
    from ownership.analysis.whatif import WhatIf, whatif
    from ownership.api import Explanation, check, explain, from_frames, read
    from ownership.errors import DataWarning, ExposureError, InputError, PolicyError
    from ownership.model import OwnershipData, Policy
    from ownership.result import CheckResult, EntityVerdict, Status, Summary

#: Where each public name lives; imported on first use.
_HOMES = {
    "read": "ownership.api",
    "check": "ownership.api",
    "explain": "ownership.api",
    "from_frames": "ownership.api",
    "diff": "ownership.analysis.diff.api",
    "Diff": "ownership.analysis.diff.model",
    "owners": "ownership.analysis.owners",
    "Owners": "ownership.analysis.owners",
    "whatif": "ownership.analysis.whatif.api",
    "WhatIf": "ownership.analysis.whatif.analysis",
    "Explanation": "ownership.api",
    "CheckResult": "ownership.result",
    "EntityVerdict": "ownership.result",
    "Status": "ownership.result",
    "Summary": "ownership.result",
    "OwnershipData": "ownership.model",
    "Policy": "ownership.model",
    "DataWarning": "ownership.errors",
    "ExposureError": "ownership.errors",
    "InputError": "ownership.errors",
    "PolicyError": "ownership.errors",
}

__all__ = [
    "CheckResult",
    "DataWarning",
    "Diff",
    "EntityVerdict",
    "Explanation",
    "ExposureError",
    "InputError",
    "Owners",
    "OwnershipData",
    "Policy",
    "PolicyError",
    "Status",
    "Summary",
    "WhatIf",
    "check",
    "diff",
    "explain",
    "from_frames",
    "owners",
    "read",
    "whatif",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
