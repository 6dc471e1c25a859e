"""FtM files into records: JSON lines or a JSON array of entities, each entity a ``Record``.

Nothing here knows what the schemata mean; ``ftm_parties`` and ``ftm_claims`` turn records into the model.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Protocol

from ownership.errors import InputError, Location, short
from ownership.readers.cells import json_text
from ownership.readers.cells.budget import megabytes
from ownership.readers.cells.tables import ReadLimits

_MAX_NESTING: Final = 16


class Digest(Protocol):
    """What the reader needs of a hash: bytes fed in as they are read."""

    def update(self, data: bytes, /) -> None: ...


@dataclass
class Record:
    """One FtM entity (or the merge of its fragments): property values as lists of strings."""

    id: str
    schema: str
    props: dict[str, list[str]]
    line: int
    caption: str | None = None
    referents: list[str] = field(default_factory=list)

    def values(self, prop: str) -> list[str]:
        return self.props.get(prop, [])

    def first(self, prop: str) -> str | None:
        found = self.props.get(prop)
        return found[0] if found else None


def is_entity(value: object) -> bool:
    """Whether a parsed JSON value has the shape of an FtM entity: an ``id``, a capitalised ``schema`` name
    and a ``properties`` object."""
    if not isinstance(value, dict):
        return False
    schema = value.get("schema")
    return (
        "id" in value and isinstance(schema, str) and schema[:1].isupper() and isinstance(value.get("properties"), dict)
    )


def json_objects(path: Path, name: str, limits: ReadLimits, digest: Digest) -> Iterator[tuple[int, object]]:
    """(line, parsed JSON value) for each entity of a JSON-lines file or a JSON array, hashing the bytes."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise InputError(
            f"is {megabytes(size)}, more than the limit of {megabytes(limits.max_bytes)}; raise the limit "
            "with --max-input-mb if the file is genuine",
            Location(name),
        )
    with path.open("rb") as handle:
        head = handle.read(4096)
        handle.seek(0)
        if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
            data = handle.read()
            digest.update(data)
            yield from _array_objects(_decode(data, name, 1), name, limits)
            return
        for number, raw in enumerate(handle, start=1):
            digest.update(raw)
            if number > limits.max_rows:
                raise InputError(
                    f"has more than {limits.max_rows:,} lines; raise the limit with --max-rows if the file is genuine",
                    Location(name, row=number),
                )
            if len(raw) > limits.max_cell_chars:
                raise InputError(f"the line is longer than {limits.max_cell_chars:,} bytes", Location(name, row=number))
            text = _decode(raw, name, number)
            if number == 1:
                text = text.lstrip("\ufeff")
            if text.strip():
                yield number, _parse(text, name, number)


def _decode(data: bytes, name: str, line: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("is not UTF-8 text; FtM files are UTF-8 JSON", Location(name, row=line)) from None


def _parse(text: str, name: str, line: int) -> object:
    try:
        return json_text.loads(text, name, line - 1)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"the line is not valid JSON ({exc.msg} at character {exc.colno}); each line must be one FtM entity",
            Location(name, row=line),
        ) from None
    except RecursionError:
        raise InputError("the line nests JSON too deeply to be an FtM entity", Location(name, row=line)) from None


def _array_objects(text: str, name: str, limits: ReadLimits) -> Iterator[tuple[int, object]]:
    pos = text.index("[") + 1
    line, counted, count = 1, 0, 0
    expect_value = True
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        line += text.count("\n", counted, pos)
        counted = pos
        if pos >= len(text):
            raise InputError("the JSON array is never closed with ']'", Location(name, row=line))
        if text[pos] == "]" and (count == 0 or not expect_value):
            if text[pos + 1 :].strip():
                raise InputError("has text after the end of the JSON array", Location(name, row=line))
            return
        if not expect_value:
            if text[pos] != ",":
                raise InputError(
                    "is not a valid JSON array: expected ',' or ']' between entities", Location(name, row=line)
                )
            pos += 1
            expect_value = True
            continue
        try:
            value, pos = json_text.raw_decode(text, pos, name)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"is not a valid JSON array of FtM entities ({exc.msg})", Location(name, row=exc.lineno)
            ) from None
        except RecursionError:
            raise InputError("nests JSON too deeply to be FtM entities", Location(name, row=line)) from None
        count += 1
        if count > limits.max_rows:
            raise InputError(
                f"has more than {limits.max_rows:,} entities; raise the limit with --max-rows if the file is genuine",
                Location(name, row=line),
            )
        expect_value = False
        yield line, value


def entity_records(value: object, name: str, line: int, depth: int = 0) -> list[Record]:
    """The entity in ``value`` and the entities nested in its properties (as the OpenSanctions API nests
    them), each nested entity replaced by its id."""
    where = Location(name, row=line)
    if not isinstance(value, dict):
        raise InputError(f"holds a JSON {type(value).__name__}, not an FtM entity (an object)", where)
    entity_id, schema = value.get("id"), value.get("schema")
    if not isinstance(schema, str) or not schema:
        raise InputError("the object has no 'schema'; it is not an FtM entity", where)
    if not isinstance(entity_id, str | int) or isinstance(entity_id, bool) or not str(entity_id).strip():
        raise InputError(f"the {short(schema)} has no 'id'; every FtM entity needs one", where)
    props = value.get("properties", {})
    if not isinstance(props, dict):
        raise InputError(f"'properties' of {short(str(entity_id))} is not an object", where)
    found: list[Record] = []
    clean: dict[str, list[str]] = {}
    for prop, raw in props.items():
        items = raw if isinstance(raw, list) else [raw]
        texts: list[str] = []
        for item in items:
            if isinstance(item, dict):
                if depth >= _MAX_NESTING:
                    raise InputError("nests entities too deeply", where)
                if "schema" in item:
                    nested = entity_records(item, name, line, depth + 1)
                    found.extend(nested)
                    texts.append(nested[0].id)
                elif "id" in item:
                    texts.append(str(item["id"]))
                else:
                    raise InputError(
                        f"property '{short(str(prop))}' of {short(str(entity_id))} holds an object that is neither an "
                        "entity nor a reference to one",
                        where,
                    )
            elif isinstance(item, str | int | float) and not isinstance(item, bool):
                text = str(item).strip()
                if text:
                    texts.append(text)
            elif item is not None:
                raise InputError(f"property '{short(str(prop))}' of {short(str(entity_id))} holds a nested list", where)
        if texts:
            clean[str(prop)] = texts
    caption = value.get("caption")
    referents = value.get("referents")
    record = Record(
        str(entity_id).strip(),
        schema,
        clean,
        line,
        (caption.strip() or None) if isinstance(caption, str) else None,
        [str(r) for r in referents] if isinstance(referents, list) else [],
    )
    return [record, *found]


__all__ = ["Digest", "Record", "entity_records", "is_entity", "json_objects"]
