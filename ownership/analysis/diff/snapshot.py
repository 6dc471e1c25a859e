"""One side of a diff: a check's statuses and figures per entity, from a ``CheckResult`` or from the JSON
report ``exposure check --format json`` wrote (schema ``exposure.check/1``)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ownership.errors import InputError, Location, PolicyError
from ownership.model import OwnershipData, Policy
from ownership.result import STATUSES, CheckResult, Status

FloatArray = npt.NDArray[np.float64]

#: The schema of the JSON report a snapshot can be read from.
CHECK_SCHEMA = "exposure.check/1"

#: Policy settings compared between the two sides (the JSON report's ``policy`` keys); the rest (names,
#: descriptions, where each setting came from) say nothing about the figures.
_COMPARED = (
    "jurisdictions",
    "threshold_pct",
    "comparison",
    "method",
    "home",
    "aggregate",
    "as_of",
    "pass_through_pct",
    "pass_through_comparison",
    "weights",
    "control",
    "allow_overallocation",
    "unrecorded_holders",
    "watchlist",
    "watchlist_entries",
)


@dataclass(frozen=True)
class Snapshot:
    """Every entity of one check: status and figures in columns (fractions 0..1), in the check's order.

    Attributes:
        label: what was read (the path as given).
        ids, names: the entities.
        status: per entity, its ``Status``.
        cascade_low, cascade_high, lookthrough_low, lookthrough_high: the figures' bounds.
        decides: per entity, whether it decides the exit code in that check.
        policy: the rule as the JSON report writes it (``policy`` keys, percentages).
        method: the deciding method's name.
        in_force: whether the rule applies on its as-of date.
        result: the check itself, when the snapshot comes from one (its rule and data allow the causes to
            be worked out); None for a snapshot read from a report.
        data: the data the check read, when known (the causes are computed from it).
    """

    label: str
    ids: Sequence[str]
    names: Sequence[str]
    status: Sequence[Status]
    cascade_low: FloatArray
    cascade_high: FloatArray
    lookthrough_low: FloatArray
    lookthrough_high: FloatArray
    decides: npt.NDArray[np.bool_]
    policy: Mapping[str, Any]
    method: str
    in_force: bool = True
    result: CheckResult | None = None
    data: OwnershipData | None = None

    @property
    def rule(self) -> Policy | None:
        """The rule the check applied, when the snapshot comes from a check."""
        return None if self.result is None else self.result.policy

    def compared_policy(self) -> dict[str, Any]:
        """The settings that bear on the figures, by the JSON report's names."""
        return {key: self.policy.get(key) for key in _COMPARED}


def of_result(result: CheckResult, data: OwnershipData | None = None) -> Snapshot:
    """The snapshot of a check (``data``: what it read, when the caller has it)."""
    from ownership.reports.common import policy_document

    f = result.figures
    table = result.verdicts.entities
    return Snapshot(
        label=result.source.path,
        ids=table.ids,
        names=table.names,
        status=[STATUSES[int(k)] for k in f.status.tolist()],
        cascade_low=f.cascade_low,
        cascade_high=f.cascade_high,
        lookthrough_low=f.lookthrough_low,
        lookthrough_high=f.lookthrough_high,
        decides=f.decides,
        policy=policy_document(result.policy),
        method=result.policy.method.value,
        in_force=result.policy.in_force,
        result=result,
        data=data,
    )


def is_report(path: Path) -> bool:
    """Whether ``path`` is a JSON report of ``exposure check`` (by its ``schema``, read from its start)."""
    if not path.is_file():
        return False
    try:
        with path.open("rb") as stream:
            head = stream.read(4096)
    except OSError:
        return False
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff").lstrip()
    return text.startswith("{") and f'"schema": "{CHECK_SCHEMA}"' in text.replace('"schema":"', '"schema": "')


def read_report(path: Path, label: str | None = None) -> Snapshot:
    """The snapshot a JSON report of ``exposure check`` holds (its percentages back into fractions).

    Raises:
        InputError: the file cannot be read, is not JSON, is not an ``exposure.check/1`` report, or an
            entity entry lacks a key or holds a value that is not a status or a percentage (naming the
            file and the entity's place in ``entities``).
    """
    name = label or str(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise InputError(
            where=Location(name), reason=f"cannot be read ({exc.strerror or type(exc).__name__})"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(where=Location(name), reason=f"is not a JSON report ({_short(exc)})") from None
    if not isinstance(document, dict) or document.get("schema") != CHECK_SCHEMA:
        raise InputError(
            where=Location(name), reason=f"is not an {CHECK_SCHEMA} report (its 'schema' key says otherwise)"
        )
    entries = document.get("entities")
    policy = document.get("policy")
    if not isinstance(entries, list) or not isinstance(policy, dict):
        raise InputError(where=Location(name), reason="has no 'entities' list or no 'policy' object")
    ids: list[str] = []
    names: list[str] = []
    statuses: list[Status] = []
    figures: list[tuple[float, float, float, float]] = []
    decides: list[bool] = []
    seen: set[str] = set()
    for k, entry in enumerate(entries):
        where = f"entities[{k}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise InputError(where=Location(name), reason=f"{where} has no text 'id'")
        entity_id = entry["id"]
        if entity_id in seen:
            raise InputError(where=Location(name), reason=f"{where}: entity '{entity_id}' is listed twice")
        seen.add(entity_id)
        try:
            status = Status(str(entry.get("status")))
        except ValueError:
            raise InputError(
                where=Location(name), reason=f"{where} ('{entity_id}'): 'status' {entry.get('status')!r} is no status"
            ) from None
        figures.append((*_bounds(entry, "cascade_pct", name, where), *_bounds(entry, "lookthrough_pct", name, where)))
        ids.append(entity_id)
        names.append(str(entry.get("name") or entity_id))
        statuses.append(status)
        decides.append(bool(entry.get("decides", True)))
    columns = np.array(figures, dtype=np.float64).reshape(-1, 4) / 100.0
    method = str(policy.get("method", "cascade"))
    return Snapshot(
        label=name,
        ids=ids,
        names=names,
        status=statuses,
        cascade_low=columns[:, 0].copy(),
        cascade_high=columns[:, 1].copy(),
        lookthrough_low=columns[:, 2].copy(),
        lookthrough_high=columns[:, 3].copy(),
        decides=np.array(decides, dtype=np.bool_),
        policy=policy,
        method=method,
        in_force=bool(policy.get("in_force", True)),
    )


def _bounds(entry: Mapping[str, Any], key: str, name: str, where: str) -> tuple[float, float]:
    value = entry.get(key)
    low = value.get("low") if isinstance(value, dict) else None
    high = value.get("high") if isinstance(value, dict) else None
    if not _number(low) or not _number(high):
        raise InputError(
            where=Location(name), reason=f"{where} ('{entry.get('id')}'): '{key}' needs numbers 'low' and 'high'"
        )
    return float(low), float(high)  # type: ignore[arg-type]


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and bool(np.isfinite(value))


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 80 else text[:77] + "..."


def resolve_entities(snapshots: Sequence[Snapshot], entities: Sequence[str]) -> tuple[str, ...]:
    """Entity ids for ``entities`` (ids, or unique names, case-insensitive) as either side knows them.

    Raises:
        PolicyError: a value names no entity on either side, or a name several.
    """
    found: list[str] = []
    for raw in entities:
        text = raw.strip()
        key = " ".join(text.split()).casefold()
        match: str | None = None
        for snap in snapshots:
            if text in _positions(snap):
                match = text
                break
        if match is None:
            for snap in snapshots:
                folded = [i for i in snap.ids if i.casefold() == key]
                named = [i for i, n in zip(snap.ids, snap.names, strict=True) if " ".join(n.split()).casefold() == key]
                candidates = list(dict.fromkeys(folded or named))
                if len(candidates) > 1:
                    raise PolicyError(f"--entity '{text}' names {len(candidates)} entities; use an id")
                if candidates:
                    match = candidates[0]
                    break
        if match is None:
            places = " or ".join(dict.fromkeys(s.label for s in snapshots))
            raise PolicyError(f"--entity '{text}' is not an entity id or name in {places}")
        if match not in found:
            found.append(match)
    return tuple(found)


def _positions(snap: Snapshot) -> Mapping[str, int]:
    if snap.result is not None:
        return snap.result.verdicts.entities.position
    return {i: k for k, i in enumerate(snap.ids)}
