"""Watch lists: named parties (a sanctions or export-control list) that are home entities in a check.

A watch list is a CSV or xlsx file of entries with an id and/or a name and optionally a label naming the
list or programme. ``read_watchlist`` reads it into ``WatchEntry`` values; ``match_watchlist`` finds the
entities of an input that the entries name, by id first and by normalised name otherwise (with a warning,
since a name alone may be another party's).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from ownership.errors import DataWarning, InputError, Location
from ownership.model import Entity, WatchEntry
from ownership.readers.cells.columns import HEADER_SEARCH_ROWS, Header, find_header, header_key
from ownership.readers.cells.tables import RawTable, cell_text, file_kind, read_text_table, read_workbook


def _keys(*names: str) -> frozenset[str]:
    return frozenset(header_key(n) for n in names)


#: The columns of a watch list and their aliases (compared with ``header_key``).
WATCHLIST_COLUMNS: dict[str, frozenset[str]] = {
    "id": _keys("id", "entity id", "code", "lei", "identifier", "uid", "ent_num"),
    "name": _keys("name", "entity name", "party", "full name", "sdn name", "primary name"),
    "label": _keys("label", "list", "programme", "program", "programs", "source list", "list name"),
}

#: How many entries or entities a warning lists by name.
_SHOWN = 5


# ----------------------------------------------------------------------------------------------------------
# Reading


def _header_row(table: RawTable) -> str | None:
    """The field ('id' or 'name') named by the first row, among the first rows, that names either."""
    for _number, cells in table.rows[:HEADER_SEARCH_ROWS]:
        for cell in cells:
            if isinstance(cell.value, str):
                key = header_key(cell.value)
                if key in WATCHLIST_COLUMNS["id"]:
                    return "id"
                if key in WATCHLIST_COLUMNS["name"]:
                    return "name"
    return None


def _find_header(table: RawTable) -> Header | None:
    """The header row of a watch-list table, or None if no row among the first names an id or name column.

    Raises:
        InputError: the header row has two columns meaning the same field.
    """
    field = _header_row(table)
    if field is None:
        return None
    # The first row naming ``field`` is the first naming id or name, so this is the row found above.
    return find_header(table, WATCHLIST_COLUMNS, (field,))


def _no_columns(where: Location, what: str) -> InputError:
    return InputError(
        f"{what} names an 'id' or a 'name' column (looked at the first {HEADER_SEARCH_ROWS} rows; case, "
        "spaces, _ and - are ignored; id may also be called entity id, code, lei, identifier, uid or ent_num; "
        "name may also be called entity name, party, full name, sdn name or primary name)",
        where,
    )


def _tables(path: Path, name: str) -> list[RawTable]:
    if path.is_dir():
        raise InputError("is a folder; a watch list is a CSV or xlsx file", Location(name))
    if file_kind(path, name) == "workbook":
        return read_workbook(path, name)
    return [read_text_table(path, name)]


def read_watchlist(path: Path, display: str | None = None) -> tuple[tuple[WatchEntry, ...], tuple[DataWarning, ...]]:
    """Entries of a watch-list file: an xlsx workbook (by extension or zip signature) or delimited text.

    Columns (case, spaces, ``_`` and ``-`` ignored; the header row may sit under title rows): at least one
    of ``id`` and ``name``, optionally ``label``; aliases in ``WATCHLIST_COLUMNS``. Without a label column
    (or with a blank label cell) the label is the file's stem ("sdn" for sdn.csv). In a workbook the first
    sheet that has the columns is read; later sheets that also have them draw an 'ignored_sheet' warning.
    Unknown columns draw 'ignored_column' warnings.

    Args:
        path: the file to read.
        display: the name to use in messages and locations (defaults to the path as given).

    Raises:
        InputError: the file is missing or unreadable, has no id or name column, has a row with neither an
            id nor a name (the first such row is named, with a count of the others), or has no entries.
    """
    name = display or str(path)
    stem = Path(name).stem or path.stem or name
    tables = _tables(path, name)
    warnings: list[DataWarning] = []
    chosen: tuple[RawTable, Header] | None = None
    for table in tables:
        header = _find_header(table)
        if header is None:
            continue
        if chosen is None:
            chosen = (table, header)
        else:
            warnings.append(
                DataWarning(
                    "ignored_sheet",
                    f"sheet '{table.sheet}' also looks like a watch list but only sheet '{chosen[0].sheet}' is "
                    "read; put every list in one sheet or give each its own file",
                    table.where(),
                )
            )
    if chosen is None:
        if len(tables) == 1 and tables[0].sheet is None:
            if not tables[0].rows:
                raise InputError("has no rows", tables[0].where())
            raise _no_columns(tables[0].where(), "no header row")
        raise _no_columns(Location(name), "no sheet has a header row that")
    table, header = chosen
    for k in header.unknown:
        warnings.append(
            DataWarning(
                "ignored_column",
                f"column '{header.texts[k]}' is not a watch-list column (id, name, label): ignored",
                table.where(header.row, k + 1, header.texts[k]),
            )
        )
    entries, errors = _entries(table, header, stem)
    if errors:
        first = errors[0]
        raise InputError(first.reason, first.where, more=len(errors) - 1)
    if not entries:
        raise InputError("has a header but no entries", table.where(header.row))
    return tuple(entries), tuple(warnings)


def _entries(table: RawTable, header: Header, stem: str) -> tuple[list[WatchEntry], list[InputError]]:
    columns = header.columns
    k_id, k_name, k_label = columns.get("id"), columns.get("name"), columns.get("label")

    def cell(cells: list[object], k: int | None) -> str | None:
        return cell_text(cells[k]) if k is not None and k < len(cells) else None

    entries: list[WatchEntry] = []
    errors: list[InputError] = []
    for number, row in table.rows[header.position + 1 :]:
        values: list[object] = [c.value for c in row]
        if all(cell_text(v) is None for v in values):
            continue
        entry_id, entry_name = cell(values, k_id), cell(values, k_name)
        if entry_id is None and entry_name is None:
            given = " and ".join(f"'{header.texts[k]}'" for k in (k_id, k_name) if k is not None)
            errors.append(
                InputError(
                    f"the row has neither an id nor a name ({given} empty); give one or delete the row",
                    table.where(number),
                )
            )
            continue
        label = cell(values, k_label) or stem
        entries.append(WatchEntry(entry_id, entry_name, label, table.where(number)))
    return entries, errors


# ----------------------------------------------------------------------------------------------------------
# Name normalisation

#: Legal-form words removed from the end of a name, keyed by their last word (longest phrase first).
# fmt: off
_LATIN_FORMS = (
    "ltd", "limited", "llc", "inc", "incorporated", "corp", "corporation", "co", "company", "plc", "llp", "lp",
    "pte", "pty", "pvt", "private limited", "public limited company", "limited liability company", "and co",
    "and company", "gmbh", "ag", "kg", "sa", "srl", "sarl", "spa", "ltda", "bv", "nv", "oy", "ab", "kk",
    "kabushiki kaisha", "bhd", "sdn bhd", "jsc", "pjsc", "ojsc", "cjsc",
)
# fmt: on
_SUFFIXES: dict[str, tuple[str, ...]] = {
    last: tuple(sorted((" " + p for p in _LATIN_FORMS if p.rsplit(" ", 1)[-1] == last), key=len, reverse=True))
    for last in {p.rsplit(" ", 1)[-1] for p in _LATIN_FORMS}
}
#: Legal forms in Chinese, Japanese and Korean, removed from the end whether or not a space precedes them.
_CJK_FORMS = tuple(
    sorted(
        (
            "股份有限公司",
            "有限责任公司",
            "有限責任公司",
            "有限公司",
            "股份公司",
            "公司",
            "株式会社",
            "有限会社",
            "合同会社",
            "주식회사",
        ),
        key=len,
        reverse=True,
    )
)

_CJK = r"\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
#: A space between two Han or kana characters (these scripts do not separate words with spaces).
_CJK_SPACE = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")
#: The period after a one-letter word, as in S.A. or U.S.A. (deleted, so that they read "sa", "usa").
_INITIAL_PERIOD = re.compile(r"(?<!\w)(\w)\.")
#: Marks that join the letters around them (apostrophes, middle dots): deleted rather than made spaces.
_JOINERS = frozenset("'\u2018\u2019\u00b7\u30fb\u2027")


class _Separators(dict[int, str]):
    """A ``str.translate`` table built on demand: punctuation, symbols, spaces and control characters become
    spaces, joiners and invisible format characters vanish, everything else stays."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        category = unicodedata.category(char)
        if char in _JOINERS or category == "Cf":
            value = ""
        elif category[0] in "PSZ" or category == "Cc":
            value = " "
        else:
            value = char
        self[code] = value
        return value


_SEPARATORS = _Separators()
#: Trade and service marks, made spaces before NFKC would make them the letters "tm" and "sm".
_PRE_NFKC = {ord("\u2122"): " ", ord("\u2120"): " "}


def normalise_name(name: str) -> str:
    """The key names are matched by: equal keys are taken to name the same party.

    NFKC, case folded, ``&`` read as "and", punctuation and symbols removed (the period of an initial and
    apostrophes vanish, others separate words), whitespace collapsed, spaces between Chinese or Japanese
    characters removed, and legal forms (Ltd, Co., Inc, GmbH, 有限公司, ...) removed from the end only,
    never the whole name. Letters of every script are kept as they are.

    >>> normalise_name("HUAWEI TECHNOLOGIES CO., LTD.")
    'huawei technologies'
    >>> normalise_name("华为技术有限公司")
    '华为技术'
    """
    if name.isascii():
        text = name.lower()  # NFKC changes no ASCII text, and casefold is lower for it
    else:
        text = unicodedata.normalize("NFKC", name.translate(_PRE_NFKC))
        text = unicodedata.normalize("NFKC", text.casefold())
    if "&" in text:
        text = text.replace("&", " and ")
    if "." in text and _INITIAL_PERIOD.search(text) is not None:
        text = _INITIAL_PERIOD.sub(_first_group, text)
    text = " ".join(text.translate(_SEPARATORS).split())
    if text.isascii():
        return _strip_forms(text, cjk=False)
    # Deleted joiners may leave a letter and a combining mark side by side: compose them again.
    return _strip_forms(unicodedata.normalize("NFKC", _CJK_SPACE.sub("", text)), cjk=True)


def _first_group(match: re.Match[str]) -> str:
    return match.group(1)


def _strip_forms(text: str, *, cjk: bool) -> str:
    """Legal forms removed from the end until none is left, the longest form that ends the name first; a
    name that is a legal form and nothing else ("Company", "有限公司") is kept whole."""
    while True:
        phrases = _SUFFIXES.get(text[text.rfind(" ") + 1 :])
        if phrases is not None:
            for phrase in phrases:
                if text.endswith(phrase):
                    text = text[: -len(phrase)]
                    break
                if text == phrase[1:]:
                    return text
            else:
                phrases = None
            if phrases is not None:
                continue
        if cjk:
            form = next((f for f in _CJK_FORMS if text.endswith(f)), None)
            if form is not None:
                if text == form:
                    return text
                text = text[: -len(form)].rstrip(" ")
                continue
        return text


# ----------------------------------------------------------------------------------------------------------
# Matching


def _entrycell_text(entry: WatchEntry) -> str:
    return entry.name or entry.id or "?"


class _Index:
    """Entities by id, by case-folded id, and (built on first use) by normalised name."""

    def __init__(self, entities: Sequence[Entity]) -> None:
        # Ids are unique in a read input; should one repeat, the first entity keeps it.
        self.by_id: dict[str, Entity] = {}
        for e in entities:
            self.by_id.setdefault(e.id, e)
        self._by_folded: dict[str, list[Entity]] | None = None
        self._by_name: dict[str, list[Entity]] | None = None

    def folded(self, key: str) -> list[Entity]:
        if self._by_folded is None:
            self._by_folded = defaultdict(list)
            for e in self.by_id.values():
                self._by_folded[e.id.casefold()].append(e)
        return self._by_folded.get(key.casefold(), [])

    def named(self, key: str) -> list[Entity]:
        if self._by_name is None:
            self._by_name = defaultdict(list)
            for e in self.by_id.values():
                normalised = normalise_name(e.name)
                if normalised:
                    self._by_name[normalised].append(e)
        return self._by_name.get(key, [])


def match_watchlist(
    entries: Sequence[WatchEntry], entities: Sequence[Entity]
) -> tuple[dict[str, frozenset[str]], tuple[DataWarning, ...]]:
    """Entity id -> labels, for every entity the watch list names; and the warnings matching drew.

    An entry with an id matches the entity with exactly that id, or else the entities whose ids equal it
    ignoring case. An entry without an id, or whose id matches nothing, matches by name: every entity whose
    ``normalise_name`` equals the entry's. Each name-only match draws a 'watchlist_name_match' warning at
    the entry's row (one per entry, naming every entity it matched). Entries that match nothing are
    summarised in one 'watchlist_unmatched' warning. Several entries naming one entity merge their labels.

    Runs in time linear in entries + entities: each entity name is normalised once, and only if some
    entry has to be matched by name.
    """
    index = _Index(entities)
    labels: dict[str, set[str]] = {}
    warnings: list[DataWarning] = []
    unmatched: list[WatchEntry] = []
    for entry in entries:
        found: list[Entity] = []
        if entry.id is not None:
            exact = index.by_id.get(entry.id)
            found = [exact] if exact is not None else index.folded(entry.id)
            if len(found) > 1:
                listed = ", ".join(e.id for e in found[:_SHOWN])
                warnings.append(
                    DataWarning(
                        "watchlist_ambiguous_id",
                        f"id '{entry.id}' matches {len(found)} entities whose ids differ only in case ({listed}): "
                        "all of them are taken as listed",
                        entry.where,
                    )
                )
        if found:
            for e in found:
                labels.setdefault(e.id, set()).add(entry.label)
            continue
        key = normalise_name(entry.name) if entry.name is not None else ""
        found = index.named(key) if key else []
        if not found:
            unmatched.append(entry)
            continue
        for e in found:
            labels.setdefault(e.id, set()).add(entry.label)
        warnings.append(_name_warning(entry, found))
    if unmatched:
        warnings.append(_unmatched_warning(unmatched, len(entries)))
    return {i: frozenset(ls) for i, ls in labels.items()}, tuple(warnings)


def _name_warning(entry: WatchEntry, found: list[Entity]) -> DataWarning:
    id_note = f" (its id '{entry.id}' matches no entity)" if entry.id is not None else ""
    if len(found) == 1:
        e = found[0]
        named = f" ('{e.name}')" if e.name != e.id else ""
        message = f"matched '{entry.name}'{id_note} to entity {e.id}{named} by name only; check it is the same party"
    else:
        listed = ", ".join(e.id for e in found[:_SHOWN])
        more = f" and {len(found) - _SHOWN} more" if len(found) > _SHOWN else ""
        message = (
            f"matched '{entry.name}'{id_note} by name only to {len(found)} entities with "
            f"that name ({listed}{more}); all of them are taken as listed: check which are the same party"
        )
    return DataWarning("watchlist_name_match", message, entry.where)


def _unmatched_warning(unmatched: list[WatchEntry], total: int) -> DataWarning:
    shown = ", ".join(f"'{_entrycell_text(e)}'" for e in unmatched[:_SHOWN])
    more = ", ..." if len(unmatched) > _SHOWN else ""
    files = {e.where.file for e in unmatched if e.where is not None}
    where = Location(files.pop()) if len(files) == 1 else None
    noun = "entry" if total == 1 else "entries"
    return DataWarning(
        "watchlist_unmatched",
        f"{len(unmatched)} of {total} watch-list {noun} match no entity in the input ({shown}{more})",
        where,
    )


__all__ = ["match_watchlist", "normalise_name", "read_watchlist"]
