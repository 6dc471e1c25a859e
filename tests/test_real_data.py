"""Every real file and folder under ../shared/data/real through ``exposure check -j CN --format json``.

Each one either reads (exit 0 or 1, figures between 0 and 100 with low <= high, every entity once, in the
format expected) or stops with a precise one-line error naming the file (exit 2). Which is which, and why,
is written out per path below: a change in what a reader accepts shows up here as a failing entry.

The files are public samples kept outside the repository (see each folder's SOURCES.md); without them the
tests are skipped. ``--as-of 2026-01-01`` pins the holdings in force, so ended stakes stay ended.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from cli.app import app

REPO = Path(__file__).resolve().parents[1]
REAL = REPO.parent / "shared" / "data" / "real"
AS_OF = "2026-01-01"

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason=f"the real sample data is not at {REAL}")


def read(fmt: str, entities: int, **statuses: str) -> dict[str, Any]:
    """An input that reads: its format, how many entities the report lists, and some statuses by id."""
    return {"format": fmt, "entities": entities, "statuses": statuses}


def fails(*texts: str) -> dict[str, Any]:
    """An input that stops with exit 2 and a message containing ``texts``."""
    return {"error": texts}


NOT_CANONICAL = "no header row names the required column"
NOT_A_FORMAT = "not a format exposure reads"
SEVERAL_BODS = "exposure reads one BODS file at a time: give the file itself"
MIXED = "data files are not one dataset"

BODS02 = "bods-0.2-openownership-register-samples"
BODS04 = "bods-0.4-official-examples-FICTIONAL"
ASHARE = "china-a-share-top10-holders-johneast999-f1"
API = "gleif-api-v1-json-openownership-bo-explorer"
GLEIF_BODS = "gleif-bods-0.4-openownership-bods-gleif-pipeline"
GLEIFR = "gleif-csv-financial-times-gleifr"
PIPELINES = "gleif-openownership-bodspipelines"
KEK = "kek-german-media-ownership-followthemoney"
ZALA = "opensanctions-ftm-yente-zala"
SEC = "sec-exhibit21-catalyst-mozilla-sec-eia"
ENUMS = "uk-psc-companieshouse-api-enumerations"
PSC = "uk-psc-openownership-bods-uk-psc-pipeline"

EXPECTED: dict[str, dict[str, Any]] = {
    # BODS 0.2 from the Open Ownership register (DK, SK, UK): one file at a time.
    BODS02: fails(f"{BODS02}: is a folder of 4 BODS files", SEVERAL_BODS),
    f"{BODS02}/bodsdata_bods-data-check-2.jsonl": read("bods", 62),
    f"{BODS02}/bodsdata_test-bods-data-1.jsonl": read("bods", 12),
    f"{BODS02}/bodsdata_test-bods-data-2.jsonl": read("bods", 9),
    f"{BODS02}/visualisation-tool_real.json": read("bods", 4),
    BODS04: fails(f"{BODS04}: is a folder of 10 BODS files", SEVERAL_BODS),
    f"{BODS04}/bods-package-entity-owning-entity.json": read("bods", 2),
    f"{BODS04}/bods-package-fi-soe.json": read("bods", 4),
    f"{BODS04}/bods-package.json": read("bods", 2),
    f"{BODS04}/indirect-ownership.json": read("bods", 3),
    f"{BODS04}/joint-ownership.json": read("bods", 4),
    f"{BODS04}/mixed-direct-and-indirect-ownership.json": read("bods", 3),
    f"{BODS04}/multiple-indirect-ownership.json": read("bods", 4),
    f"{BODS04}/plc-entity-statement.json": read("bods", 1),
    f"{BODS04}/v0.2_1-single-direct.json": read("bods", 2),
    f"{BODS04}/v0.3_os-07-dr-04-company-a.json": read("bods", 3),
    # Tushare top-10 holders: the 196 issuers are listed in mainland China (home by headquarters); the issuer
    # list beside it is not ownership data, so the folder is not one dataset.
    ASHARE: fails(f"{ASHARE}: is a folder without holdings.csv", MIXED, "stockList.csv"),
    f"{ASHARE}/stockHolder.csv": read("ashare", 1882, **{"000001.SZ": "home"}),
    f"{ASHARE}/stockList.csv": fails(f"{ASHARE}/stockList.csv: {NOT_CANONICAL}s 'holder' and 'subject'"),
    # GLEIF in every serialisation; a folder reads as one dataset when all its files are GLEIF.
    API: read("gleif", 6),
    f"{API}/entity_data.json": read("gleif", 5),
    f"{API}/relationship_data.json": read("gleif", 2),
    GLEIF_BODS: fails(f"{GLEIF_BODS}: is a folder without holdings.csv", MIXED, "BODS: bods_relationship_issued"),
    f"{GLEIF_BODS}/bods_relationship_issued.json": read("bods", 2),
    # A CN parent consolidates a HK company: control with the equity share not given.
    f"{GLEIF_BODS}/relationship_issued.json": read(
        "gleif", 2, **{"3003005JY7KTP8L48N10": "possible", "30030096HNNZNN7BZK36": "home"}
    ),
    # Ultimate-parent records are declared indirect interests, so the LEIs only they name are entities too.
    GLEIFR: read("gleif", 790),
    f"{GLEIFR}/test-gleif-entities.csv": read("gleif", 393),
    f"{GLEIFR}/test-gleif-relationships.csv": read("gleif", 435),
    # The same records as XML, JSON and BODS 0.2 side by side: not one dataset.
    PIPELINES: fails(f"{PIPELINES}: is a folder without holdings.csv", MIXED, "BODS: lei-data-out.json"),
    f"{PIPELINES}/lei-data-out.json": read("bods", 5),
    f"{PIPELINES}/lei-data.json": read("gleif", 13),
    f"{PIPELINES}/lei-data.xml": read("gleif", 13),
    # 10 exceptions, each an unknown parent or unknown owners (NO_KNOWN_PERSON), and the 10 LEIs they are about.
    f"{PIPELINES}/repex-data.json": read("gleif", 20),
    f"{PIPELINES}/repex-data.xml": read("gleif", 20),
    f"{PIPELINES}/rr-data-out.json": read("bods", 16),
    f"{PIPELINES}/rr-data.json": read("gleif", 3),
    f"{PIPELINES}/rr-data.xml": read("gleif", 3),
    f"{PIPELINES}/rr-updates-data2.json": read("gleif", 7),
    f"{PIPELINES}/rr-updates-data2.xml": read("gleif", 7),
    # KEK's tables name their columns shareholder/owns/share: not the canonical names, and no reader of its own.
    KEK: fails(f"{KEK}: is a folder without holdings.csv", MIXED, "not recognised: kek.sqlite"),
    f"{KEK}/company.csv": fails(f"{KEK}/company.csv: {NOT_CANONICAL}s 'holder' and 'subject'"),
    f"{KEK}/kek.sqlite": fails(f"{KEK}/kek.sqlite: is an SQLite database", NOT_A_FORMAT),
    f"{KEK}/media.csv": fails(f"{KEK}/media.csv: {NOT_CANONICAL} 'subject'"),
    # shares.csv reads as holdings (shareholder, owns, share), but 47 rows leave the share blank (NULL in KEK).
    f"{KEK}/shares.csv": fails("47 problems in", f"{KEK}/shares.csv, row 110, column C (share): no stake"),
    # OpenSanctions FtM: Russian parties, none Chinese.
    ZALA: read("ftm", 17),
    f"{ZALA}/entities.ftm.json": read("ftm", 17),
    # SEC Exhibit 21 labels: subsidiaries without a holder column.
    SEC: fails(f"{SEC}: is a folder without holdings.csv; its 3 files are CSV or text files"),
    f"{SEC}/basic_10k_labels.csv": fails(f"{SEC}/basic_10k_labels.csv: {NOT_CANONICAL}s 'holder' and 'subject'"),
    f"{SEC}/ex21_labels.csv": fails(f"{SEC}/ex21_labels.csv: {NOT_CANONICAL} 'holder'"),
    f"{SEC}/inference_and_extraction_expected_out.csv": fails(
        f"{SEC}/inference_and_extraction_expected_out.csv: {NOT_CANONICAL} 'holder'"
    ),
    # The PSC code list is documentation, not data.
    ENUMS: fails(f"{ENUMS}/psc_descriptions.yml: is YAML", NOT_A_FORMAT),
    f"{ENUMS}/psc_descriptions.yml": fails(f"{ENUMS}/psc_descriptions.yml: is YAML", NOT_A_FORMAT),
    # UK PSC: the folder is one snapshot with its company data; psc-data-5 is a PRC government department
    # holding 75% or more of a UK company.
    # Companies left with no current PSC have unknown owners (PSC-UNKNOWN-<number>).
    PSC: read("uk-psc", 37, **{"GB-COH-07102351": "flagged"}),
    f"{PSC}/basic-company-data-1.csv": fails(f"{PSC}/basic-company-data-1.csv: is Companies House company data"),
    f"{PSC}/company-data-1.json": fails(f"{PSC}/company-data-1.json: is Companies House company data"),
    **{f"{PSC}/psc-data-{n}.json": read("uk-psc", 2) for n in (1, 2, 3, 4, 6, 7, 9, 10, 12, 13, 14, 15, 16)},
    f"{PSC}/psc-data-5.json": read(
        "uk-psc",
        2,
        **{"GB-COH-07102351": "flagged", "PSC-NAME-CN-state-administration-of-foreign-exchange": "home"},
    ),
    f"{PSC}/psc-data-8.json": read("uk-psc", 6),
    # Its only PSC has ceased (kept for earlier dates): the company, the PSC, and its unknown current owners.
    f"{PSC}/psc-data-11.json": read("uk-psc", 3, **{"GB-COH-10308742": "possible"}),
}

#: Converting these to the canonical workbook and checking that gives a different answer (a known gap).
CONVERT_GAPS: dict[str, str] = {}


def real_inputs() -> list[str]:
    if not REAL.is_dir():
        return []
    found = [p for p in REAL.rglob("*") if p.is_file() and p.name not in ("SOURCES.md", "README.md")]
    found += [p for p in REAL.iterdir() if p.is_dir()]
    return sorted(str(p.relative_to(REAL)) for p in found)


def run(*args: object) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def check(path: str, *more: object) -> Result:
    return run("check", path, "-j", "CN", "--format", "json", "--as-of", AS_OF, *more)


@pytest.fixture(autouse=True)
def _inside_real(monkeypatch: pytest.MonkeyPatch) -> None:
    # Messages name the paths as given, relative to the data folder.
    monkeypatch.chdir(REAL)


def test_every_real_input_has_an_expectation() -> None:
    assert set(real_inputs()) == set(EXPECTED)


def _sane_report(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    by_id: dict[str, dict[str, Any]] = {}
    for entity in doc["entities"]:
        assert entity["id"] not in by_id, f"{entity['id']} is listed twice"
        by_id[entity["id"]] = entity
        assert entity["status"] in {"home", "flagged", "possible", "clear"}
        for figure in ("cascade_pct", "lookthrough_pct"):
            low, high = entity[figure]["low"], entity[figure]["high"]
            assert 0.0 <= low <= high <= 100.0, (entity["id"], figure, low, high)
    return by_id


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_real_input(path: str) -> None:
    expected = EXPECTED[path]
    result = check(path)
    assert "Traceback" not in result.stderr + result.stdout
    if "error" in expected:
        assert result.exit_code == 2, result.stdout[:300]
        lines = result.stderr.splitlines()
        assert lines[0].startswith("exposure: error: ")
        # One line, or a count then one indented line per problem (issue 15: every problem at once).
        assert len(lines) == 1 or (" problems in " in lines[0] and all(line.startswith("  ") for line in lines[1:]))
        for text in expected["error"]:
            assert text in result.stderr
        assert result.stdout == ""
        return
    assert result.exit_code in (0, 1), result.stderr
    doc = json.loads(result.stdout)
    assert doc["input"]["format"] == expected["format"]
    by_id = _sane_report(doc)
    assert len(by_id) == expected["entities"]
    for entity_id, status in expected["statuses"].items():
        assert by_id[entity_id]["status"] == status
    deciding = {e["status"] for e in doc["entities"]}
    assert result.exit_code == (1 if deciding & {"home", "flagged"} else 0)


READABLE = sorted(p for p, e in EXPECTED.items() if "error" not in e)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=CONVERT_GAPS[p])) if p in CONVERT_GAPS else p
        for p in READABLE
    ],
)
def test_real_input_converted_gives_the_same_answer(path: str, tmp_path: Path) -> None:
    out = tmp_path / "converted.xlsx"
    converted = run("convert", path, "-o", out)
    assert converted.exit_code == 0, converted.stderr
    original, again = check(path), check(str(out))
    assert again.exit_code == original.exit_code, again.stderr

    def answers(result: Result) -> dict[str, tuple[object, ...]]:
        return {
            e["id"]: (e["status"], e["cascade_pct"], e["lookthrough_pct"])
            for e in json.loads(result.stdout)["entities"]
        }

    assert answers(again) == answers(original)
