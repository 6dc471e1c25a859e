"""Properties of ``ownership.diff`` on generated structures: a structure compared with itself gives no
change; a single changed holding is the one cause of every change it makes, and explains all of it."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ownership
from ownership.analysis.diff import CauseKind
from ownership.analysis.diff.causes import BOUNDS
from ownership.model import Entity, EntityType, Holding, OwnershipData, SourceInfo, Stake

Structure = tuple[list[str], list[tuple[int, int, float, float]]]


@st.composite
def structures(draw: st.DrawFn) -> Structure:
    """Up to six companies of CN or US, holdings between them (loops allowed), each subject's low ends
    adding up to at most 100%; some stakes are ranges."""
    n = draw(st.integers(2, 6))
    countries = draw(st.lists(st.sampled_from(["CN", "US", "SG"]), min_size=n, max_size=n))
    holdings: list[tuple[int, int, float, float]] = []
    for subject in range(n):
        room = 1.0
        for holder in draw(st.lists(st.integers(0, n - 1), max_size=3, unique=True)):
            if holder == subject or room <= 0.01:
                continue
            low = draw(st.integers(1, int(room * 100))) / 100
            high = low if draw(st.booleans()) else min(room, low + draw(st.integers(0, 30)) / 100)
            holdings.append((holder, subject, low, high))
            room -= low
    return countries, holdings


def build(structure: Structure) -> OwnershipData:
    countries, rows = structure
    ids = [f"E{k}" for k in range(len(countries))]
    entities = tuple(
        Entity(i, i, EntityType.COMPANY, jurisdiction=c, ultimate=True) for i, c in zip(ids, countries, strict=True)
    )
    holdings = tuple(Holding(ids[h], ids[s], Stake(lo, hi)) for h, s, lo, hi in rows)
    return OwnershipData(entities, holdings, SourceInfo("gen", "0" * 64, "test"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(structures(), st.sampled_from(["cascade", "lookthrough", "either"]))
def test_a_structure_compared_with_itself_has_no_change(structure: Structure, method: str) -> None:
    data = build(structure)
    diff = ownership.diff(data, data, jurisdictions=["CN"], method=method)
    assert diff.empty and diff.exit_code() == 0 and diff.summary.status_changed == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(structures(), st.data(), st.sampled_from(["cascade", "lookthrough", "either"]))
def test_one_changed_holding_is_the_whole_cause_of_every_change(
    structure: Structure, pick: st.DataObject, method: str
) -> None:
    countries, rows = structure
    if not rows:
        return
    k = pick.draw(st.integers(0, len(rows) - 1))
    holder, subject = rows[k][:2]
    # The new stake stays within what the subject's other holders leave.
    others = sum(lo for h, s, lo, _ in rows if s == subject and (h, s) != (holder, subject))
    new_low = pick.draw(st.integers(0, int((1 - others) * 100))) / 100
    changed = [*rows[:k], (holder, subject, new_low, new_low), *rows[k + 1 :]]
    diff = ownership.diff(build(structure), build((countries, changed)), jurisdictions=["CN"], method=method)
    for change in diff.changes:
        assert change.old is not None and change.new is not None
        (cause,) = change.causes
        assert (cause.holder, cause.subject) == (f"E{holder}", f"E{subject}")
        assert cause.kind is CauseKind.CHANGED
        old = [change.old.cascade.low, change.old.cascade.high, change.old.lookthrough.low, change.old.lookthrough.high]
        new = [change.new.cascade.low, change.new.cascade.high, change.new.lookthrough.low, change.new.lookthrough.high]
        bound = BOUNDS.index(cause.bound)
        assert cause.explains is not None
        assert abs(cause.explains - (new[bound] - old[bound])) <= 1e-9
