"""GLEIF records into entities and holdings: every rule that maps GLEIF onto the equity graph.

Entities (Level 1):

* id is the LEI, name the legal name (in its own script), type from ``EntityCategory`` (FUND is a fund,
  SOLE_PROPRIETOR a person, RESIDENT_GOVERNMENT_ENTITY a state body, others companies);
* ``jurisdiction`` is ``LegalJurisdiction`` (``US-DE`` means US); when that is missing or not a country, the
  legal (registered) address country stands in, with a warning; ``headquarters`` is the headquarters
  address country;
* registration status: ISSUED, LAPSED (not renewed, still the entity's data) and PENDING_* are used as they
  are; RETIRED, MERGED and DUPLICATE are used with a warning (relationships naming them may be stale);
  ANNULLED records (issued in error) are not used.

Holdings (Level 2): the StartNode is the child (subject), the EndNode the parent (holder).

* IS_DIRECTLY_CONSOLIDATED_BY is control (accounting consolidation) with the equity unknown: a stake of
  0-100% with the control flag, so that the high bound can give a child everything its parent might hold
  (a Hong Kong child consolidated by a Chinese parent is at least ``possible`` for CN, and controlled by a
  CN party in the reasons) and ``--control taints`` can count the control itself. A percentage
  ``RelationshipQuantifier`` replaces the 0-100% by its figure.
* IS_ULTIMATELY_CONSOLIDATED_BY is the ultimate parent's declared indirect interest in the child
  (``Holding.indirect``): consolidation control with the percentage quantifier's stake if one is given,
  else 0-100%. It is always kept, whether or not the input holds the chain of direct parents; graph
  preparation decides how it counts (standing in for a missing chain, or a floor under the chain's figure).
  The record's figure is the parent's whole consolidation: where the ultimate parent is also the direct
  parent (a two-level group files both records), the declared indirect part is the ultimate figure less the
  direct one, and a record whose direct figure already accounts for all of it adds nothing
  (``redundant_relationship``), so the same consolidation is never counted twice.
* IS_INTERNATIONAL_BRANCH_OF: a branch is the same legal person as its head office, so the head office
  holds exactly 100% of it.
* Fund relationships (IS_FUND-MANAGED_BY, IS_SUBFUND_OF, IS_FEEDER_TO) are management and fund structure,
  not ownership of the start node: not used, with a warning.
* Dates: each RELATIONSHIP_PERIOD's start and end, inclusive (periods that overlap or follow each other
  without a gap are one stretch; a gap gives a holding per stretch, so the relationship does not count in
  the gap); accounting and filing periods say nothing about when the relationship held. ACTIVE
  relationships are used as they are; an INACTIVE one (or a RETIRED record) ends at its period's end date,
  so ``--as-of`` still sees it before then. Without an end date it ended at the latest when the record was
  last updated (``LastUpdateDate``): it is read as possibly in force until the day before (a stake from 0
  to its figure, with control), with an ``ended_undated`` warning; without that date either it is not used,
  with a warning. A reporting exception (which says what holds now) gives way only to a relationship of its
  level that has not ended. ANNULLED and DUPLICATE records are not used.
* Quantifier scale: GLEIF files write full consolidation both as 100.00 and as 1.00. An amount above 1 is
  percentage points; an amount of at most 1 is read as a fraction (1.00 = 100%, 0.6 = 60%), with a
  ``fraction_scale`` warning, because a consolidation stake of 1% or less is implausible.
* Records that repeat the same (child, type, parent) are merged: the most recently updated one is used.

Reporting exceptions say that the owners above the entity are not named, never that it is its own top:
NATURAL_PERSONS (controlled by natural persons, who are not named), NON_CONSOLIDATING, NO_LEI, NON_PUBLIC
and the reasons of legal obstacles or detriment (a parent exists that the data does not name), and
NO_KNOWN_PERSON (no controlling person is known, which leaves the owners unknown). Each gives a synthetic
holder of unknown country, ``unknown parent of <LEI> (<REASONS>)`` (``unknown owners of <LEI>
(NO_KNOWN_PERSON)``; a person for NATURAL_PERSONS, else of unknown type, never ultimate), holding 0-100%
with control like a relationship of that level (an ultimate-level exception is a declared indirect
interest), with an ``unknown_parent`` warning. So no GLEIF record marks an entity ``ultimate``; a
RESIDENT_GOVERNMENT_ENTITY is a state body, its own top by nature. A relationship record of the same level
for the same child wins over the exception; an exception about a LEI with no Level 1 record makes that LEI
an entity of unknown country (``unknown_reference``).

Problems in single records of published data (a missing id, an unreadable date or amount, a country code
that is not one) are warnings naming the row or line and the field, never errors: the user cannot correct
GLEIF's files, and the rest of the records are still good. Warning codes: ``ignored_record``,
``ignored_relationship``, ``redundant_relationship``, ``unknown_parent``,
``fraction_scale``, ``bad_value``, ``unknown_status``, ``ended_undated``, ``duplicate_record``, ``lei_status``,
``legal_address_used``, ``unknown_country``, ``unknown_reference``, ``no_entity_records`` (and, from the
files, ``ignored_file`` and ``encoding``); at most 20 of each are listed, then one line counts the rest.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import replace

from ownership.errors import Location
from ownership.model import TOLERANCE, Entity, Holding, Stake
from ownership.readers.gleif.entities import level1_entities
from ownership.readers.gleif.links import Link, exception_links, relationship_links
from ownership.readers.gleif.records import Batch, Notes


def build(batch: Batch, notes: Notes) -> tuple[list[Entity], list[Holding]]:
    """Entities and holdings from every record read, with warnings for what is not used as given."""
    entities = level1_entities(batch.leis, notes)
    links = relationship_links(batch.relationships, notes)
    synthetic: dict[str, Entity] = {}
    links += exception_links(batch.exceptions, links, entities, synthetic, notes)
    holdings = _holdings(links, notes)
    named = _references(links, holdings, entities.keys() | synthetic.keys(), bool(batch.leis), notes)
    return [*entities.values(), *named, *synthetic.values()], holdings


def _holdings(links: list[Link], notes: Notes) -> list[Holding]:
    """One holding per link: direct links as holdings, ultimate-level links as declared indirect interests
    (graph preparation decides how those count beside the chain of direct parents).

    An ultimate record states the parent's whole consolidation of the child. Where the ultimate parent is
    also a direct parent, part of that is the direct record's stake, so only the rest (the ultimate figure
    less the direct one, as an interval of fractions) is held through others; when nothing can be left, the
    ultimate record adds nothing beside the direct one and says so.
    """
    direct = {(link.parent, link.child): link.stake for link in links if link.direct}
    holdings: list[Holding] = []
    for link in links:
        held = None if link.direct else direct.get((link.parent, link.child))
        if held is None:
            holdings.append(link.holding())
            continue
        rest = Stake(max(0.0, link.stake.low - held.high), max(0.0, link.stake.high - held.low))
        if rest.high <= TOLERANCE:
            notes.warn(
                "redundant_relationship",
                f"{link.said}: the ultimate parent is also the direct parent, whose {held} is the whole of the "
                f"ultimate record's {link.stake}: nothing is held through others, so it adds nothing beside the "
                "direct record",
                link.place.record(),
            )
            continue
        note = f"; the ultimate record's {link.stake} less the direct {held}: held through others"
        holdings.append(replace(link, stake=rest, source=link.source + note).holding())
    return holdings


def _references(
    links: list[Link], holdings: list[Holding], known: Set[str], have_level1: bool, notes: Notes
) -> list[Entity]:
    """The LEIs that holdings name but no Level 1 record declares, with an unknown country."""
    used = {(h.holder, h.subject) for h in holdings}
    entities: dict[str, Entity] = {}
    for link in links:
        if (link.parent, link.child) not in used:
            continue
        for lei, field, role in ((link.child, link.child_field, "child"), (link.parent, link.parent_field, "parent")):
            if lei in known or lei in entities:
                continue
            where = link.place.at(field) if field is not None else link.place.record()
            entities[lei] = Entity(
                id=lei,
                name=lei,
                declared=False,
                where=where,
                source="named by GLEIF Level 2 data only (no LEI record in the input)",
            )
            if have_level1:
                notes.warn(
                    "unknown_reference",
                    f"LEI {lei} (a {role} here) has no Level 1 record in the input: added with an unknown country "
                    "(possibly a home entity for the high bound)",
                    where,
                )
    if entities and not have_level1:
        notes.warn(
            "no_entity_records",
            f"the input has no Level 1 (LEI) records, so the countries of all {len(entities)} LEIs it names are "
            "unknown; add the LEI-CDF file (or the lei-records) for the LEIs concerned",
            Location(links[0].place.file),
        )
    return list(entities.values())


__all__ = ["build"]
