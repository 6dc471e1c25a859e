"""The UK PSC shape: a register of persons with significant control, written as a canonical folder.

The Companies House register of persons with significant control (PSC) differs from the ``registry``
generator's shape in ways that matter for speed and memory:

- most holdings (91%) are a natural person holding a company, and most persons hold one company;
- a company lists at most three holders by shares (a PSC holds more than 25%), so most companies have one
  holder and many have none (the register lists companies whose controllers are not recorded);
- a few corporate layers: UK companies holding UK companies, and overseas companies at the top;
- ids and stakes are long text, as the PSC reader writes them: ``GB-COH-08209948`` for a company,
  ``PSC-PERSON-marc-anthony-feldman-1961-12`` for a person (name and month of birth), ``CN-REG-...`` for
  an overseas company, and the stake as the register's band code (``ownership-of-shares-75-to-100-percent``).

``psc(8_000_000)`` is the issue's ``psc-8M`` case: 8M entities and 5.12M holdings, the proportions of the
register snapshot of November 2024 (7.97M entities, 5.1M holdings). Everything is drawn from one numpy
PCG64 stream seeded by ``seed``, so the same arguments give byte-identical files.

Run ``python -m bench.psc ENTITIES OUT [--quoted]`` to write one folder.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from bench.dataset import WATCHED, Dataset, IntArray

#: Holdings per entity in the register snapshot (5.1M holdings, 7.97M entities).
HOLDINGS_PER_ENTITY = 5.1 / 7.97
#: Holdings whose holder is a natural person.
PERSON_HOLDINGS = 0.91
#: Distinct persons per person holding (most persons hold one company; a few hold dozens).
PERSONS_PER_HOLDING = 0.85
#: Corporate holdings whose holder is an overseas company (the rest: a UK company on the register).
OVERSEAS_HOLDERS = 0.25
#: Holders per held company: one, two or three (by shares a PSC holds more than 25%).
HOLDER_COUNTS = (0.65, 0.28, 0.07)
#: Overseas corporate holders' countries, and persons' nationalities beside GB.
OVERSEAS = ("US", "IE", "DE", "NL", "LU", "CH", "JE", "GG", "IM", "VG", "KY", "HK", "SG", "CN", "IN", "AE")
OVERSEAS_WEIGHTS = (20, 8, 6, 6, 5, 5, 6, 5, 4, 8, 6, 5, 4, 5, 4, 3)
NATIONALITIES = ("GB", "IE", "PL", "RO", "IN", "US", "DE", "FR", "IT", "ES", "CN", "NG", "PK", "LT", "PT", "HK")
NATIONALITY_WEIGHTS = (780, 15, 25, 20, 25, 15, 10, 10, 15, 10, 12, 10, 10, 8, 8, 4)

BAND = "ownership-of-shares-{}-percent"
BANDS = (BAND.format("25-to-50"), BAND.format("50-to-75"), BAND.format("75-to-100"))

_FORENAMES = (
    "James", "John", "David", "Michael", "Paul", "Andrew", "Mark", "Richard", "Peter", "Robert", "Sarah", "Susan",
    "Emma", "Claire", "Helen", "Julie", "Karen", "Rachel", "Laura", "Joanna", "Mohammed", "Wei", "Agnieszka",
    "Priya", "Oluwaseun", "Ioana", "Giuseppe", "Siobhan", "Tomasz", "Anne-Marie",
)  # fmt: skip
_MIDDLE = ("", "", "", "Anthony", "Elizabeth", "James", "Louise", "William", "Marie", "Edward", "Jane", "Alexander")
_SURNAMES = (
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts",
    "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall", "Patel", "Khan",
    "Nowak", "Chen", "Okafor", "O'Connor", "Popescu", "Rossi", "Fitzgerald-Hamilton", "Feldman",
)  # fmt: skip
_TITLES = ("Mr", "Mr", "Mrs", "Ms", "Miss", "Dr")
_COMPANY_WORDS = (
    "Acorn", "Albion", "Bramble", "Castle", "Crown", "Elm", "Falcon", "Harbour", "Kestrel", "Lakeside", "Meadow",
    "Northgate", "Oakwood", "Pennine", "Riverside", "Sovereign", "Thistle", "Valley", "Westfield", "Yew Tree",
)  # fmt: skip
_COMPANY_KINDS = (
    "Property", "Consulting", "Services", "Holdings", "Developments", "Trading", "Investments", "Construction",
    "Solutions", "Management", "Logistics", "Estates",
)  # fmt: skip


def psc(n_entities: int, seed: int = 0) -> Dataset:
    """A PSC-shaped register of about ``n_entities`` entities (companies first, then overseas companies,
    then persons) and ``n_entities * 5.1 / 7.97`` holdings, every one a (holder, subject) pair at most once."""
    if n_entities < 100:
        raise ValueError("a PSC register needs at least 100 entities")
    rng = np.random.default_rng(seed)
    n_holdings = round(n_entities * HOLDINGS_PER_ENTITY)
    n_person_holdings = round(n_holdings * PERSON_HOLDINGS)
    n_corporate = n_holdings - n_person_holdings
    n_overseas_holdings = round(n_corporate * OVERSEAS_HOLDERS)
    n_person = round(n_person_holdings * PERSONS_PER_HOLDING)
    n_overseas = max(1, round(n_overseas_holdings * 0.9))
    n_uk = n_entities - n_person - n_overseas
    first_overseas, first_person = n_uk, n_uk + n_overseas

    subject, rank, count = _subjects(rng, n_holdings, n_uk)
    order = rng.permutation(n_holdings)  # which slots persons, UK companies and overseas companies take
    holder = np.empty(n_holdings, dtype=np.int64)
    persons, rest = order[:n_person_holdings], order[n_person_holdings:]
    overseas, uk = rest[:n_overseas_holdings], rest[n_overseas_holdings:]
    holder[persons] = first_person + _persons(rng, n_person_holdings, n_person)
    holder[overseas] = first_overseas + rng.integers(0, n_overseas, overseas.size)
    # A UK corporate holder comes later in the register than its subject, so the layers never loop.
    s = subject[uk]
    holder[uk] = s + 1 + np.floor(rng.random(uk.size) * (n_uk - s - 1)).astype(np.int64)
    holder = _distinct(rng, holder, subject, first_person, n_person)
    percent = _bands(rng, rank, count)

    types = np.empty(n_entities, dtype=object)
    types[:first_person] = "company"
    types[first_person:] = "person"
    jurisdiction = np.empty(n_entities, dtype=object)
    jurisdiction[:n_uk] = "GB"
    jurisdiction[first_overseas:first_person] = _choose(rng, OVERSEAS, OVERSEAS_WEIGHTS, n_overseas)
    jurisdiction[first_person:] = _choose(rng, NATIONALITIES, NATIONALITY_WEIGHTS, n_person)
    headquarters = np.full(n_entities, "", dtype=object)
    # Persons' country of residence: mostly where their nationality is, else the UK.
    abroad = rng.random(n_person) < 0.1
    headquarters[first_person:] = np.where(abroad, "GB", jurisdiction[first_person:])
    # A few overseas holding companies are run from the watched country.
    offshore = np.isin(jurisdiction[first_overseas:first_person], ("VG", "KY", "HK", "JE"))
    headquarters[first_overseas:first_person][offshore & (rng.random(n_overseas) < 0.1)] = WATCHED

    ids, names = _companies(rng, n_uk, n_overseas, jurisdiction[first_overseas:first_person])
    person_ids, person_names = _people(rng, n_person)
    ids = np.concatenate([ids, person_ids])
    names = np.concatenate([names, person_names])
    entities = pd.DataFrame(
        {"id": ids, "name": names, "type": types, "jurisdiction": jurisdiction, "headquarters": headquarters}
    )
    shuffle = rng.permutation(n_holdings)  # a register is ordered by company, not by structure
    holdings = pd.DataFrame(
        {"holder": ids[holder[shuffle]], "subject": ids[subject[shuffle]], "percent": percent[shuffle]}
    )
    return Dataset(f"psc-{n_entities}e-{n_holdings}h-s{seed}", entities, holdings)


def _choose(
    rng: np.random.Generator, values: Sequence[str], weights: Sequence[int], count: int
) -> npt.NDArray[np.object_]:
    p = np.array(weights, dtype=np.float64)
    chosen: npt.NDArray[np.object_] = rng.choice(np.array(values, dtype=object), size=count, p=p / p.sum())
    return chosen


def _subjects(rng: np.random.Generator, n_holdings: int, n_uk: int) -> tuple[IntArray, IntArray, IntArray]:
    """The held company of each holding, with the holding's rank among its subject's holders and how many
    holders that subject has (1, 2 or 3)."""
    p = np.array(HOLDER_COUNTS)
    mean = float((p * np.arange(1, 4)).sum())
    n_held = min(n_uk, round(n_holdings / mean * 1.02))
    counts = rng.choice(np.arange(1, 4), size=n_held, p=p)
    ends = np.cumsum(counts)
    keep = int(np.searchsorted(ends, n_holdings))  # subjects filling the holdings exactly
    counts = counts[: keep + 1]
    counts[-1] -= int(counts.sum()) - n_holdings
    counts = counts[counts > 0]
    held = np.sort(rng.choice(n_uk, size=counts.size, replace=False))
    subject = np.repeat(held, counts)
    start = np.repeat(np.cumsum(counts) - counts, counts)
    rank = np.arange(n_holdings) - start
    return subject.astype(np.int64), rank.astype(np.int64), np.repeat(counts, counts).astype(np.int64)


def _persons(rng: np.random.Generator, count: int, n_person: int) -> IntArray:
    """Persons for ``count`` holdings: every person holds at least one; the rest go to a heavy tail."""
    extra = count - n_person
    weights = rng.pareto(1.2, n_person) + 0.05
    chosen = rng.choice(n_person, size=extra, p=weights / weights.sum())
    return rng.permutation(np.concatenate([np.arange(n_person), chosen])).astype(np.int64)


def _distinct(
    rng: np.random.Generator, holder: IntArray, subject: IntArray, first_person: int, n_person: int
) -> IntArray:
    """Replace a person holding the same company twice by another person, until every pair is distinct."""
    n = int(max(holder.max(), subject.max())) + 1
    while True:
        pair = holder * n + subject
        _, first = np.unique(pair, return_index=True)
        repeated = np.ones(holder.size, dtype=np.bool_)
        repeated[first] = False
        if not repeated.any():
            return holder
        # Only persons repeat (a company's UK and overseas holders are drawn afresh too, rarely twice).
        holder[repeated] = first_person + rng.integers(0, n_person, int(repeated.sum()))


def _bands(rng: np.random.Generator, rank: IntArray, count: IntArray) -> npt.NDArray[np.object_]:
    """The band code of each holding: a sole holder mostly holds 75-100%, two holders 25-50% each or 50-75%
    beside 25-50%, three holders 25-50% each, so no company's low ends add up past 100%."""
    band = np.zeros(rank.size, dtype=np.int64)  # 25-to-50
    u = rng.random(rank.size)
    sole = count == 1
    band[sole] = np.where(u[sole] < 0.8, 2, np.where(u[sole] < 0.9, 1, 0))
    # Of two holders, the first holds 50-75% in three cases of ten (decided on the first row, kept for both).
    pair_first = (count == 2) & (rank == 0)
    major = np.zeros(rank.size, dtype=np.bool_)
    major[pair_first] = u[pair_first] < 0.3
    band[major] = 1
    codes: npt.NDArray[np.object_] = np.array(BANDS, dtype=object)[band]
    return codes


def _companies(
    rng: np.random.Generator, n_uk: int, n_overseas: int, overseas_country: npt.NDArray[np.object_]
) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]:
    """Ids and names of the UK companies (numbers as Companies House writes them, a few Scottish and
    Northern Irish) and the overseas companies (country and registration number)."""
    prefix = rng.choice(np.array(["", "SC", "NI"], dtype=object), size=n_uk, p=[0.93, 0.05, 0.02])
    ids = np.empty(n_uk, dtype=object)
    for mark in ("", "SC", "NI"):
        mine = np.flatnonzero(prefix == mark)
        serial = rng.permutation(mine.size).tolist()
        ids[mine] = [f"GB-COH-{mark}{k:06d}" if mark else f"GB-COH-{k:08d}" for k in serial]
    # Registration numbers drawn without repeats: an id listed twice is a data error, not the PSC shape.
    foreign = (10_000_000 + rng.choice(990_000_000, size=n_overseas, replace=False)).tolist()
    overseas = [f"{c}-REG-{n}" for c, n in zip(overseas_country.tolist(), foreign, strict=True)]
    ids = np.concatenate([ids, np.array(overseas, dtype=object)])
    a = rng.integers(0, len(_COMPANY_WORDS), n_uk + n_overseas).tolist()
    b = rng.integers(0, len(_COMPANY_KINDS), n_uk + n_overseas).tolist()
    serial = rng.integers(1, 999, n_uk + n_overseas).tolist()
    names = [
        f"{_COMPANY_WORDS[x]} {_COMPANY_KINDS[y]} {z} " + ("Limited" if i < n_uk else "Holdings Inc.")
        for i, (x, y, z) in enumerate(zip(a, b, serial, strict=True))
    ]
    return ids, np.array(names, dtype=object)


def _people(rng: np.random.Generator, n: int) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.object_]]:
    """Persons as the PSC reader names them: ``Mr Marc Anthony Feldman``, id from the name and the month
    of birth (a serial keeps two namesakes born in the same month apart, as the register's real names do)."""
    title = rng.integers(0, len(_TITLES), n).tolist()
    fore = rng.integers(0, len(_FORENAMES), n).tolist()
    middle = rng.integers(0, len(_MIDDLE), n).tolist()
    sur = rng.integers(0, len(_SURNAMES), n).tolist()
    year = rng.integers(1935, 2003, n).tolist()
    month = rng.integers(1, 13, n).tolist()
    ids: list[str] = []
    names: list[str] = []
    for i in range(n):
        parts = [_FORENAMES[fore[i]], _MIDDLE[middle[i]], _SURNAMES[sur[i]]]
        words = " ".join(p for p in parts if p)
        names.append(f"{_TITLES[title[i]]} {words}")
        slug = words.lower().replace(" ", "-").replace("'", "-")
        ids.append(f"PSC-PERSON-{slug}-{i:07d}-{year[i]:04d}-{month[i]:02d}")
    return np.array(ids, dtype=object), np.array(names, dtype=object)


def write_psc(dataset: Dataset, folder: Path, quoted: bool = False) -> Path:
    """``entities.csv`` and ``holdings.csv`` in ``folder``; with ``quoted`` every field quoted, the header too."""
    folder.mkdir(parents=True, exist_ok=True)
    for frame, name in ((dataset.entities, "entities.csv"), (dataset.holdings, "holdings.csv")):
        if quoted:
            frame.to_csv(folder / name, index=False, lineterminator="\n", quoting=csv.QUOTE_ALL)
        else:
            frame.to_csv(folder / name, index=False, lineterminator="\n")
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.psc", description=__doc__.split("\n\n")[0])
    parser.add_argument("entities", type=int, help="entities (8000000 for the issue's psc-8M)")
    parser.add_argument("out", type=Path, help="folder to write")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quoted", action="store_true", help="quote every field, the header too")
    args = parser.parse_args(argv)
    dataset = psc(args.entities, args.seed)
    write_psc(dataset, args.out, args.quoted)
    print(f"{dataset.name}: {dataset.n_entities} entities, {dataset.n_holdings} holdings -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
