"""Text files decoded whole, in one encoding, or refused: a byte that the chosen encoding cannot read is never
replaced by a stand-in character behind the user's back (two names differing in one such byte would
otherwise become one party).

The encoding comes from the byte-order mark (UTF-32 before UTF-16, whose mark is a prefix of UTF-32's), else
UTF-8 when the bytes are UTF-8, else GB18030 (what Chinese Excel saves) when they read as Chinese text, else
Windows-1252. A UTF-8 mark over bytes that are not UTF-8 is read the same way as a file without a mark, with
a warning that names the first byte that is not UTF-8. A file mixing UTF-8 and another encoding, or holding
a byte that Windows-1252 leaves undefined, is refused with the byte's offset and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from ownership.errors import InputError, Location

_UTF8_BOM: Final = b"\xef\xbb\xbf"
_UTF32_BOMS: Final = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_UTF16_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")

#: A well-formed UTF-8 sequence of more than one byte: text in a single-byte encoding almost never holds one
#: (it would read as a pair like 'Ã©'), so finding one beside bytes that are not UTF-8 means mixed encodings.
_UTF8_MULTIBYTE: Final = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")

_CJK_RUN: Final = re.compile(r"[\u4e00-\u9fff]{2,}")
_CJK_INSIDE_WORD: Final = re.compile(r"[A-Za-z][\u4e00-\u9fff][A-Za-z]")

_SAVE_AGAIN: Final = "save the file again as 'CSV UTF-8'"


@dataclass(frozen=True)
class Decoded:
    """A text file's characters and how they were read.

    Attributes:
        text: the whole file as text (without its byte-order mark).
        encoding: 'utf-8', 'utf-16', 'utf-32', 'gb18030' or 'cp1252'.
        note: for a file that is not UTF-8 (or UTF-16/32 by its mark), what the user should know, worded for
            a warning; None otherwise.
    """

    text: str
    encoding: str
    note: str | None = None


def decode_text(data: bytes, display: str) -> Decoded:
    """The file ``data`` decoded as a whole, in the encoding its bytes show (see the module notes).

    Raises:
        InputError: bytes the detected encoding cannot read, a file mixing encodings, or NUL characters
            (the file is binary, or in an encoding the reader does not know), with the byte offset and line.
    """
    if data.startswith(_UTF32_BOMS):
        decoded = Decoded(_strict(data, "utf-32", display), "utf-32")
    elif data.startswith(_UTF16_BOMS):
        decoded = Decoded(_strict(data, "utf-16", display), "utf-16")
    elif data.startswith(_UTF8_BOM):
        body = data[len(_UTF8_BOM) :]
        try:
            decoded = Decoded(body.decode("utf-8"), "utf-8")
        except UnicodeDecodeError as exc:
            byte = f"0x{body[exc.start]:02X}"
            mark = (
                f"starts with the UTF-8 byte-order mark but is not UTF-8 (byte {byte} at offset "
                f"{exc.start + len(_UTF8_BOM)}, line {_line(body, exc.start, 'utf-8')})"
            )
            decoded = _single_or_legacy(body, display, len(_UTF8_BOM), mark)
    else:
        try:
            decoded = Decoded(data.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            decoded = _single_or_legacy(data, display, 0, "not UTF-8")
    nul = decoded.text.find("\x00")
    if nul >= 0:
        raise InputError(
            f"holds a NUL character (line {decoded.text.count(chr(10), 0, nul) + 1}) after reading it as "
            f"{_NAMES.get(decoded.encoding, decoded.encoding)}: it is a binary file, or text in an encoding "
            f"this tool does not read; {_SAVE_AGAIN}",
            Location(display, row=decoded.text.count("\n", 0, nul) + 1),
        )
    return decoded


_NAMES: Final = {
    "utf-8": "UTF-8",
    "utf-16": "UTF-16",
    "utf-32": "UTF-32",
    "gb18030": "GB18030 (Chinese Windows/Excel)",
    "cp1252": "Windows-1252",
}


def _single_or_legacy(body: bytes, display: str, skipped: int, what: str) -> Decoded:
    """``body`` (which is not UTF-8) as GB18030 when it reads as Chinese text, else as Windows-1252; refused
    when it mixes UTF-8 with another encoding or holds a byte Windows-1252 does not define."""
    try:
        text = body.decode("gb18030")
        if _looks_chinese(text):
            return Decoded(text, "gb18030", _note(what, "gb18030"))
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE.search(body) is not None:
        bad = _first_not_utf8(body)
        offset = bad + skipped
        raise InputError(
            f"mixes encodings: parts of it are UTF-8, but byte 0x{body[bad]:02X} at offset {offset} (line "
            f"{_line(body, bad, 'utf-8')}) is not; no single encoding reads every name correctly; {_SAVE_AGAIN}",
            Location(display, row=_line(body, bad, "utf-8")),
        )
    try:
        return Decoded(body.decode("cp1252"), "cp1252", _note(what, "cp1252"))
    except UnicodeDecodeError as exc:
        raise InputError(
            f"is not UTF-8, and byte 0x{body[exc.start]:02X} at offset {exc.start + skipped} (line "
            f"{_line(body, exc.start, 'cp1252')}) is not a character in Windows-1252 either; {_SAVE_AGAIN}",
            Location(display, row=_line(body, exc.start, "cp1252")),
        ) from None


def _first_not_utf8(body: bytes) -> int:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start
    return len(body)


def _note(what: str, encoding: str) -> str:
    return f"{what}: read as {_NAMES[encoding]}; if names look wrong, {_SAVE_AGAIN}"


def _strict(data: bytes, encoding: str, display: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = _line(data, exc.start, encoding)
        raise InputError(
            f"is damaged {_NAMES[encoding]} text: the bytes at offset {exc.start} (line {line}) are not a "
            f"character; {_SAVE_AGAIN}",
            Location(display, row=line),
        ) from None


def _line(data: bytes, offset: int, encoding: str) -> int:
    """The 1-based line holding byte ``offset``, counting the line ends of the text before it."""
    return data[:offset].decode(encoding, errors="replace").count("\n") + 1


def _looks_chinese(text: str) -> bool:
    # GB18030 decodes almost any byte string, so Windows-1252 text ("M\xfcller") would come out as lone
    # ideographs inside Latin words ("M黮ler"); real Chinese text has runs of ideographs instead.
    return bool(_CJK_RUN.search(text)) and not _CJK_INSIDE_WORD.search(text)
