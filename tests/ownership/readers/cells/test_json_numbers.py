"""An integer longer than Python converts (over 4,300 digits) in a JSON input is a located input error, not
an internal error (issue 16, item 8), in every reader that parses JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownership.errors import InputError
from ownership.readers import read_input

HUGE = "9" * 4400

CASES = {
    "bods": '[\n{"statementId": "a", "statementType": "entityStatement", "entityType": "registeredEntity",\n'
    f'"name": "A", "x": {HUGE}}}\n]',
    "bods-lines": '{"statementId": "a", "statementType": "entityStatement", "name": "A"}\n'
    f'{{"statementId": "b", "statementType": "entityStatement", "name": "B", "x": -{HUGE}}}\n',
    "ftm": '{"id": "a", "schema": "Company", "properties": {"name": ["A"]}}\n'
    f'{{"id": "b", "schema": "Company", "properties": {{"name": ["B"]}}, "x": {HUGE}}}\n',
    "ftm-array": '[{"id": "a", "schema": "Company", "properties": {"name": ["A"]}},\n'
    f'{{"id": "b", "schema": "Company", "properties": {{"name": ["B"]}}, "x": {HUGE}}}]\n',
    "gleif": f'{{"data": [{{"type": "lei-records", "id": "X",\n"attributes": {{"lei": "X", "n": {HUGE}}}}}]}}',
}
FORMATS = {"bods": "bods", "bods-lines": "bods", "ftm": "ftm", "ftm-array": "ftm", "gleif": "gleif"}
LINES = {"bods": 3, "bods-lines": 2, "ftm": 2, "ftm-array": 2, "gleif": 2}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("forced", [False, True])
def test_a_huge_integer_is_a_located_error(tmp_path: Path, case: str, forced: bool) -> None:
    path = tmp_path / "in.json"
    path.write_text(CASES[case], encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_input(path, "in.json", input_format=FORMATS[case] if forced else None)
    line = info.value.one_line()
    assert line.startswith(f"in.json, row {LINES[case]}: holds a number with 4,400 digits"), line
