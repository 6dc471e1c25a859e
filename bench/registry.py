"""The registry generator: a company register of persons, companies, funds, trusts and state bodies.

See ``registry`` for the shape; everything is drawn from one numpy PCG64 stream seeded by ``seed``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from bench.dataset import (
    COMPANY_WEIGHTS,
    PERSON_WEIGHTS,
    STATE_WEIGHTS,
    UNIT,
    WATCHED,
    Dataset,
    IntArray,
    countries,
    units_text,
)

PERSON_SHARE = 0.30
STATE_SHARE = 0.002
#: Of the holding slots (before cross-holdings): held by a natural person, by a state body; the rest by a
#: company (or fund or trust) further up the register.
PERSON_SLOTS = 0.45
STATE_SLOTS = 0.01
CROSS_SHARE = 0.01
RANGED_SHARE = 0.03
REMAINDER_SHARE = 0.15
UNKNOWN_COUNTRY_SHARE = 0.02
#: Offshore companies headquartered in the watched country (a Cayman holding company run from Beijing).
OFFSHORE = ("KY", "VG", "HK", "SG")
OFFSHORE_HQ_WATCHED = 0.25
#: Companies per group (mean), and the share of corporate holders taken from the subject's own group.
GROUP_SIZE = 8
IN_GROUP = 0.7


_COMPANY_WORDS = ("Northwind", "Harbour", "Lantern", "Summit", "Meridian", "Cedar", "Atlas", "Granite", "Orchid")
_COMPANY_KINDS = ("Holdings", "Trading", "Capital", "Industries", "Logistics", "Partners", "Technologies")
_FIRST_NAMES = ("Alex", "Maria", "Wei", "Yuki", "Omar", "Anna", "Ravi", "Li", "Sofia", "Jonas", "Mei", "Carlos")
_LAST_NAMES = ("Smith", "Müller", "Wang", "Sato", "Haddad", "Rossi", "Patel", "Chen", "García", "Berg", "Zhang")


def registry(n_entities: int, n_holdings: int, seed: int = 0) -> Dataset:
    """A registry-like graph of ``n_entities`` entities and exactly ``n_holdings`` holdings.

    Entities are numbered company-like first (companies, funds, trusts: index 0..C-1), then natural persons,
    then state bodies. A company's corporate holders have a higher index, so the holdings without the
    cross-holdings form a DAG; the cross-holdings then reverse 1% of the corporate links into 2- and
    3-cycles.
    """
    if n_entities < 10 or n_holdings < 10:
        raise ValueError("a registry needs at least 10 entities and 10 holdings")
    rng = np.random.default_rng(seed)
    n_person = round(n_entities * PERSON_SHARE)
    n_state = max(1, round(n_entities * STATE_SHARE))
    n_corp = n_entities - n_person - n_state
    first_person, first_state = n_corp, n_corp + n_person

    n_cross = round(n_holdings * CROSS_SHARE)
    holder, subject, group_end = _dag_slots(rng, n_holdings - n_cross, n_corp, n_person, n_state)
    back_holder, back_subject = _cross_holdings(rng, holder, subject, group_end, n_cross)
    cross = np.concatenate([np.zeros(holder.size, dtype=np.bool_), np.ones(back_holder.size, dtype=np.bool_)])
    holder = np.concatenate([holder, back_holder])
    subject = np.concatenate([subject, back_subject])
    holder, subject, cross = _distinct(rng, holder, subject, cross, n_holdings, n_corp, first_person, n_person)

    order = rng.permutation(holder.size)  # a register is not sorted by structure
    holder, subject, cross = holder[order], subject[order], cross[order]
    units = _allocate(rng, subject, cross, n_entities)
    percent = _percent_texts(rng, units)

    types = np.empty(n_entities, dtype=object)
    types[:n_corp] = rng.choice(np.array(["company", "fund", "trust"], dtype=object), n_corp, p=[0.95, 0.035, 0.015])
    types[first_person:first_state] = "person"
    types[first_state:] = "state"
    jurisdiction = np.empty(n_entities, dtype=object)
    jurisdiction[:n_corp] = countries(rng, n_corp, COMPANY_WEIGHTS)
    jurisdiction[first_person:first_state] = countries(rng, n_person, PERSON_WEIGHTS)
    jurisdiction[first_state:] = countries(rng, n_state, STATE_WEIGHTS)
    headquarters = np.full(n_entities, "", dtype=object)
    offshore = np.isin(jurisdiction[:n_corp], OFFSHORE) & (rng.random(n_corp) < OFFSHORE_HQ_WATCHED)
    headquarters[:n_corp][offshore] = WATCHED
    unknown = rng.random(n_entities) < UNKNOWN_COUNTRY_SHARE
    jurisdiction[unknown] = ""
    headquarters[unknown] = ""

    ids = _ids(n_corp, n_person, n_state)
    entities = pd.DataFrame(
        {
            "id": ids,
            "name": _names(rng, ids, n_corp, n_person),
            "type": types,
            "jurisdiction": jurisdiction,
            "headquarters": headquarters,
        }
    )
    holdings = pd.DataFrame({"holder": ids[holder], "subject": ids[subject], "percent": percent})
    return Dataset(f"registry-{n_entities}e-{n_holdings}h-s{seed}", entities, holdings)


def _dag_slots(
    rng: np.random.Generator, n_slots: int, n_corp: int, n_person: int, n_state: int
) -> tuple[IntArray, IntArray, IntArray]:
    """Holder and subject of each acyclic holding: every company-like entity gets at least one holder
    (while slots last), the rest go to companies drawn with heavy-tailed weights (listed companies).

    Companies come in groups (consecutive index blocks, 8 on average): a corporate holder is usually a
    company further up the same group, otherwise any company further up the register. A path between two
    members of a group never leaves it (indices only fall along a path), so the cycles that the
    cross-holdings close stay inside one group, as in real registers, instead of merging into one giant
    component.
    """
    covered = rng.permutation(n_corp)[: min(n_corp, n_slots)]
    extra = n_slots - covered.size
    weights = rng.pareto(1.5, n_corp) + 0.05
    subject = np.concatenate([covered, rng.choice(n_corp, size=extra, p=weights / weights.sum())]).astype(np.int64)

    sizes = 1 + rng.geometric(1 / GROUP_SIZE, n_corp)
    ends = np.minimum(np.cumsum(sizes), n_corp)
    group_end = np.repeat(ends, np.diff(np.concatenate([[0], ends])))[:n_corp]
    u = rng.random(n_slots)
    r = rng.random(n_slots)
    inside = subject + 1 + np.floor(r * (group_end[subject] - subject - 1)).astype(np.int64)
    anywhere = subject + 1 + np.floor(r * (n_corp - subject - 1)).astype(np.int64)
    in_group = (rng.random(n_slots) < IN_GROUP) & (group_end[subject] - subject > 1)
    holder = np.empty(n_slots, dtype=np.int64)
    corporate = (u >= PERSON_SLOTS + STATE_SLOTS) & (subject < n_corp - 1)
    holder[corporate] = np.where(in_group, inside, anywhere)[corporate]
    personal = ~corporate & (u >= STATE_SLOTS)
    holder[personal] = n_corp + _persons(rng, int(personal.sum()), n_person)
    state = ~corporate & ~personal
    holder[state] = n_corp + n_person + rng.integers(0, n_state, int(state.sum()))
    return holder, subject, group_end


def _persons(rng: np.random.Generator, count: int, n_person: int) -> IntArray:
    """Persons for ``count`` holdings: most hold one or two stakes, a few hold hundreds."""
    weights = rng.pareto(2.0, n_person) + 0.2
    chosen: IntArray = rng.choice(n_person, size=count, p=weights / weights.sum()).astype(np.int64)
    return chosen


def _cross_holdings(
    rng: np.random.Generator, holder: IntArray, subject: IntArray, group_end: IntArray, count: int
) -> tuple[IntArray, IntArray]:
    """``count`` holdings that reverse links inside a group: the subject holds back its holder (a 2-cycle)
    or, for every other one, its holder's own holder in the group (a 3-cycle, or longer when other paths
    join the two)."""
    n_corp = group_end.size
    corporate = holder < n_corp
    grouped = np.flatnonzero(corporate & (holder < group_end[np.minimum(subject, n_corp - 1)]))
    if count == 0 or grouped.size == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    picked = rng.choice(grouped, size=count)
    h, s = holder[picked], subject[picked]
    # One holder in the group per company (the first listed), for the 3-cycles.
    firsts = np.unique(subject[grouped], return_index=True)
    parent = np.full(n_corp, -1, dtype=np.int64)
    parent[firsts[0]] = holder[grouped][firsts[1]]
    grand = parent[h]
    longer = (np.arange(count) % 2 == 1) & (grand >= 0)
    target = np.where(longer, grand, h)
    return s.astype(np.int64), target.astype(np.int64)


def _distinct(
    rng: np.random.Generator,
    holder: IntArray,
    subject: IntArray,
    cross: npt.NDArray[np.bool_],
    n_holdings: int,
    n_corp: int,
    first_person: int,
    n_person: int,
) -> tuple[IntArray, IntArray, npt.NDArray[np.bool_]]:
    """Drop self-holdings and repeated (holder, subject) pairs, then top up with person stakes until there
    are exactly ``n_holdings``."""
    n = first_person + n_person + 1
    while True:
        keep = holder != subject
        holder, subject, cross = holder[keep], subject[keep], cross[keep]
        _, first = np.unique(holder * n + subject, return_index=True)
        first.sort()
        holder, subject, cross = holder[first], subject[first], cross[first]
        missing = n_holdings - holder.size
        if missing <= 0:
            return holder[:n_holdings], subject[:n_holdings], cross[:n_holdings]
        holder = np.concatenate([holder, first_person + rng.integers(0, n_person, missing)])
        subject = np.concatenate([subject, rng.integers(0, n_corp, missing)])
        cross = np.concatenate([cross, np.zeros(missing, dtype=np.bool_)])


def _allocate(rng: np.random.Generator, subject: IntArray, cross: npt.NDArray[np.bool_], n: int) -> IntArray:
    """Stake units per holding: each subject's holders share its allocated total (100%, or 40-95% for a
    subject with an unallocated remainder) in random proportions, each at least one unit; cross-holdings
    are small. Integer units make every subject's sum exactly its total."""
    weight = rng.gamma(0.8, size=subject.size) + 1e-9
    weight[cross] *= 0.25
    total = np.full(n, UNIT, dtype=np.int64)
    partial = rng.random(n) < REMAINDER_SHARE
    total[partial] = rng.integers(int(0.40 * UNIT), int(0.95 * UNIT), int(partial.sum()))
    counts = np.bincount(subject, minlength=n)
    if (counts > total).any():
        raise ValueError("a subject has more holders than stake units")
    weight_sum = np.bincount(subject, weights=weight, minlength=n)
    share = weight / weight_sum[subject]
    units: IntArray = np.floor(share * (total - counts)[subject]).astype(np.int64) + 1
    # What flooring left over goes to each subject's first holder, so a fully held subject sums to 100%.
    subjects, first = np.unique(subject, return_index=True)
    units[first] += total[subjects] - np.bincount(subject, weights=units, minlength=n)[subjects].astype(np.int64)
    return units


def _percent_texts(rng: np.random.Generator, units: IntArray) -> list[str]:
    """Exact stakes as percentage text with up to 4 decimals; a few as 5-point bands around the stake."""
    ranged = (rng.random(units.size) < RANGED_SHARE).tolist()
    low = np.minimum(units // 50_000 * 5, 95).tolist()
    exact = units_text(units)
    return [f"{lo}-{lo + 5}" if r else text for text, lo, r in zip(exact, low, ranged, strict=True)]


def _ids(n_corp: int, n_person: int, n_state: int) -> npt.NDArray[np.object_]:
    ids = [f"C{i:07d}" for i in range(n_corp)]
    ids += [f"P{i:07d}" for i in range(n_person)]
    ids += [f"S{i:05d}" for i in range(n_state)]
    return np.array(ids, dtype=object)


def _names(rng: np.random.Generator, ids: npt.NDArray[np.object_], n_corp: int, n_person: int) -> list[str]:
    n = ids.size
    a = rng.integers(0, len(_COMPANY_WORDS), n).tolist()
    b = rng.integers(0, len(_COMPANY_KINDS), n).tolist()
    first = rng.integers(0, len(_FIRST_NAMES), n).tolist()
    last = rng.integers(0, len(_LAST_NAMES), n).tolist()
    names: list[str] = []
    for i, entity_id in enumerate(ids.tolist()):
        if i < n_corp:
            names.append(f"{_COMPANY_WORDS[a[i]]} {_COMPANY_KINDS[b[i]]} {entity_id[1:]} Ltd")
        elif i < n_corp + n_person:
            names.append(f"{_FIRST_NAMES[first[i]]} {_LAST_NAMES[last[i]]} {entity_id[1:]}")
        else:
            names.append(f"State Agency {entity_id[1:]}")
    return names
