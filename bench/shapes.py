"""The adversarial shapes (a very long chain, one huge strongly connected component, and a huge star), and the
registry written as other tools write it (every field quoted; one holdings CSV declaring the parties)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from bench.dataset import PERSON_WEIGHTS, UNIT, WATCHED, Dataset, countries, units_text


def _frame(ids: list[str], types: list[str] | str, jurisdiction: list[str] | str) -> pd.DataFrame:
    return pd.DataFrame(
        {"id": ids, "name": ids, "type": types, "jurisdiction": jurisdiction, "headquarters": ""},
        columns=["id", "name", "type", "jurisdiction", "headquarters"],
    )


def chain(levels: int) -> Dataset:
    """A chain of ``levels`` holdings: L0 (CN) holds 60% of L1, which holds 60% of L2, and so on; 40% of each
    is unallocated. The cascade taints the whole chain; the look-through decays as 0.6 ** depth."""
    ids = [f"L{i:07d}" for i in range(levels + 1)]
    jurisdiction = ["GB"] * (levels + 1)
    jurisdiction[0] = WATCHED
    entities = _frame(ids, "company", jurisdiction)
    holdings = pd.DataFrame({"holder": ids[:-1], "subject": ids[1:], "percent": "60"})
    return Dataset(f"chain-{levels}", entities, holdings)


def scc(members: int, seed: int = 0) -> Dataset:
    """One strongly connected component of ``members`` companies: a ring (each holds 25% of the next) plus
    two random chords of 10% into each member; each member also has an outside owner (a person, 45%, from
    a pool of members / 10), or for 1% of them a CN company with 51%. Every member keeps an unallocated
    remainder, so the component is open and its look-through system is non-singular."""
    if members < 3:
        raise ValueError("a strongly connected component needs at least 3 members")
    rng = np.random.default_rng(seed)
    m = np.arange(members, dtype=np.int64)
    ring_h, ring_s = m, (m + 1) % members
    chord_h = np.concatenate([rng.integers(0, members, members), rng.integers(0, members, members)])
    chord_s = np.concatenate([m, m])
    # Chords must not repeat a ring link or another chord, nor hold the member itself: shift those by one.
    for _ in range(10):
        bad = (chord_h == chord_s) | ((chord_h + 1) % members == chord_s)
        first_chord = chord_h[:members]
        bad[members:] |= chord_h[members:] == first_chord
        if not bad.any():
            break
        chord_h[bad] = (chord_h[bad] + 2) % members
    n_pool = max(1, members // 10)
    watched_owner = rng.random(members) < 0.01
    owner = rng.integers(0, n_pool, members)
    ids = [f"M{i:07d}" for i in range(members)]
    pool = [f"P{i:07d}" for i in range(n_pool)]
    watched_ids = [f"CN{i:07d}" for i in range(int(watched_owner.sum()))]
    owner_ids = np.array(pool, dtype=object)[owner]
    owner_ids[watched_owner] = watched_ids
    names = np.array(ids, dtype=object)
    holdings = pd.DataFrame(
        {
            "holder": np.concatenate([names[ring_h], names[chord_h], owner_ids]),
            "subject": np.concatenate([names[ring_s], names[chord_s], names]),
            "percent": ["25"] * members + ["10"] * (2 * members) + np.where(watched_owner, "51", "45").tolist(),
        }
    )
    entities = pd.concat(
        [
            _frame(ids, "company", "GB"),
            _frame(pool, "person", countries(rng, n_pool, PERSON_WEIGHTS).tolist()),
            _frame(watched_ids, "company", WATCHED),
        ],
        ignore_index=True,
    )
    return Dataset(f"scc-{members}-s{seed}", entities, holdings)


def star(subsidiaries: int, seed: int = 0) -> Dataset:
    """One CN holder with ``subsidiaries`` subsidiaries: 30% wholly owned, the rest held 10-90%."""
    rng = np.random.default_rng(seed)
    units = np.where(rng.random(subsidiaries) < 0.3, UNIT, rng.integers(10 * UNIT // 100, 90 * UNIT // 100 + 1))
    percent = units_text(units)
    ids = [f"S{i:07d}" for i in range(subsidiaries)]
    entities = pd.concat([_frame(["HUB"], "company", WATCHED), _frame(ids, "company", "SG")], ignore_index=True)
    holdings = pd.DataFrame({"holder": "HUB", "subject": ids, "percent": percent})
    return Dataset(f"star-{subsidiaries}-s{seed}", entities, holdings)


# --- the same data as other tools write it (issue 18) ----------------------------------------------------------


def write_quoted_folder(dataset: Dataset, folder: Path) -> Path:
    """``entities.csv`` and ``holdings.csv`` with every field quoted, the header too, as pyarrow, R's
    ``write.csv`` and many registry exports write them."""
    folder.mkdir(parents=True, exist_ok=True)
    for frame, name in ((dataset.entities, "entities.csv"), (dataset.holdings, "holdings.csv")):
        frame.to_csv(folder / name, index=False, lineterminator="\n", quoting=csv.QUOTE_ALL)
    return folder


def holdings_with_parties(dataset: Dataset) -> pd.DataFrame:
    """The holdings as one table declaring each party on its rows: holder and subject, the stake, and each
    party's name, type, jurisdiction and headquarters (the commonest export: no separate entity list)."""
    parties = dataset.entities.set_index("id")
    columns: dict[str, object] = {}
    for role in ("holder", "subject"):
        ids = dataset.holdings[role]
        columns[role] = ids.to_numpy()
        for attr in ("name", "type", "jurisdiction", "headquarters"):
            columns[f"{role}_{attr}"] = parties[attr].reindex(ids).to_numpy()
    columns["percent"] = dataset.holdings["percent"].to_numpy()
    order = ["holder", "holder_name", "holder_type", "holder_jurisdiction", "holder_headquarters"]
    order += ["subject", "subject_name", "subject_type", "subject_jurisdiction", "subject_headquarters", "percent"]
    return pd.DataFrame(columns, columns=order)


def write_holdings_csv(dataset: Dataset, path: Path) -> Path:
    """The single holdings CSV of ``holdings_with_parties`` (parties never held nor holding are left out,
    as such an export has no row for them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    holdings_with_parties(dataset).to_csv(path, index=False, lineterminator="\n")
    return path
