"""``ownership.whatif``: what would change one entity's verdict, with the settings of ``check`` by their
policy-file names and the scenario as the command line writes it (percentages at this edge)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from ownership.analysis.whatif.analysis import WhatIf, analyse
from ownership.analysis.whatif.scenario import parse_scenario
from ownership.errors import DataWarning, PolicyError
from ownership.model import OwnershipData, Policy
from ownership.result import FailOn


def whatif(
    data: OwnershipData | str | os.PathLike[str],
    entity: str,
    *,
    sets: Iterable[str] = (),
    drops: Iterable[str] = (),
    countries: Iterable[str] | Mapping[str, str] = (),
    profile: str | None = None,
    policy_file: str | os.PathLike[str] | None = None,
    **settings: object,
) -> WhatIf:
    """What would change ``entity``'s verdict: the holdings pivotal to it, and the stake each holding
    upstream would need for it to be ``clear`` (a sale to a party outside the watched set, or new shares
    for a holder that is not home), with the smallest such change.

    Args:
        data: what ``ownership.read`` returned, or a path to read.
        entity: the entity's id or unique name.
        sets: ``"HOLDER:SUBJECT=PCT"`` texts, PCT in percent (``"A:B=30"``, ``"A:B=25-50"``): add a holding
            or replace one, before the check.
        drops: ``"HOLDER:SUBJECT"`` texts: remove a holding.
        countries: ``"ENTITY=CC"`` texts or a mapping entity -> country: give an entity that country.
        profile, policy_file, **settings: as ``ownership.check`` takes them (``threshold=50`` is 50%).

    Returns:
        The answer: ``baseline`` (the entity in the check of the changed data), ``pivotal``, ``cure``,
        ``best`` (or None with ``why``), and with a scenario ``before`` and ``diff``. Stakes and figures are
        fractions 0..1 (``max``, ``min`` and ``change`` too: 0.1 is 10 percentage points).

    Raises:
        PolicyError: an unknown setting or entity, a bad scenario text (naming the option and the value).
        InputError: the input cannot be read or evaluated.
    """
    from ownership.api import read, resolve_rules

    if not isinstance(data, OwnershipData):
        data = read(data)
    rules = resolve_rules(
        [profile] if profile is not None else [],
        policy_file=policy_file,
        settings=settings,
        setting_origin=lambda key: f"whatif({key}=)",
    )
    return run(
        data,
        rules.policies[0],
        entity,
        sets=sets,
        drops=drops,
        countries=countries,
        fail_on=rules.fail_on,
        warnings=rules.warnings,
    )


def run(
    data: OwnershipData,
    policy: Policy,
    entity: str,
    *,
    sets: Iterable[str] = (),
    drops: Iterable[str] = (),
    countries: Iterable[str] | Mapping[str, str] = (),
    fail_on: FailOn = FailOn.FLAGGED,
    warnings: Sequence[DataWarning] = (),
) -> WhatIf:
    """``whatif`` with the rule already resolved (the command line resolves it with its own files).

    Raises:
        PolicyError: no entity of that id or name, nothing to watch, or a bad scenario text.
        InputError: the data cannot be evaluated.
    """
    from ownership.model.tables import EntityTable
    from ownership.pipeline import resolve_targets

    if not policy.jurisdictions and not policy.watchlist:
        raise PolicyError("nothing to watch: name a country with -j (for example -j CN) or a --watchlist")
    if warnings:
        data = replace(data, warnings=data.warnings + tuple(warnings))
    (found,) = resolve_targets(data, [entity])
    table = EntityTable.of(data.entities)
    scenario = parse_scenario(
        table.ids, table.names, sets=sets, drops=drops, countries=countries, position=table.position
    )
    return analyse(data, policy, found, scenario, fail_on=fail_on)


__all__ = ["run", "whatif"]
