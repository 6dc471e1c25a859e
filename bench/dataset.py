"""What every generator shares: the dataset type, stake units, countries, and a measure of the result."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

IntArray = npt.NDArray[np.int64]

#: Stake units per 100%: one unit is 0.0001 percentage points (a fraction of 1e-6).
UNIT = 1_000_000
#: The watched country of every generated dataset (the benchmark runs ``-j CN``).
WATCHED = "CN"


COUNTRIES = (
    "GB",
    "US",
    "DE",
    "FR",
    "NL",
    "LU",
    "IE",
    "CH",
    "SE",
    "IT",
    "ES",
    "JP",
    "SG",
    "HK",
    "KY",
    "VG",
    "IN",
    "CN",
)
COMPANY_WEIGHTS = (30, 12, 8, 6, 5, 3, 3, 3, 3, 4, 4, 4, 3, 2, 3, 2, 3, 2)
PERSON_WEIGHTS = (32, 14, 9, 7, 4, 1, 3, 3, 3, 5, 5, 4, 2, 2, 0, 0, 4, 3)
STATE_WEIGHTS = (10, 10, 10, 10, 10, 5, 5, 5, 5, 5, 5, 5, 5, 5, 0, 0, 5, 5)


@dataclass(frozen=True)
class Dataset:
    """One generated input: entity rows and holding rows in the canonical columns.

    Attributes:
        name: a short label for messages and file names.
        entities: columns id, name, type, jurisdiction, headquarters ("" where unknown).
        holdings: columns holder, subject, percent (text: "12.5", "100", or a band "25-30").
    """

    name: str
    entities: pd.DataFrame
    holdings: pd.DataFrame

    @property
    def n_entities(self) -> int:
        return len(self.entities)

    @property
    def n_holdings(self) -> int:
        return len(self.holdings)


def countries(rng: np.random.Generator, count: int, weights: Sequence[int]) -> npt.NDArray[np.object_]:
    p = np.array(weights, dtype=np.float64)
    chosen: npt.NDArray[np.object_] = rng.choice(np.array(COUNTRIES, dtype=object), size=count, p=p / p.sum())
    return chosen


def units_text(units: IntArray) -> list[str]:
    """Stake units as percentage text with up to 4 decimals: 125000 -> "12.5", 1000000 -> "100"."""
    whole, frac = np.divmod(units, 10_000)
    return [
        f"{w}.{f:04d}".rstrip("0").rstrip(".") if f else str(w)
        for w, f in zip(whole.tolist(), frac.tolist(), strict=True)
    ]


@dataclass(frozen=True)
class Profile:
    """What a generated dataset looks like, for the README and the tests.

    Attributes:
        entities, holdings: row counts.
        person_share: natural persons among the entities.
        owners_mean, owners_median: holders per held entity.
        watched_holder_share: holdings whose holder is in the watched country (by incorporation,
            headquarters or nationality).
        cross_holdings: holdings whose reverse link is also a holding, or which close a longer cycle (the
            holdings inside strongly connected components).
        ranged_share: stakes given as a band.
        remainder_share: held entities whose stakes sum below 100%.
        max_allocated_pct: the largest sum of (low) stakes in one entity, in percent.
        unknown_country_share: entities with neither jurisdiction nor headquarters.
    """

    entities: int
    holdings: int
    person_share: float
    owners_mean: float
    owners_median: float
    watched_holder_share: float
    cross_holdings: int
    ranged_share: float
    remainder_share: float
    max_allocated_pct: float
    unknown_country_share: float


def low_percent(texts: pd.Series) -> npt.NDArray[np.float64]:
    """The low end, in percent, of each generated percent text (a number or a band "lo-hi")."""
    low = texts.str.split("-", n=1).str[0].astype(np.float64).to_numpy(dtype=np.float64)
    return np.asarray(low, dtype=np.float64)


def profile(dataset: Dataset) -> Profile:
    """Measure ``dataset`` (cycles by scipy's strongly connected components)."""
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    ents, hold = dataset.entities, dataset.holdings
    index = pd.Index(ents["id"])
    h = index.get_indexer(hold["holder"])
    s = index.get_indexer(hold["subject"])
    n = len(ents)
    watched = ((ents["jurisdiction"] == WATCHED) | (ents["headquarters"] == WATCHED)).to_numpy()
    low = low_percent(hold["percent"])
    allocated = np.bincount(s, weights=low, minlength=n)
    held = np.bincount(s, minlength=n)
    graph = sparse.csr_matrix((np.ones(h.size), (h, s)), shape=(n, n))
    _, labels = connected_components(graph, directed=True, connection="strong")
    owners = held[held > 0]
    return Profile(
        entities=n,
        holdings=len(hold),
        person_share=float((ents["type"] == "person").mean()),
        owners_mean=float(owners.mean()) if owners.size else 0.0,
        owners_median=float(np.median(owners)) if owners.size else 0.0,
        watched_holder_share=float(watched[h].mean()) if h.size else 0.0,
        cross_holdings=int((labels[h] == labels[s]).sum()),
        ranged_share=float(hold["percent"].str.contains("-", regex=False).mean()),
        remainder_share=float((allocated[held > 0] < 100 - 1e-9).mean()) if owners.size else 0.0,
        max_allocated_pct=float(allocated.max()) if n else 0.0,
        unknown_country_share=float(((ents["jurisdiction"] == "") & (ents["headquarters"] == "")).mean()),
    )
