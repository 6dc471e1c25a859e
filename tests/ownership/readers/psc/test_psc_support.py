"""Helpers shared by the UK PSC reader tests (test_psc.py, test_psc_records.py); no tests here."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from ownership.model import EXCLUSIVE_NUDGE, OwnershipData, Policy, Stake
from ownership.readers.cells.tables import DEFAULT_LIMITS
from ownership.readers.psc.reader import read_psc

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "psc"
REAL = FIXTURES / "real"
SNAPSHOT = FIXTURES / "snapshot"
CN = Policy(jurisdictions=frozenset({"CN"}), as_of=date(2025, 1, 1))
NUDGE = EXCLUSIVE_NUDGE

MORE_THAN_25_TO_50 = Stake(0.25 + NUDGE, 0.5)
MORE_THAN_50_LESS_THAN_75 = Stake(0.5 + NUDGE, 0.75 - NUDGE)
AT_LEAST_75 = Stake(0.75, 1.0)
MORE_THAN_25 = Stake(0.25 + NUDGE, 1.0)


def read(*paths: Path, name: str | None = None) -> OwnershipData:
    return read_psc(list(paths), name or paths[0].name, DEFAULT_LIMITS)


def codes(data: OwnershipData) -> list[str]:
    return [w.code for w in data.warnings]


def warning(data: OwnershipData, code: str) -> str:
    found = [w.message for w in data.warnings if w.code == code]
    assert len(found) == 1, (code, found)
    return found[0]


def line(company: str, **data: object) -> dict[str, object]:
    return {"company_number": company, "data": data}


def person(company: str, natures: list[str], **more: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "kind": "individual-person-with-significant-control",
        "name": "Ms Ann Example",
        "name_elements": {"forename": "Ann", "surname": "Example"},
        "date_of_birth": {"month": 5, "year": 1975},
        "nationality": "British",
        "natures_of_control": natures,
        "links": {"self": f"/company/{company}/persons-with-significant-control/individual/X{len(natures)}"},
    }
    fields.update(more)
    return line(company, **fields)


def corporate(company: str, name: str, natures: list[str], **identification: str) -> dict[str, object]:
    return line(
        company,
        kind="corporate-entity-person-with-significant-control",
        name=name,
        identification=identification,
        natures_of_control=natures,
        links={"self": f"/company/{company}/persons-with-significant-control/corporate-entity/{name[:4]}"},
    )


def stakes(data: OwnershipData) -> dict[tuple[str, str], Stake | None]:
    return {(h.holder, h.subject): h.stake for h in data.holdings}


def write_lines(path: Path, records: list[object]) -> Path:
    """Write ``records`` as JSON Lines (one compact object per line) to ``path``."""
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
