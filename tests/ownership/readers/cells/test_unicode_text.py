"""Ids and names that differ only in invisible ways are one party (issue 16): NFC for matching, zero-width
characters removed with a warning, and invisible characters shown in messages."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from ownership.errors import short, visible
from ownership.readers import read_input
from ownership.readers.cells.fast_csv.reader import read_folder_fast
from ownership.readers.cells.tables import DEFAULT_LIMITS
from ownership.readers.cells.unicode_text import tidy_text

NFC = "Société Générale"
NFD = unicodedata.normalize("NFD", NFC)


def folder(tmp_path: Path, entities: str, holdings: str) -> Path:
    root = tmp_path / "group"
    root.mkdir(parents=True)
    (root / "entities.csv").write_text(entities, encoding="utf-8")
    (root / "holdings.csv").write_text(holdings, encoding="utf-8")
    return root


def test_nfc_and_nfd_spellings_are_one_entity(tmp_path: Path) -> None:
    # Before: the NFD reference was a second, unknown-country 'Société Générale' beside the CN one.
    assert NFC != NFD
    root = folder(tmp_path, f"id,name,jurisdiction\n{NFC},,CN\nT,,US\n", f"holder,subject,percent\n{NFD},T,60\n")
    data = read_input(root, display="group")
    assert [e.id for e in data.entities] == [NFC, "T"]
    assert [(h.holder, h.subject) for h in data.holdings] == [(NFC, "T")]
    assert "unknown_reference" not in {w.code for w in data.warnings}


def test_zero_width_characters_are_removed_with_a_warning(tmp_path: Path) -> None:
    root = folder(tmp_path, "id,name,jurisdiction\nACME,,CN\nT,,US\n", "holder,subject,percent\nACME\u200b,T,60\n")
    data = read_input(root, display="group")
    assert [(h.holder, h.subject) for h in data.holdings] == [("ACME", "T")]
    (warning,) = [w for w in data.warnings if w.code == "invisible_characters"]
    assert str(warning.where) == "group/holdings.csv, row 2, column A"
    assert warning.message.startswith("the cell 'ACME\\u200b' holds zero-width characters; they were removed")


def test_the_fast_reader_leaves_such_text_to_the_row_reader(tmp_path: Path) -> None:
    plain = folder(tmp_path / "a", "id,name,jurisdiction\nACME,,CN\nT,,US\n", "holder,subject,percent\nACME,T,60\n")
    assert read_folder_fast(plain, "a", DEFAULT_LIMITS) is not None
    for k, holder in enumerate([NFD, "ACME\u2060"]):
        odd = folder(
            tmp_path / str(k), f"id,name,jurisdiction\n{NFC},,CN\n", f"holder,subject,percent\n{holder},T,60\n"
        )
        assert read_folder_fast(odd, "b", DEFAULT_LIMITS) is None


def test_no_break_spaces_read_as_spaces(tmp_path: Path) -> None:
    root = folder(
        tmp_path, "id,name,jurisdiction\nACME Ltd,,CN\nT,,US\n", "holder,subject,percent\nACME\u00a0Ltd,T,60\n"
    )
    assert [h.holder for h in read_input(root, display="group").holdings] == ["ACME Ltd"]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("ACME\u200b", "ACME\\u200b"),
        ("A\u00a0B", "A\\xa0B"),
        ("left\u202eright", "left\\u202eright"),
        ("soft\u00adhyphen", "soft\\xadhyphen"),
        (NFC, NFC),
        ("中国石油", "中国石油"),
    ],
)
def test_messages_show_invisible_characters(text: str, shown: str) -> None:
    assert visible(text) == shown
    assert short(text) == shown


def test_tidy_text() -> None:
    assert tidy_text(NFD + "\ufeff") == NFC
    assert tidy_text("plain") == "plain"
