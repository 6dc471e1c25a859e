"""BODS statements of every version into envelopes: identity, lifecycle, and the party or relationship.

BODS 0.4 publishes *records* (``recordId``, ``recordType`` entity/person/relationship, ``recordDetails``,
``recordStatus``); BODS 0.1 to 0.3 publish *statements* (``statementID``, ``statementType``, fields at the
top level, ``replacesStatements``). Both shapes are read statement by statement, so a file mixing them still
reads. ``bods_parties`` reads entities and persons, ``bods_interests`` relationships.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ownership.errors import short
from ownership.model import Entity
from ownership.readers.bods.fields import Notes, Raw, Statement, cite, items, mapping, text
from ownership.readers.bods.interests import Relationship, parse_relationship
from ownership.readers.bods.parties import parse_entity, parse_person


@dataclass(frozen=True, slots=True)
class Envelope:
    """A statement's identity and lifecycle, with the party or relationship it describes.

    Attributes:
        key: what references point at: ``recordId`` (0.4) or ``statementID`` (0.1-0.3).
        statement_id: the statement's own id.
        date: ``statementDate`` as written ('' when absent): later versions of a record win.
        closed: ``recordStatus`` is ``closed`` (0.4): the record has left the network.
        replaces: statement ids this statement supersedes (``replacesStatements``, 0.1-0.3).
        number: the statement's 1-based position in the file (ties between versions go to the later one).
        record: the party (as an entity with ``id = key``) or the relationship.
    """

    key: str
    statement_id: str
    date: str
    closed: bool
    replaces: tuple[str, ...]
    number: int
    record: Entity | Relationship


def parse_statement(raw: Raw, notes: Notes) -> Envelope | None:
    """The statement's envelope and record, or None (with an error recorded) when it cannot be used."""
    data = raw.data
    modern = "recordType" in data
    if not modern and "statementType" not in data:
        notes.error(
            "is not a BODS statement: it has neither recordType (BODS 0.4) nor statementType (BODS 0.1-0.3)",
            raw.where,
        )
        return None
    if modern:
        statement_id = text(data, "statementId") or text(data, "statementID")
        key = text(data, "recordId")
        kind = text(data, "recordType")
        details = mapping(data, "recordDetails")
        label = f"record {short(key, 60)}" if key else _statement_label(statement_id)
        missing = [name for name, v in (("recordId", key), ("recordDetails", details)) if v is None]
    else:
        statement_id = text(data, "statementID") or text(data, "statementId")
        key = statement_id
        kind = text(data, "statementType")
        details = data
        label = _statement_label(statement_id)
        missing = [] if statement_id else ["statementID"]
    st = Statement(raw, notes, label, cite(key, statement_id or key) if key else "")
    if missing:
        st.error(f"the required field{'s' if len(missing) > 1 else ''} {' and '.join(missing)} {_is(missing)} missing")
        return None
    assert key is not None and details is not None
    if kind in ("entity", "entityStatement"):
        record: Entity | Relationship | None = parse_entity(st, key, details)
    elif kind in ("person", "personStatement"):
        record = parse_person(st, key, details)
    elif kind in ("relationship", "ownershipOrControlStatement"):
        record = parse_relationship(st, key, statement_id or key, details, modern)
    else:
        expected = (
            "entity, person or relationship"
            if modern
            else "entityStatement, personStatement or ownershipOrControlStatement"
        )
        field_name = "recordType" if modern else "statementType"
        st.error(f"{field_name} '{short(kind, 40)}' is not one of {expected}")
        return None
    if record is None:
        return None
    status = text(data, "recordStatus")
    replaces = tuple(str(v) for v in items(data, "replacesStatements") if isinstance(v, str | int))
    return Envelope(
        key=key,
        statement_id=statement_id or key,
        date=text(data, "statementDate") or "",
        closed=status == "closed",
        replaces=replaces,
        number=raw.number,
        record=record,
    )


def _statement_label(statement_id: str | None) -> str:
    return f"statement {short(statement_id, 60)}" if statement_id else "the statement"


def _is(names: Sequence[str]) -> str:
    return "are" if len(names) > 1 else "is"
