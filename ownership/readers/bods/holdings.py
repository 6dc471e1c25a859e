"""From BODS statements to entities and holdings: versions, references, interests, declared indirect interests.

Choices, each reported as a warning where it touches the data:

* Versions: of the statements about one record (0.4 ``recordId``; before 0.4 a statement and the ones it
  ``replacesStatements``) a party is read from the latest, by ``statementDate`` and then file order; each
  version of a relationship is kept for the period it was in force, and a closed record until it was
  closed (``bods_history``), so the as-of date sees the structure as it stood then.
* Parties a relationship names but the file does not describe become entities of unknown country (possibly
  home for the high bound), as canonical holdings do; an unspecified interested party (``unspecified``, or
  a 0.4 object with a ``reason``) becomes one such entity per relationship, named after its reason.
* A relationship's interests with the same dates make one holding: shareholding gives the stake, voting
  rights the votes, control types the control flag. An interest of unknown kind (no type,
  ``unknownInterest``, an empty ``interests`` list) or a shareholding keeps its share range, and is a stake
  of 0-100% without one. An ownership interest in the assets or benefits (a trust's settlor, trustee or
  beneficiary, a nominee, rights to profit or surplus) gives the stake where no shareholding does: its
  share, or 0-100% (its owners unknown) with a warning, besides control.
* Indirect interests (``directOrIndirect: indirect``, or those of a relationship listing its components
  that do not say they are direct) are declared indirect figures: each is kept as a holding marked
  ``indirect`` with its share range and the relationship as its source, whether or not the file also holds
  the chain; graph preparation decides how it counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from ownership.errors import short
from ownership.model import Entity, EntityType, Holding, Stake
from ownership.readers.bods.fields import Notes, Unspecified
from ownership.readers.bods.history import dated_versions
from ownership.readers.bods.interests import Interest, Kind, Relationship
from ownership.readers.bods.statements import Envelope


@dataclass
class _Parties:
    """The parties by key, with the placeholders created for references the file does not resolve."""

    notes: Notes
    by_key: dict[str, Entity]
    closed: set[str]
    relationships: set[str]
    replaced_by: dict[str, str]
    created: list[Entity] = field(default_factory=list)
    #: The placeholder made for each relationship record, so its versions over time share one.
    unspecified_keys: dict[str, str] = field(default_factory=dict)

    def follow(self, key: str) -> str:
        """The key a reference ends at after following replacements (0.1-0.3 ``replacesStatements``)."""
        seen = {key}
        while key in self.replaced_by and self.replaced_by[key] not in seen:
            key = self.replaced_by[key]
            seen.add(key)
        return key

    def resolve(self, ref: str, role: str, rel: Relationship) -> str | None:
        """The entity id for a reference, or None when the relationship cannot be used."""
        key = self.follow(ref)
        if key in self.by_key:
            return key
        if key in self.closed:
            self.notes.warn(
                "closed_party",
                f"relationship {short(rel.key, 60)}: its {role} {short(ref, 60)} is closed: the relationship is "
                "ignored with it",
                rel.where,
            )
            return None
        if key in self.relationships:
            self.notes.error(
                f"relationship {short(rel.key, 60)}: its {role} {short(ref, 60)} is a relationship, not a party",
                rel.where,
            )
            return None
        entity = Entity(
            key,
            key,
            EntityType.UNKNOWN,
            declared=False,
            where=rel.where,
            source=f"named by {rel.source()} as its {role}, not described in this file",
        )
        self.by_key[key] = entity
        self.created.append(entity)
        self.notes.warn(
            "unknown_reference",
            f"relationship {short(rel.key, 60)}: its {role} {short(ref, 60)} is not described in this file: "
            "added with an unknown country (possibly a home entity for the high bound)",
            rel.where,
        )
        return key

    def unspecified(self, rel: Relationship, party: Unspecified) -> str:
        if rel.key in self.unspecified_keys:
            return self.unspecified_keys[rel.key]
        key = f"unspecified:{rel.key}"
        while key in self.by_key:
            key += "'"
        said = f"{party.reason or 'no reason given'}" + (
            f": {short(party.description, 300)}" if party.description else ""
        )
        entity = Entity(
            key,
            f"unspecified interested party ({party.reason or 'no reason given'})",
            EntityType.UNKNOWN,
            declared=False,
            where=rel.where,
            source=f"declared but not identified by {rel.source()} ({said})",
        )
        self.by_key[key] = entity
        self.created.append(entity)
        self.unspecified_keys[rel.key] = key
        self.notes.warn(
            "unspecified_party",
            f"relationship {short(rel.key, 60)}: the interested party is not identified ({party.words()}): "
            f"counted as {key}, of unknown country (possibly a home entity for the high bound)",
            rel.where,
        )
        return key


def latest_versions(envelopes: Sequence[Envelope], notes: Notes) -> tuple[list[Envelope], set[str], dict[str, str]]:
    """The statements that count, in file order: parties as their latest version, relationships once per
    period they were in force (``bods_history``); the keys of closed parties left out; and, for 0.1-0.3
    statements, which statement replaced which."""
    return dated_versions(envelopes, notes)


def build_model(envelopes: Sequence[Envelope], notes: Notes) -> tuple[list[Entity], list[Holding]]:
    """Entities (file order, then parties only referenced) and holdings (file order) from the statements."""
    kept, closed, replaced_by = latest_versions(envelopes, notes)
    parties = _Parties(
        notes,
        by_key={e.key: e.record for e in kept if isinstance(e.record, Entity)},
        closed=closed,
        relationships={e.key for e in kept if isinstance(e.record, Relationship)},
        replaced_by=replaced_by,
    )
    declared = list(parties.by_key.values())
    direct: list[Holding] = []
    indirect: list[Holding] = []
    for env in kept:
        rel = env.record
        if not isinstance(rel, Relationship):
            continue
        if isinstance(rel.subject, Unspecified):
            notes.warn(
                "unspecified_subject",
                f"relationship {short(rel.key, 60)}: the subject is not identified ({rel.subject.words()}): "
                "nothing to attach the interest to, ignored",
                rel.where,
            )
            continue
        subject = parties.resolve(rel.subject, "subject", rel)
        if subject is None:
            continue
        if parties.by_key[subject].type is EntityType.PERSON:
            notes.error(
                f"relationship {short(rel.key, 60)}: its subject {short(subject, 60)} is a person; only entities "
                "can be held",
                rel.where,
            )
            continue
        if isinstance(rel.party, Unspecified):
            holder: str | None = parties.unspecified(rel, rel.party)
        else:
            holder = parties.resolve(rel.party, "interested party", rel)
        if holder is None:
            continue
        # A relationship without interests (allowed before 0.4, common in registers that publish no
        # percentages) is one interest of unknown kind.
        interests = rel.interests or (Interest(Kind.UNKNOWN, "", None, False, None, None, None),)
        direct.extend(_holdings(rel, holder, subject, [i for i in interests if not i.indirect], notes))
        # A declared indirect interest is evidence of the holder's share through others, kept as such
        # whether or not the file also holds the chain: graph preparation decides how it counts.
        declared_indirect = [i for i in rel.interests if i.indirect]
        indirect.extend(_holdings(rel, holder, subject, declared_indirect, notes, indirect=True))
    _check_scale(kept, notes)
    return declared + parties.created, direct + indirect


def _holdings(
    rel: Relationship, holder: str, subject: str, interests: list[Interest], notes: Notes, *, indirect: bool = False
) -> list[Holding]:
    """One holding per distinct (start, end) of the interests (stakes as fractions); ``indirect``: the
    interests are declared indirect, and so are the holdings."""
    if not interests:
        return []
    groups: dict[tuple[date | None, date | None], list[Interest]] = defaultdict(list)
    for interest in interests:
        groups[(interest.start, interest.end)].append(interest)
    label = f"relationship {short(rel.key, 60)} ({short(holder, 40)} -> {short(subject, 40)})"
    if indirect:
        label += ", declared indirect"
    has_equity = any(i.kind in (Kind.EQUITY, Kind.UNKNOWN) for i in rel.interests) or not rel.interests
    found: list[Holding] = []
    for (start, end), group in groups.items():
        # An interest of unknown kind may be a shareholding: its share, if given, is read as one.
        equity = [i for i in group if i.kind in (Kind.EQUITY, Kind.UNKNOWN)]
        # Ownership of the assets or benefits gives the stake only where no shareholding does, since both
        # would describe the same equity.
        owned = [i for i in group if i.kind is Kind.OWNERSHIP] if not equity else []
        stake = _sum(i.share if i.share is not None else Stake(0.0, 1.0) for i in equity + owned)
        votes = _sum(i.share if i.share is not None else Stake(0.0, 1.0) for i in group if i.kind is Kind.VOTES)
        control = any(i.kind in (Kind.CONTROL, Kind.OWNERSHIP) for i in group)
        unknown = [i for i in equity if i.share is None]
        if unknown:
            what = ", ".join(sorted({i.type_name or "no type" for i in unknown})) if rel.interests else "none listed"
            notes.warn(
                "unknown_stake",
                f"{label}: an interest ({what}) gives no share of the equity: read as anywhere from 0 to 100%",
                rel.where,
            )
        for i in equity:
            if i.kind is Kind.UNKNOWN and i.share is not None:
                notes.warn(
                    "unknown_interest_type",
                    f"{label}: an interest of unknown kind ({i.type_name or 'no type'}) gives a share of {i.share}: "
                    "read as a shareholding of that size",
                    rel.where,
                )
        unsized = sorted({i.type_name for i in owned if i.share is None})
        if unsized:
            notes.warn(
                "unknown_stake",
                f"{label}: its {', '.join(unsized)} interest is ownership of the subject's assets or benefits of a "
                "size the statement does not give: the owners of that part are unknown, read as a stake of 0-100% "
                "(up to what the other holders leave unallocated) besides control",
                rel.where,
            )
        for i in group:
            if i.kind is Kind.CONTROL and i.share is not None:
                notes.warn(
                    "ignored_share",
                    f"{label}: the {i.share} of its {i.type_name} interest is not a share of the equity: the "
                    "interest counts as control without equity",
                    rel.where,
                )
        if votes is not None and stake is None and not has_equity:
            notes.warn(
                "votes_only",
                f"{label}: voting rights of {votes} but no shareholding: they count only when weighing by votes",
                rel.where,
            )
        details = "; ".join(dict.fromkeys(i.details for i in group if i.details))
        source = rel.source() + (f": {short(details, 80)}" if details else "")
        found.append(
            Holding(
                holder,
                subject,
                stake,
                votes=votes,
                control=control,
                start=start,
                end=end,
                source=source,
                where=rel.where,
                indirect=indirect,
            )
        )
    return found


def _sum(stakes: Iterable[Stake]) -> Stake | None:
    total: Stake | None = None
    for stake in stakes:
        total = stake if total is None else total + stake
    if total is None:
        return None
    # Two interests of the same kind and dates (share classes) add up; a sum of ranges stays within 100%.
    return Stake(total.low, max(total.low, min(total.high, 1.0)))


def _check_scale(kept: Sequence[Envelope], notes: Notes) -> None:
    # BODS shares are percentage points 0..100; a file whose every share is at most 1 was almost certainly
    # written as fractions (0.5 meaning 50%). Reading it as written keeps the contract; say so.
    figures = [
        value
        for env in kept
        if isinstance(env.record, Relationship)
        for i in env.record.interests
        if i.share is not None
        for value in (i.share.low, i.share.high)
    ]
    if len(figures) >= 2 and all(v <= 0.01 for v in figures) and any(0 < v < 0.01 for v in figures):
        first = next(env.record for env in kept if isinstance(env.record, Relationship) and env.record.interests)
        notes.warn(
            "fraction_scale",
            "every share in this file is at most 1 percentage point; BODS shares are percentages (50 = 50%), so "
            "they were read as written (0.5 = 0.5%); if they are fractions, the publisher's file is wrong",
            first.where,
        )
