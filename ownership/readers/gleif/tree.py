"""GLEIF JSON files into records, and the conversion of dict-shaped records (JSON, or XML parsed by
``gleif_xml``) into the records of ``gleif_records``.

Forms read:

* golden-copy JSON (the XML mapped to JSON, values wrapped as ``{"$": ...}``) and plain JSON dicts with the
  XML's tag names (as Open Ownership's pipelines write them), in any list or wrapper, the two mixed in one
  file too;
* the GLEIF REST API v1 (JSON:API: ``lei-records``, ``relationship-records``, ``reporting-exceptions``).

JSON records are located by the line of their first key (``"LEI"``, ``"Relationship"``, or the API
``"type"``), found by scanning the text in record order. Keys are matched ignoring case.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ownership.errors import InputError, Location
from ownership.readers.cells import json_text
from ownership.readers.cells.tables import ReadLimits
from ownership.readers.gleif.records import (
    Batch,
    ExceptionRecord,
    LeiRecord,
    Period,
    Place,
    Quantifier,
    RelRecord,
    Text,
    check_size,
    clean,
)

_RAISE_ROWS = "raise the limit with --max-rows if the file is genuine"
_API_TYPES = {"lei-records": "api-lei", "relationship-records": "api-rr", "reporting-exceptions": "api-repex"}

# ===========================================================================================================
# Values in XML-shaped dicts and JSON
# ===========================================================================================================


def _get(node: object, *path: str) -> object:
    """The value at ``path`` (keys matched exactly first, then ignoring case), or None."""
    for key in path:
        if not isinstance(node, dict):
            return None
        if key in node:
            node = node[key]
            continue
        folded = key.casefold()
        node = next((v for k, v in node.items() if isinstance(k, str) and k.casefold() == folded), None)
    return node


def _str(value: object) -> str | None:
    """Text of a value: a string, a number, ``{"$": text}``, or the first such item of a list."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        return _str(value.get("$"))
    if isinstance(value, list):
        return next((t for t in (_str(v) for v in value) if t is not None), None)
    return None


def _text(node: object, field: str, *path: str) -> Text | None:
    value = _str(_get(node, *path))
    return Text(value, field) if value is not None else None


def _items(value: object, inner: str) -> list[object]:
    """The elements of a repeated group: ``[a, b]``, ``{inner: [a, b]}`` or ``{inner: a}`` alike."""
    if value is None:
        return []
    if isinstance(value, list):
        return [item for v in value for item in _items(v, inner)]
    if isinstance(value, dict):
        nested = _get(value, inner)
        if isinstance(nested, dict | list):
            return _items(nested, inner)
    return [value]


def _lei(node: object, place: Place) -> LeiRecord:
    entity = _get(node, "Entity")
    return LeiRecord(
        lei=_str(_get(node, "LEI")) or "",
        name=_str(_get(entity, "LegalName")),
        jurisdiction=_text(entity, "Entity/LegalJurisdiction", "LegalJurisdiction"),
        legal_country=_text(entity, "Entity/LegalAddress/Country", "LegalAddress", "Country"),
        hq_country=_text(entity, "Entity/HeadquartersAddress/Country", "HeadquartersAddress", "Country"),
        category=_str(_get(entity, "EntityCategory")),
        registration_status=_str(_get(node, "Registration", "RegistrationStatus")),
        last_update=_str(_get(node, "Registration", "LastUpdateDate")),
        place=place,
    )


def _relationship(node: object, place: Place) -> RelRecord:
    rel = _get(node, "Relationship")
    base = "Relationship/RelationshipPeriods/RelationshipPeriod/"
    periods = tuple(
        Period(
            _text(p, base + "StartDate", "StartDate"),
            _text(p, base + "EndDate", "EndDate"),
            _str(_get(p, "PeriodType")),
        )
        for p in _items(_get(rel, "RelationshipPeriods"), "RelationshipPeriod")
    )
    amount = "Relationship/RelationshipQuantifiers/RelationshipQuantifier/QuantifierAmount"
    quantifiers = tuple(
        Quantifier(
            _text(q, amount, "QuantifierAmount"), _str(_get(q, "QuantifierUnits")), _str(_get(q, "MeasurementMethod"))
        )
        for q in _items(_get(rel, "RelationshipQuantifiers"), "RelationshipQuantifier")
    )
    return RelRecord(
        start=_text(rel, "Relationship/StartNode/NodeID", "StartNode", "NodeID"),
        end=_text(rel, "Relationship/EndNode/NodeID", "EndNode", "NodeID"),
        kind=_text(rel, "Relationship/RelationshipType", "RelationshipType"),
        status=_text(rel, "Relationship/RelationshipStatus", "RelationshipStatus"),
        periods=periods,
        quantifiers=tuple(q for q in quantifiers if q.amount is not None),
        registration_status=_str(_get(node, "Registration", "RegistrationStatus")),
        validation=_str(_get(node, "Registration", "ValidationSources")),
        last_update=_str(_get(node, "Registration", "LastUpdateDate")),
        record_id=None,
        place=place,
    )


def _exception(node: object, place: Place) -> ExceptionRecord:
    reasons = tuple(
        Text(text, "ExceptionReason")
        for v in _items(_get(node, "ExceptionReason"), "ExceptionReason")
        if (text := _str(v))
    )
    references = tuple(
        text for v in _items(_get(node, "ExceptionReference"), "ExceptionReference") if (text := _str(v))
    )
    return ExceptionRecord(
        _text(node, "LEI", "LEI"), _text(node, "ExceptionCategory", "ExceptionCategory"), reasons, references, place
    )


def _api_lei(node: object, place: Place) -> LeiRecord:
    attributes = _get(node, "attributes")
    entity = _get(attributes, "entity")
    prefix = "attributes.entity."
    return LeiRecord(
        lei=_str(_get(attributes, "lei")) or _str(_get(node, "id")) or "",
        name=_str(_get(entity, "legalName", "name")) or _str(_get(entity, "legalName")),
        jurisdiction=_text(entity, prefix + "jurisdiction", "jurisdiction"),
        legal_country=_text(entity, prefix + "legalAddress.country", "legalAddress", "country"),
        hq_country=_text(entity, prefix + "headquartersAddress.country", "headquartersAddress", "country"),
        category=_str(_get(entity, "category")),
        registration_status=_str(_get(attributes, "registration", "status")),
        last_update=_str(_get(attributes, "registration", "lastUpdateDate")),
        place=place,
    )


def _api_relationship(node: object, place: Place) -> RelRecord:
    attributes = _get(node, "attributes")
    rel = _get(attributes, "relationship")
    prefix = "attributes.relationship."
    periods = tuple(
        Period(
            _text(p, prefix + "periods.startDate", "startDate"),
            _text(p, prefix + "periods.endDate", "endDate"),
            _str(_get(p, "type")),
        )
        for p in _items(_get(rel, "periods"), "period")
    )
    quantifiers = tuple(
        Quantifier(
            _text(q, prefix + "quantifiers.quantifierAmount", "quantifierAmount"),
            _str(_get(q, "quantifierUnits")),
            _str(_get(q, "measurementMethod")),
        )
        for q in _items(_get(rel, "quantifiers"), "quantifier")
    )
    registration = _get(attributes, "registration")
    return RelRecord(
        start=_text(rel, prefix + "startNode.id", "startNode", "id"),
        end=_text(rel, prefix + "endNode.id", "endNode", "id"),
        kind=_text(rel, prefix + "type", "type"),
        status=_text(rel, prefix + "status", "status"),
        periods=periods,
        quantifiers=tuple(q for q in quantifiers if q.amount is not None),
        registration_status=_str(_get(registration, "status")),
        validation=_str(_get(registration, "corroborationLevel")),
        last_update=_str(_get(registration, "lastUpdateDate")),
        record_id=_str(_get(node, "id")),
        place=place,
    )


def _api_exception(node: object, place: Place) -> ExceptionRecord:
    attributes = _get(node, "attributes")
    reasons = tuple(
        Text(text, "attributes.reason") for v in _items(_get(attributes, "reason"), "reason") if (text := _str(v))
    )
    references = tuple(text for v in _items(_get(attributes, "reference"), "reference") if (text := _str(v)))
    return ExceptionRecord(
        _text(attributes, "attributes.lei", "lei"),
        _text(attributes, "attributes.category", "category"),
        reasons,
        references,
        place,
    )


def add_record(batch: Batch, kind: str, node: object, place: Place) -> None:
    if kind == "lei":
        batch.leis.append(_lei(node, place))
    elif kind == "rr":
        batch.relationships.append(_relationship(node, place))
    elif kind == "repex":
        batch.exceptions.append(_exception(node, place))
    elif kind == "api-lei":
        batch.leis.append(_api_lei(node, place))
    elif kind == "api-rr":
        batch.relationships.append(_api_relationship(node, place))
    else:
        batch.exceptions.append(_api_exception(node, place))


# ===========================================================================================================
# JSON
# ===========================================================================================================


def _record_kind(node: dict[str, Any]) -> str | None:
    api = node.get("type")
    if isinstance(api, str) and api in _API_TYPES and isinstance(node.get("attributes"), dict):
        return _API_TYPES[api]
    if isinstance(_get(node, "Relationship"), dict):
        return "rr"
    if _get(node, "LEI") is not None:
        if isinstance(_get(node, "Entity"), dict):
            return "lei"
        if _get(node, "ExceptionCategory") is not None or _get(node, "ExceptionReason") is not None:
            return "repex"
    return None


def _walk(value: object, found: list[tuple[str, dict[str, Any]]], depth: int = 0) -> None:
    """Collect GLEIF records in document order, whatever lists and wrappers hold them."""
    if depth > 12:
        return
    if isinstance(value, list):
        for item in value:
            _walk(item, found, depth + 1)
    elif isinstance(value, dict):
        kind = _record_kind(value)
        if kind is not None:
            found.append((kind, value))
            return
        for item in value.values():
            _walk(item, found, depth + 1)


_MARKERS = {
    "lei": re.compile(r'"LEI"\s*:', re.IGNORECASE),
    "repex": re.compile(r'"LEI"\s*:', re.IGNORECASE),
    "rr": re.compile(r'"Relationship"\s*:', re.IGNORECASE),
}
_API_MARKER = re.compile(r'"type"\s*:\s*"(?:lei-records|relationship-records|reporting-exceptions)"')


def read_gleif_json(path: Path, display: str, limits: ReadLimits, batch: Batch) -> None:
    """Add the records of one GLEIF JSON file (golden copy, plain dicts or API v1) to ``batch``.

    Raises:
        InputError: the file is too large, is not JSON, or holds no GLEIF record.
    """
    check_size(path, display, limits)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"is not UTF-8 text (byte {exc.start}); JSON files must be UTF-8", Location(display)) from None
    try:
        data = json_text.loads(text, display)
    except json.JSONDecodeError as exc:
        raise InputError(f"is not valid JSON ({exc.msg})", Location(display, row=exc.lineno)) from None
    found: list[tuple[str, dict[str, Any]]] = []
    _walk(data, found)
    if len(found) > limits.max_rows:
        raise InputError(f"has more than {limits.max_rows:,} records; {_RAISE_ROWS}", Location(display))
    position, line = 0, 1
    for kind, node in found:
        marker = _API_MARKER if kind.startswith("api-") else _MARKERS[kind]
        match = marker.search(text, position)
        row: int | None = None
        if match is not None:
            line += text.count("\n", position, match.start())
            row = line
            line += text.count("\n", match.start(), match.end())
            position = match.end()
        add_record(batch, kind, node, Place(display, row))


__all__ = ["add_record", "read_gleif_json"]
