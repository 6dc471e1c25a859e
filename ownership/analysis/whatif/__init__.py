"""What would change one entity's verdict: pivotal holdings, the stake each holding upstream would need for
the entity to be clear, and scenarios (``--set``, ``--drop``, ``--country``) checked and compared with the
data as read. Fractions 0..1 throughout; ``ownership.whatif`` takes percentages at the edge."""

from __future__ import annotations

from ownership.analysis.whatif.analysis import Cure, Pivotal, Standing, WhatIf, analyse, upstream
from ownership.analysis.whatif.api import run, whatif
from ownership.analysis.whatif.scenario import Change, ChangeKind, Scenario, apply, parse_scenario

__all__ = [
    "Change",
    "ChangeKind",
    "Cure",
    "Pivotal",
    "Scenario",
    "Standing",
    "WhatIf",
    "analyse",
    "apply",
    "parse_scenario",
    "run",
    "upstream",
    "whatif",
]
