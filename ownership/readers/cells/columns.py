"""Column headers: normalisation, aliases, and finding the header row under title rows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ownership.errors import InputError
from ownership.readers.cells.tables import Cell, RawTable

#: How far down a sheet the header row is looked for (title rows, notes and blank rows above it).
HEADER_SEARCH_ROWS = 30

_NOT_KEY = re.compile(r"[^0-9a-z%#\u00c0-\uffff]+")


def header_key(text: object) -> str:
    """Normalised header: case-insensitive, ignoring spaces, ``_``, ``-`` and other punctuation."""
    if text is None:
        return ""
    return _NOT_KEY.sub("", str(text).casefold())


def _keys(*names: str) -> frozenset[str]:
    return frozenset(header_key(n) for n in names)


ENTITY_COLUMNS: dict[str, frozenset[str]] = {
    "id": _keys("id", "entity", "entity id", "code", "entity code", "identifier", "key"),
    "name": _keys(
        "name",
        "entity name",
        "legal name",
        "company name",
        "full name",
        "party",
        "party name",
        "shareholder name",
        "name of shareholder",
        "holder name",
        "registered name",
    ),
    "type": _keys("type", "kind", "entity type"),
    "jurisdiction": _keys(
        "jurisdiction",
        "country",
        "incorporation",
        "country of incorporation",
        "registered in",
        "incorporated in",
        "jurisdiction of incorporation",
        "place of incorporation",
        "domicile",
        "registered office country",
        "country of registration",
    ),
    "headquarters": _keys(
        "headquarters",
        "hq",
        "head office",
        "principal place of business",
        "nationality",
        "residence",
        "country of residence",
        "hq country",
        "headquarters country",
        "head office country",
    ),
    "group": _keys("group", "joint group", "acting jointly", "joint arrangement", "concert party", "party group"),
    "ultimate": _keys("ultimate", "ultimate owner", "top", "is ultimate owner", "ultimate parent"),
    "other_countries": _keys("other countries", "further countries", "tax residence", "tax residences"),
    "shares_outstanding": _keys(
        "shares outstanding",
        "issued shares",
        "total shares",
        "shares issued",
        "outstanding shares",
        "share capital shares",
        "number of issued shares",
    ),
}

HOLDING_COLUMNS: dict[str, frozenset[str]] = {
    "holder": _keys(
        "holder", "owner", "shareholder", "parent", "investor", "holder id", "owner id", "member", "shareholder id"
    ),
    "subject": _keys(
        "subject",
        "company",
        "held",
        "entity",
        "investee",
        "subsidiary",
        "issuer",
        "subject id",
        "company id",
        "owned",
        "owns",
    ),
    "percent": _keys(
        "percent",
        "% held",
        "percent held",
        "% shareholding",
        "shareholding %",
        "% ownership",
        "% of shares",
        "% of issued shares",
        "% interest",
        "stake",
        "ownership",
        "%",
        "share",
        "equity",
        "percentage",
        "ownership %",
        "equity %",
        "stake %",
        "shareholding",
        "ownership percent",
        "ownership percentage",
        "percent owned",
    ),
    "votes": _keys("votes", "voting", "voting percent", "voting rights", "voting %", "votes %"),
    "control": _keys("control", "controls", "contractual control"),
    "indirect": _keys("indirect", "declared indirect", "indirect interest", "held indirectly"),
    "shares": _keys(
        "shares", "number of shares", "share count", "shares held", "no of shares", "number of shares held"
    ),
    "start": _keys("start", "from", "valid from", "start date", "since"),
    "end": _keys("end", "to", "valid to", "end date", "until"),
    "source": _keys("source", "note", "notes", "reference", "comment"),
    # Single-CSV form: the countries of holder and subject on the holding row itself.
    "holder_name": _keys("holder name", "owner name", "shareholder name", "name of shareholder", "name of holder"),
    "holder_type": _keys("holder type", "owner type", "shareholder type"),
    "holder_jurisdiction": _keys(
        "holder jurisdiction",
        "holder country",
        "owner jurisdiction",
        "owner country",
        "shareholder country",
        "shareholder jurisdiction",
        # A holdings sheet's own country column is the holder's: the subject of a holding row is
        # the company the sheet is about, so a country beside a shareholder is the shareholder's.
        "country",
        "jurisdiction",
        "place of incorporation",
        "country of incorporation",
        "incorporated in",
        "registered in",
        "domicile",
        "registered office country",
    ),
    "holder_headquarters": _keys(
        "holder headquarters",
        "holder hq",
        "owner headquarters",
        "holder nationality",
        "nationality",
        "residence",
        "country of residence",
    ),
    "subject_name": _keys("subject name", "company name", "investee name", "name of company"),
    "subject_type": _keys("subject type", "company type"),
    "subject_jurisdiction": _keys(
        "subject jurisdiction",
        "subject country",
        "company jurisdiction",
        "company country",
    ),
    "subject_headquarters": _keys("subject headquarters", "subject hq", "company headquarters"),
    "holder_ultimate": _keys("holder ultimate", "holder ultimate owner", "owner ultimate", "holder is ultimate owner"),
    "subject_ultimate": _keys("subject ultimate", "subject ultimate owner"),
}


#: The aliases quoted in error messages (the full lists above are longer).
SHOWN_ALIASES = {
    "id": ("entity", "entity id", "code"),
    "holder": ("owner", "shareholder", "parent", "investor"),
    "subject": ("company", "held", "entity", "investee", "subsidiary", "issuer"),
}


@dataclass(frozen=True)
class Header:
    """Where the header row is and which column (0-based index) holds each field.

    Attributes:
        ignored: columns the user mapped to ``ignore`` (read by nobody, on purpose).
    """

    row: int
    position: int  # index into RawTable.rows of the header row
    columns: dict[str, int]
    texts: dict[int, str]
    unknown: list[int]
    ignored: tuple[int, ...] = ()


#: ``--columns`` field names a person is likelier to write than the internal ones.
FIELD_SYNONYMS = {
    "holder_country": "holder_jurisdiction",
    "holder_nationality": "holder_headquarters",
    "holder_hq": "holder_headquarters",
    "subject_country": "subject_jurisdiction",
    "subject_hq": "subject_headquarters",
    "country": "jurisdiction",
    "hq": "headquarters",
    "nationality": "headquarters",
    "percentage": "percent",
}

#: The field that says a column is deliberately not read.
IGNORE = "ignore"

#: ``--columns`` mappings: (field, header) pairs.
Mapping = tuple[tuple[str, str], ...]


def mapping_field(name: str) -> str:
    """The field a ``--columns`` name stands for (``holder_country`` -> ``holder_jurisdiction``)."""
    key = name.strip().casefold().replace("-", "_").replace(" ", "_")
    return FIELD_SYNONYMS.get(key, key)


def known_fields() -> list[str]:
    """Every field ``--columns`` accepts, for messages."""
    return sorted({*ENTITY_COLUMNS, *HOLDING_COLUMNS, *FIELD_SYNONYMS, IGNORE})


def _match(key: str, aliases: dict[str, frozenset[str]]) -> str | None:
    for field, keys in aliases.items():
        if key in keys:
            return field
    if key != "%" and (key.endswith("%") or key.startswith("%")):
        # "Ownership %", "% Shareholding", "Shareholding (%)": a percent sign beside a word says the
        # column holds percentages, whatever the word.
        stripped = _match(key.strip("%"), aliases)
        if stripped in ("percent", "votes"):
            return stripped
        return "percent" if "percent" in aliases else None
    return None


def _field(text: str, aliases: dict[str, frozenset[str]], mapping: Mapping) -> str | None:
    key = header_key(text)
    for field, header in mapping:
        if header_key(header) == key and (field in aliases or field == IGNORE):
            return field
    return _match(key, aliases)


def _promote(found: dict[str, int]) -> dict[str, int]:
    # "Shareholder Name" beside no holder column is the holder itself (a register lists names, not ids);
    # the same for "Company Name" and the subject.
    for role in ("holder", "subject"):
        if role not in found and f"{role}_name" in found:
            found[role] = found.pop(f"{role}_name")
    return found


def find_header(
    table: RawTable,
    aliases: dict[str, frozenset[str]],
    required: tuple[str, ...],
    *,
    mapping: Mapping = (),
    alternatives: tuple[tuple[str, ...], ...] = (),
) -> Header:
    """Locate the header row: the first row, among the first rows, that names all required columns (or
    all columns of one of ``alternatives``).

    Args:
        mapping: (field, header) pairs the user gave with ``--columns``; they win over the aliases.

    Raises:
        InputError: no such row (naming the missing columns), or two columns map to the same field.
    """
    best: tuple[int, set[str]] | None = None
    for position, (number, cells) in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for k, cell in enumerate(cells):
            field = _field(cell.value, aliases, mapping) if isinstance(cell.value, str) else None
            if field is not None and field not in found:
                found[field] = k
        found = _promote(found)
        if any(all(r in found for r in need) for need in (required, *alternatives)):
            return _header(table, position, number, cells, aliases, mapping)
        if best is None or len(found) > len(best[1]):
            best = (number, set(found))
    if not table.rows:
        raise InputError("has no rows", table.where())
    missing = [r for r in required if best is None or r not in best[1]]
    names = " and ".join(f"'{m}'" for m in missing)
    examples = "; ".join(f"{m} may also be called {', '.join(SHOWN_ALIASES[m])}" for m in missing)
    raise InputError(
        f"no header row names the required column{'s' if len(missing) > 1 else ''} {names} "
        f"(looked at the first {HEADER_SEARCH_ROWS} rows; case, spaces, _ and - are ignored; {examples}; "
        'or name the column with --columns, e.g. --columns holder="Name of member")',
        table.where(),
    )


def _header(
    table: RawTable,
    position: int,
    number: int,
    cells: list[Cell],
    aliases: dict[str, frozenset[str]],
    mapping: Mapping = (),
) -> Header:
    columns: dict[str, int] = {}
    texts: dict[int, str] = {}
    unknown: list[int] = []
    ignored: list[int] = []
    for k, cell in enumerate(cells):
        if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
            continue
        text = str(cell.value).strip()
        texts[k] = text
        field = _field(text, aliases, mapping)
        if field is None:
            unknown.append(k)
        elif field == IGNORE:
            ignored.append(k)
        elif field in columns:
            first = columns[field]
            raise InputError(
                f"columns '{texts[first]}' and '{text}' both mean '{field}'; keep one of them or rename the other",
                table.where(number, k + 1, text),
            )
        else:
            columns[field] = k
    return Header(number, position, _promote(columns), texts, unknown, tuple(ignored))


# What an unread column's header says it holds. A column that looks like data the verdict depends on
# must not be dropped quietly: a country column read by nobody turns a Beijing fund into "unknown".
_LOOKS_LIKE: tuple[tuple[str, frozenset[str], str], ...] = (
    (
        "a country",
        frozenset(
            (
                "country",
                "countries",
                "jurisdiction",
                "nationality",
                "domicile",
                "domiciled",
                "incorporation",
                "incorporated",
                "residence",
                "resident",
                "citizenship",
                "hq",
                "headquarters",
                "headquartered",
            )
        ),
        "holder_country",
    ),
    (
        "a percentage",
        frozenset(("%", "percent", "percentage", "pct", "stake", "ownership", "shareholding", "interest", "equity")),
        "percent",
    ),
    ("a share count", frozenset(("shares", "units")), "shares"),
    (
        "a holder",
        frozenset(("holder", "holders", "owner", "owners", "shareholder", "shareholders", "investor", "member")),
        "holder",
    ),
    ("a subject", frozenset(("subject", "company", "investee", "issuer", "subsidiary", "target")), "subject"),
)

#: Words of free-text columns, which are never read and need no warning.
_FREE_TEXT = frozenset(
    (
        "note",
        "notes",
        "comment",
        "comments",
        "source",
        "sources",
        "reviewer",
        "reviewed",
        "remark",
        "remarks",
        "description",
        "memo",
        "checked",
        "address",
        "email",
        "phone",
        "contact",
        "website",
        "url",
    )
)

_WORD = re.compile(r"%|[^\W_]+")


def header_words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def is_free_text(text: str) -> bool:
    """Whether a header names free text (notes, comments, source, reviewer...), which nothing reads."""
    return any(w in _FREE_TEXT for w in header_words(text))


#: Words that make a header an identifier, a date or a category rather than the data it names
#: ("Date of incorporation", "Company number", "Share class").
_NOT_DATA = frozenset(("date", "year", "number", "no", "registration", "id", "lei", "code", "type", "class"))


def looks_like(text: str, *, entities: bool = False) -> tuple[str, str] | None:
    """What an unread column seems to hold, judging by its header: (kind in words, the ``--columns`` field
    to suggest), e.g. ("a country", "holder_country"); None for a header that looks like none of them.
    In an entities table (``entities``) only a country matters: the other kinds are holding data."""
    words = set(header_words(text))
    if words & (_FREE_TEXT | _NOT_DATA):
        return None
    for kind, keys, suggestion in _LOOKS_LIKE[:1] if entities else _LOOKS_LIKE:
        if words & keys:
            return kind, "jurisdiction" if entities else suggestion
    return None
