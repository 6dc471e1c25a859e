"""Which reader an input needs, decided from its content rather than its name.

A file is sniffed from its first ``HEAD_BYTES`` only: a zip signature is a workbook; otherwise the head,
decoded as text, is offered to each format reader's ``looks_like_*`` test (BODS, UK PSC, FollowTheMoney,
GLEIF); text that none of them claims is a holdings CSV, and JSON or XML that none of them claims is an
error that says what the file looked like. A folder is the canonical ``entities.csv`` + ``holdings.csv``
pair when it has ``holdings.csv``; otherwise its data files must be one dataset (the files of one GLEIF or
UK PSC extract), or a single file of any format.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ownership.errors import InputError, Location, short
from ownership.readers.cells.tables import file_kind

#: How much of a file the sniffing reads.
HEAD_BYTES = 64 * 1024

#: The formats ``detect_format`` returns (the names ``--input-format`` uses, "csv" being "holdings-csv").
FORMATS = ("workbook", "holdings-csv", "folder", "bods", "gleif", "uk-psc", "ftm", "ashare")

#: Formats whose reader takes several files of one dataset.
MULTI_FILE = frozenset({"gleif", "uk-psc"})

#: How each format is named in messages.
TITLES = {
    "workbook": "workbook",
    "holdings-csv": "holdings CSV",
    "folder": "entities.csv + holdings.csv folder",
    "bods": "BODS",
    "gleif": "GLEIF",
    "uk-psc": "UK PSC",
    "ftm": "FollowTheMoney",
    "ashare": "China A-share top-10 holders",
}

ACCEPTED = (
    "exposure reads a canonical workbook (.xlsx), a holdings CSV, a folder with entities.csv and holdings.csv, "
    "BODS JSON, GLEIF files (CSV, XML or JSON), a UK PSC snapshot, FollowTheMoney JSON, or a China A-share "
    "top-10 holders table; if the file is one of these, name it with --input-format"
)

# Files in a folder that document the data rather than hold it (README.md, SOURCES.md, LICENSE).
_DOC_STEMS = ("readme", "sources", "license", "licence", "notice", "changelog")
_DOC_SUFFIXES = frozenset({".md", ".rst", ".pdf", ".htm", ".html"})

_SQLITE_MAGIC = b"SQLite format 3\x00"
_YAML_SUFFIXES = frozenset({".yml", ".yaml"})
_FIRST_KEY = re.compile(r'\{\s*"((?:[^"\\]|\\.){1,80})"\s*:')
_XML_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")


@dataclass(frozen=True)
class Detected:
    """What ``detect`` found.

    Attributes:
        format: one of ``FORMATS``.
        files: the files the reader reads: the input itself, or a folder's data files for a GLEIF or UK PSC
            dataset (or the one data file of a folder); empty for a canonical folder.
        display: the name of the input in messages, for each of ``files`` in turn.
    """

    format: str
    files: tuple[Path, ...]
    display: tuple[str, ...]


Sniffer = Callable[[str], bool]

#: A Companies House BasicCompanyData file: not a format of its own, read only with a PSC snapshot.
COMPANY_DATA = "uk-psc-company-data"


def _sniffers() -> list[tuple[str, Sniffer]]:
    """The format readers' content tests, most specific first."""
    # Imported here: each reader imports its own parsing modules, which ``exposure --help`` need not load.
    from ownership.readers.ashare.reader import looks_like_ashare
    from ownership.readers.bods.reader import looks_like_bods
    from ownership.readers.ftm.reader import looks_like_ftm
    from ownership.readers.gleif.reader import looks_like_gleif
    from ownership.readers.psc.reader import looks_like_company_data, looks_like_psc

    return [
        ("uk-psc", looks_like_psc),
        (COMPANY_DATA, looks_like_company_data),
        ("bods", looks_like_bods),
        ("ftm", looks_like_ftm),
        ("gleif", looks_like_gleif),
        ("ashare", looks_like_ashare),
    ]


def read_head(path: Path) -> tuple[bytes, str]:
    """The first ``HEAD_BYTES`` of a file, raw and as text (BOM honoured, else UTF-8, bad bytes replaced)."""
    with path.open("rb") as handle:
        raw = handle.read(HEAD_BYTES)
    if raw.startswith(codecs.BOM_UTF8):
        return raw, raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # The head may end in the middle of a code unit: decode whole units only.
        return raw, raw[: len(raw) - len(raw) % 2].decode("utf-16", errors="replace")
    return raw, raw.decode("utf-8", errors="replace")


def _shape(head: str) -> str:
    """'json', 'xml' or 'text', from the first character that is not whitespace."""
    first = head.lstrip()[:1]
    if first in ("[", "{"):
        return "json"
    if first == "<":
        return "xml"
    return "text"


def _sniff_file(path: Path, display: str) -> tuple[str | None, bytes, str]:
    """The file's format (None when no reader claims JSON, XML or binary content), with its head.

    Raises:
        InputError: the file is missing, empty, or an old-style or password-protected workbook.
    """
    if file_kind(path, display) == "workbook":
        return "workbook", b"", ""
    raw, head = read_head(path)
    for fmt, looks_like in _sniffers():
        if looks_like(head):
            return fmt, raw, head
    if raw.startswith(_SQLITE_MAGIC) or path.suffix.casefold() in _YAML_SUFFIXES:
        return None, raw, head
    if _shape(head) == "text":
        return "holdings-csv", raw, head
    return None, raw, head


def describe(raw: bytes, head: str, suffix: str = "") -> str:
    """What a file that no reader claims looks like, in a few words ("JSON lines whose first record has
    the keys 'a', 'b'"), for the error message."""
    if raw.startswith(_SQLITE_MAGIC):
        return "an SQLite database"
    if suffix.casefold() in _YAML_SUFFIXES:
        return "YAML"
    shape = _shape(head)
    if shape == "xml":
        roots = [m for m in _XML_ROOT.findall(head) if not m.startswith(("?", "!"))]
        return f"XML with the root element <{short(roots[0], 60)}>" if roots else "XML"
    if shape == "json":
        return _describe_json(head.lstrip())
    return "text"


def _keys_text(keys: Iterable[str]) -> str:
    keys = list(keys)
    shown = ", ".join(f"'{short(k, 40)}'" for k in keys[:8])
    more = f" and {len(keys) - 8} more" if len(keys) > 8 else ""
    return f"{shown}{more}" if keys else "no keys"


def _first_record(text: str) -> tuple[object, int] | None:
    try:
        return json.JSONDecoder().raw_decode(text)
    except (ValueError, RecursionError):  # cut off by the head, or nested deeper than Python recurses
        return None


def _record_keys(text: str) -> str:
    """The keys of the JSON object ``text`` starts with (the first one only when it runs past the head)."""
    decoded = _first_record(text)
    if decoded is not None and isinstance(decoded[0], dict):
        return f"the keys {_keys_text(decoded[0])}"
    match = _FIRST_KEY.match(text)
    return f"a first key '{short(match[1], 40)}'" if match else "no readable keys"


def _describe_json(text: str) -> str:
    if text.startswith("["):
        inner = text[1:].lstrip()
        if not inner.startswith("{"):
            return "a JSON array" + (" (empty)" if inner.startswith("]") else " of values that are not objects")
        return f"a JSON array whose first object has {_record_keys(inner)}"
    decoded = _first_record(text)
    if decoded is not None and text[decoded[1] :].lstrip().startswith("{"):
        return f"JSON lines whose first record has {_record_keys(text)}"
    return f"a JSON object with {_record_keys(text)}"


def _unrecognised(path: Path, display: str, raw: bytes, head: str) -> InputError:
    return InputError(
        f"is {describe(raw, head, path.suffix)}, not a format exposure reads; {ACCEPTED}", Location(display)
    )


def _is_documentation(path: Path) -> bool:
    name = path.name.casefold()
    return path.suffix.casefold() in _DOC_SUFFIXES or name.startswith(_DOC_STEMS)


def find_file(folder: Path, filename: str) -> Path | None:
    for child in folder.iterdir():
        if child.is_file() and child.name.lower() == filename:
            return child
    return None


def data_files(folder: Path) -> list[Path]:
    """A folder's files that may hold data, by name: not hidden, not README / SOURCES / LICENSE / *.md."""
    return sorted(
        (p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".") and not _is_documentation(p)),
        key=lambda p: p.name,
    )


def detect(path: Path, display: str) -> Detected:
    """The format of ``path`` and the files its reader takes (see the module docstring).

    Raises:
        InputError: the input is missing, empty, unreadable, of no format exposure reads, or a folder whose
            files are not one dataset; the message says what was found and what is accepted.
    """
    if path.is_dir():
        return _detect_folder(path, display)
    fmt, raw, head = _sniff_file(path, display)
    if fmt is None:
        raise _unrecognised(path, display, raw, head)
    if fmt == COMPANY_DATA:
        raise InputError(
            "is Companies House company data (names and countries of companies), which is read with a UK PSC "
            "snapshot: put the snapshot and this file in one folder and give the folder",
            Location(display),
        )
    return Detected(fmt, (path,), (display,))


def detect_format(path: Path, display: str) -> str:
    """One of ``FORMATS`` for ``path`` (a file or a folder), from its content.

    Raises:
        InputError: as ``detect``.
    """
    return detect(path, display).format


def inside(folder_display: str, file: Path) -> str:
    """How a file inside a folder is named in messages: ``folder/file.csv``."""
    return f"{folder_display.rstrip('/')}/{file.name}"


def _detect_folder(folder: Path, display: str) -> Detected:
    if find_file(folder, "holdings.csv") is not None:
        return Detected("folder", (), ())
    entities = find_file(folder, "entities.csv")
    # An entities.csv that no format reader claims is half of the canonical pair (a GLEIF extract may
    # also name its LEI records entities.csv).
    if entities is not None and _sniff_file(entities, inside(display, entities))[0] == "holdings-csv":
        raise InputError("is a folder without holdings.csv (expected entities.csv and holdings.csv)", Location(display))
    files = data_files(folder)
    expected = "expected entities.csv and holdings.csv, or the files of one GLEIF or UK PSC dataset"
    if not files:
        found = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
        listed = f"; it holds only {', '.join(short(n, 60) for n in found[:10])}" if found else ""
        raise InputError(
            f"is a folder without holdings.csv or other data files ({expected}){listed}", Location(display)
        )
    names = tuple(inside(display, p) for p in files)
    if len(files) == 1:
        single = detect(files[0], names[0])
        return Detected(single.format, single.files, single.display)
    kinds: dict[str, list[str]] = {}
    for p, name in zip(files, names, strict=True):
        try:
            fmt, _, _ = _sniff_file(p, name)
            kind = fmt or "not recognised"
        except InputError as exc:
            kind = f"unreadable ({exc.reason})"
        kinds.setdefault(kind, []).append(p.name)
    if set(kinds) in ({"gleif"}, {"uk-psc"}, {"uk-psc", COMPANY_DATA}):
        return Detected("gleif" if "gleif" in kinds else "uk-psc", tuple(files), names)
    if len(kinds) == 1:
        (kind,) = kinds
        if kind == "holdings-csv":
            raise InputError(
                f"is a folder without holdings.csv; its {len(files)} files are CSV or text files "
                f"({_names(kinds[kind])}) that no reader recognises as one dataset; name the canonical pair "
                "entities.csv and holdings.csv, or give a holdings CSV itself",
                Location(display),
            )
        if kind in TITLES:
            raise InputError(
                f"is a folder of {len(files)} {TITLES[kind]} files ({_names(kinds[kind])}); exposure reads one "
                f"{TITLES[kind]} file at a time: give the file itself",
                Location(display),
            )
    # In a folder, a text file no reader claims is not known to be holdings: call it what it is.
    shown = {
        **TITLES,
        "holdings-csv": "text/CSV",
        COMPANY_DATA: "Companies House company data (read only with a UK PSC snapshot)",
    }
    listing = "; ".join(f"{shown.get(kind, kind)}: {_names(found)}" for kind, found in kinds.items())
    raise InputError(
        f"is a folder without holdings.csv whose {len(files)} data files are not one dataset ({listing}); {expected}, "
        "or give a single file",
        Location(display),
    )


def _names(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(short(n, 60) for n in names[:limit])
    return f"{shown} and {len(names) - limit} more" if len(names) > limit else shown


def folder_files(folder: Path, display: str) -> Detected:
    """A folder's data files, unsniffed, for a format the user named (``--input-format gleif``).

    Raises:
        InputError: the folder has no data files.
    """
    files = data_files(folder)
    if not files:
        raise InputError("is a folder without data files", Location(display))
    return Detected("", tuple(files), tuple(inside(display, p) for p in files))
