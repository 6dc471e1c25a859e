"""A register of members: a holdings sheet about one company, named by the title row or the user."""

from __future__ import annotations

import re

from ownership.errors import short
from ownership.readers.canonical.row import Problems
from ownership.readers.cells.columns import (
    Header,
)
from ownership.readers.cells.tables import RawTable, ReadLayout, cell_text

_REGISTER_WORDS = re.compile(
    r"\b(register\s+of\s+(members|shareholders)|share(holders?)?\s+register|members'?\s+register|"
    r"shareholders?(\s+list)?|cap(itali[sz]ation)?\s+table|as\s+(at|of)\b)",
    re.IGNORECASE,
)
_REGISTER_OF = re.compile(r"register\s+of\s+(members|shareholders)\s+of\s+(.+)", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s+[-\u2013\u2014:|]\s+|\s*:\s+")
_AS_AT = re.compile(r"\s*[,(]?\s*\bas\s+(at|of|on)\b.*$", re.IGNORECASE)


_LEGAL_FORM = re.compile(
    r"(\b(ltd|limited|inc|llc|gmbh|ag|plc|corp|corporation|co|pte|bv|nv|sa|sarl|spa|kk|lp|llp)\.?|有限公司|株式会社)$",
    re.IGNORECASE,
)


def title_company(title: str) -> str | None:
    """The company a register's title names: "Jade Semiconductor Pte. Ltd. - Register of Members as at
    30 June 2026" and "Register of members of Jade Semiconductor Pte. Ltd." give "Jade Semiconductor Pte.
    Ltd."; a title that is a company name alone ("Jade Semiconductor Pte. Ltd.") gives itself; None when
    the title names no company ("Register of Members", "Prepared by finance")."""
    text = " ".join(title.split())
    found = _REGISTER_OF.search(text)
    if found:
        return _AS_AT.sub("", found.group(2)).strip(" -,:;") or None
    if not _REGISTER_WORDS.search(text):
        return text if _LEGAL_FORM.search(text) else None
    for part in _SEPARATOR.split(text):
        part = part.strip(" -,:;")
        if part and not _REGISTER_WORDS.search(part):
            return part
    return None


def register_subject(table: RawTable, header: Header, problems: Problems, layout: ReadLayout | None) -> str:
    """The subject of a register of members (a holdings table with no subject column): ``--subject``, else
    the company its title row names, else the file's stem; the last two are said in a warning."""
    if layout is not None and layout.subject:
        return layout.subject
    for number, cells in table.rows[: header.position]:
        for cell in cells:
            text = cell_text(cell.value)
            name = title_company(text) if text is not None else None
            if name is not None:
                problems.warn(
                    "register_subject",
                    f"no subject column: read as the register of members of '{short(name)}', the company the "
                    "title row names; give --subject NAME if it is another",
                    table.where(number),
                )
                return name
    from pathlib import PurePath

    stem = PurePath(table.file).stem or table.file
    problems.warn(
        "register_subject",
        f"no subject column and no title row naming the company: read as the register of members of "
        f"'{short(stem)}', the file's name; give --subject NAME to name the company",
        table.where(),
    )
    return stem
