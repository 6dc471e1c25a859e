"""GLEIF golden-copy XML (LEI-CDF ``LEIData``, RR-CDF ``RelationshipData``, REPEX ``ReportingExceptionData``).

Parsed with defusedxml (entity expansion and external references refused) and streamed record by record, so
memory stays bounded by one record; each record is located by the line its element starts on. Records
become the same dicts the JSON forms hold, and go through the same conversion (``gleif_tree``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import defusedxml.ElementTree as safe_xml  # type: ignore[import-untyped]

from ownership.errors import InputError, Location
from ownership.readers.cells.tables import ReadLimits
from ownership.readers.gleif.records import Batch, Place, check_size
from ownership.readers.gleif.tree import add_record

_RAISE_ROWS = "raise the limit with --max-rows if the file is genuine"
_RECORD_TAGS = {"LEIRecord": "lei", "RelationshipRecord": "rr", "Exception": "repex"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Records:
    """A parser target that builds each top-level record element into a dict of its children.

    A leaf element without attributes becomes its text; other elements become dicts whose ``$`` is their
    text and whose ``@name`` keys are their attributes; a repeated child becomes a list. Only record
    elements (and what is inside them) are kept, so memory stays bounded by one record.
    """

    def __init__(self) -> None:
        self.parser: Any = None
        self.stack: list[tuple[str, dict[str, object], list[str], int]] = []
        self.done: list[tuple[str, int, dict[str, object]]] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        local = _local(tag)
        if not self.stack and local not in _RECORD_TAGS:
            return
        line = int(self.parser.parser.CurrentLineNumber) if self.parser is not None else 0
        node: dict[str, object] = {f"@{_local(k)}": v for k, v in attrib.items()}
        self.stack.append((local, node, [], line))

    def data(self, text: str) -> None:
        if self.stack:
            self.stack[-1][2].append(text)

    def end(self, tag: str) -> None:
        if not self.stack:
            return
        local, node, texts, line = self.stack.pop()
        text = "".join(texts).strip()
        value: object = node
        if not node:
            value = text
        elif text:
            node["$"] = text
        if self.stack:
            parent = self.stack[-1][1]
            if local in parent:
                existing = parent[local]
                parent[local] = [*existing, value] if isinstance(existing, list) else [existing, value]
            else:
                parent[local] = value
        else:
            self.done.append((local, line, node if isinstance(value, dict) else {}))

    def close(self) -> None:
        return None


def read_gleif_xml(path: Path, display: str, limits: ReadLimits, batch: Batch) -> None:
    """Add the records of one GLEIF XML file (LEI-CDF, RR-CDF or REPEX) to ``batch``, streaming.

    Raises:
        InputError: the file is too large, not well-formed, uses entities or external references, or holds
            more records than the limit.
    """
    check_size(path, display, limits)
    target = _Records()
    parser = safe_xml.DefusedXMLParser(target=target)
    target.parser = parser
    count = 0
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                parser.feed(chunk)
                count += _drain(target, display, batch)
                if count > limits.max_rows:
                    raise InputError(f"has more than {limits.max_rows:,} records; {_RAISE_ROWS}", Location(display))
        parser.close()
        _drain(target, display, batch)
    except safe_xml.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise InputError(f"is not well-formed XML ({exc})", Location(display, row=line)) from None
    except ValueError as exc:  # defusedxml's refusals (DTDForbidden, EntitiesForbidden...) are ValueErrors
        raise InputError(
            f"uses XML entities or external references ({type(exc).__name__}), which are refused for safety; "
            "GLEIF files have none, so the file is not a GLEIF file as published",
            Location(display),
        ) from None


def _drain(target: _Records, display: str, batch: Batch) -> int:
    done, target.done = target.done, []
    for local, line, node in done:
        add_record(batch, _RECORD_TAGS[local], node, Place(display, line))
    return len(done)


__all__ = ["read_gleif_xml"]


__all__ = ["read_gleif_xml"]
