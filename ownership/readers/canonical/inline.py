"""Parties declared on the holding rows themselves (a single holdings CSV with holder_/subject_ name, type and
country columns), and the countries those rows give them."""

from __future__ import annotations

from dataclasses import replace

from ownership.errors import Location, short
from ownership.model import Entity, EntityType
from ownership.readers.canonical.row import Problems, Row, row_entity_type

COUNTRY_COLUMNS = tuple(f"{role}_{attr}" for role in ("holder", "subject") for attr in ("jurisdiction", "headquarters"))


def note_countries(
    row: Row, columns: list[str], parties: dict[str, str | None], found: dict[str, dict[str, tuple[str, Location]]]
) -> None:
    """Record the countries this row gives its parties; two rows giving one party two countries is an error."""
    for name in columns:
        role, attr = name.split("_", 1)
        party = parties[role]
        code = row.country(name) if party is not None else None
        if party is None or code is None:
            continue
        earlier = found.setdefault(party, {}).get(attr)
        if earlier is None:
            found[party][attr] = (code, row.where(name))
        elif earlier[0] != code:
            row.problems.error(
                f"{short(party)} has {attr} {code} here but {earlier[0]} at row {earlier[1].row}; one party, one "
                "country",
                row.where(name),
            )


def merge_found_countries(
    entities: list[Entity], found: dict[str, dict[str, tuple[str, Location]]], problems: Problems, declared: str
) -> None:
    """Countries from the holding rows fill what the entity list leaves blank; a contradiction is an error."""
    filled: list[str] = []
    for k, entity in enumerate(entities):
        given = found.get(entity.id)
        if not given:
            continue
        for attr, (code, where) in given.items():
            current = getattr(entity, attr)
            if current is None:
                entity = (
                    replace(entity, jurisdiction=code) if attr == "jurisdiction" else replace(entity, headquarters=code)
                )
                filled.append(entity.id)
            elif current != code:
                problems.error(
                    f"{declared} gives {short(entity.id)} {attr} {current}, but this row says {code}; correct one of "
                    "them",
                    where,
                )
        entities[k] = entity
    if filled:
        names = list(dict.fromkeys(filled))
        listed = ", ".join(short(n, 40) for n in names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        problems.warn(
            "country_from_holdings",
            f"{len(names)} part{'y' if len(names) == 1 else 'ies'} without a country in {declared} take it from the "
            f"holdings' country column ({listed})",
        )


#: The first cell of a total row: "Total", "TOTAL:", "Grand total", "Sum", "Subtotal".


INLINE_COLUMNS = tuple(
    f"{role}_{attr}"
    for role in ("holder", "subject")
    for attr in ("name", "type", "jurisdiction", "headquarters", "ultimate")
)


class InlineEntities:
    """Entities declared on holding rows (single holdings CSV): holder_/subject_ name, type and countries."""

    def __init__(self, entities: list[Entity], problems: Problems) -> None:
        self.entities = entities
        self.problems = problems
        self.found: dict[str, Entity] = {e.id: e for e in entities}
        self.order: list[str] = []

    def declare(self, row: Row, role: str, entity_id: str) -> str:
        """Record what this row says about the party and return its id."""
        cols = row.header.columns
        entity = Entity(
            id=entity_id,
            name=row.text(f"{role}_name") or entity_id,
            type=row_entity_type(row, f"{role}_type") if f"{role}_type" in cols else EntityType.UNKNOWN,
            jurisdiction=row.country(f"{role}_jurisdiction") if f"{role}_jurisdiction" in cols else None,
            headquarters=row.country(f"{role}_headquarters") if f"{role}_headquarters" in cols else None,
            where=row.where(role),
            ultimate=row.flag(f"{role}_ultimate") if f"{role}_ultimate" in cols else False,
        )
        previous = self.found.get(entity_id)
        if previous is None:
            self.found[entity_id] = entity
            self.order.append(entity_id)
            return entity_id
        merged = previous
        for attr in ("jurisdiction", "headquarters"):
            old, new = getattr(previous, attr), getattr(entity, attr)
            if old is not None and new is not None and old != new:
                row_text = previous.where.row if previous.where else "?"
                self.problems.error(
                    f"{short(entity_id)} has {attr} {new} here but {old} at row {row_text}; one entity, one country",
                    row.where(f"{role}_{attr}"),
                )
            elif old is None and new is not None:
                merged = replace(merged, **{attr: new})
        if merged.type is EntityType.UNKNOWN and entity.type is not EntityType.UNKNOWN:
            merged = replace(merged, type=entity.type)
        if entity.ultimate and not merged.ultimate:
            merged = replace(merged, ultimate=True)
        self.found[entity_id] = merged
        return entity_id

    def finish(self, entities: list[Entity]) -> None:
        # The ids already listed, gathered once: a set built inside the generator was built again for every
        # party, which made a 200,000-row holdings file take minutes.
        listed = {e.id for e in entities}
        entities.extend(self.found[i] for i in self.order if i not in listed)
