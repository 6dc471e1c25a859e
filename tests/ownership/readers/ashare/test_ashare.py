"""read_ashare / looks_like_ashare: Tushare ``top10_holders`` tables (China A-share top-10 holders)."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from ownership.errors import InputError, Location
from ownership.model import EntityType, HomeBasis, OwnershipData, Policy, Stake, WatchEntry
from ownership.pipeline import check
from ownership.prepare.graph import build_graph
from ownership.readers.ashare.reader import looks_like_ashare, read_ashare
from ownership.readers.cells.tables import DEFAULT_LIMITS
from ownership.result import CheckResult, Status

EXCERPT = Path(__file__).resolve().parents[3] / "fixtures" / "ashare" / "top10_excerpt.csv"
HEADER = ",ts_code,ann_date,end_date,holder_name,hold_amount,hold_ratio"
AS_OF = date(2026, 6, 30)
PING_AN = "中国平安保险(集团)股份有限公司-集团本级-自有资金"
HUIJIN = "中央汇金资产管理有限责任公司"


def write(tmp_path: Path, *lines: str, header: str = HEADER, name: str = "top10.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def read(path: Path) -> OwnershipData:
    return read_ashare(path, path.name, DEFAULT_LIMITS)


def error_of(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        read(path)
    return info.value


def codes(data: OwnershipData) -> list[str]:
    return [w.code for w in data.warnings]


def verdict(result: CheckResult, entity_id: str) -> tuple[Status, tuple[object, object], tuple[object, object]]:
    v = next(v for v in result.verdicts if v.entity.id == entity_id)
    return (
        v.status,
        (pytest.approx(v.cascade.low), pytest.approx(v.cascade.high)),
        (pytest.approx(v.lookthrough.low), pytest.approx(v.lookthrough.high)),
    )


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (EXCERPT.read_text(encoding="utf-8"), True),
        ("\ufeffts_code,ann_date,end_date,holder_name,hold_amount,hold_ratio\n", True),
        ("ts_code\tend_date\tholder_name\thold_ratio\thold_float_ratio\n", True),
        ("\n\n,ts_code,ann_date,end_date,holder_name,hold_amount,hold_ratio\n", True),
        # The companion list of issuers, a canonical holdings CSV, FtM, nothing.
        (",ts_code,symbol,name,exchange_id,list_status,list_date\n", False),
        ("holder,subject,percent\nA,B,50\n", False),
        ('{"id": "a", "schema": "Company", "properties": {}}', False),
        ("", False),
    ],
)
def test_looks_like_ashare(head: str, expected: bool) -> None:
    assert looks_like_ashare(head) is expected


# ---------------------------------------------------------------------------------------------------------
# The real excerpt
# ---------------------------------------------------------------------------------------------------------


def test_excerpt_entities_and_holdings() -> None:
    data = read(EXCERPT)
    assert data.source.format == "ashare"
    assert data.source.sha256 == hashlib.sha256(EXCERPT.read_bytes()).hexdigest()
    issuers = [e for e in data.entities if e.declared]
    assert [(e.id, e.type, e.jurisdiction, e.headquarters) for e in issuers] == [
        (code, EntityType.PUBLIC, None, "CN") for code in ("000001.SZ", "000049.SZ", "000545.SZ")
    ]
    # 30 holdings; Central Huijin holds in two issuers, so 29 holders, named only.
    assert len(data.holdings) == 30
    holders = [e for e in data.entities if not e.declared]
    assert len(holders) == 29
    assert all(e.jurisdiction is None and e.headquarters is None for e in holders)
    first = data.holdings[0]
    assert (first.holder, first.subject, first.stake, first.shares) == (
        PING_AN,
        "000001.SZ",
        Stake(0.4956, 0.4956),
        8510493066.0,
    )
    assert first.source == "top-10 holders of 000001.SZ at 2017-12-31, announced 2018-03-15"
    assert first.where == Location("top10_excerpt.csv", row=2)
    assert codes(data) == ["superseded_period", "inferred_country", "unknown_country"]
    assert "10 earlier rows are set aside" in data.warnings[0].message


def test_excerpt_keeps_every_holder_of_a_report_whatever_its_announcement_date() -> None:
    data = read(EXCERPT)
    rows = [h for h in data.holdings if h.subject == "000049.SZ"]
    assert len(rows) == 10
    assert rows[0].source == "top-10 holders of 000049.SZ at 2017-12-31, announced 2018-04-11"
    assert rows[1].source == "top-10 holders of 000049.SZ at 2017-12-31, announced 2018-03-27"
    # 45.23 + 3.42 + 1.18 + 1.02 + 0.83 + 0.70 + 0.68 + 0.66 + 0.55 + 0.49 = 54.76%
    assert sum(h.stake.low for h in rows if h.stake) == pytest.approx(0.5476)


def test_excerpt_reads_only_the_latest_period() -> None:
    data = read(EXCERPT)
    rows = {h.holder: h.stake for h in data.holdings if h.subject == "000545.SZ"}
    assert len(rows) == 10
    # 王小江 held 0.75% at 2017-09-30 and 0.67% at 2017-12-31.
    assert rows["王小江"] == Stake(0.0067, 0.0067)
    assert "华润深国投信托有限公司-运晟3号集合资金信托计划" not in rows


def test_excerpt_check() -> None:
    data = read(EXCERPT)
    result = check(data, Policy(frozenset({"CN"}), as_of=AS_OF))
    # Issuers are home by their headquarters; holders, of unknown country, are possible.
    assert verdict(result, "000001.SZ")[0] is Status.HOME
    assert verdict(result, HUIJIN) == (Status.POSSIBLE, (0.0, 1.0), (0.0, 1.0))
    # By incorporation the issuers' country is unknown: 000001.SZ's known holders are all of unknown
    # country and 33.64% has no named holder, so anything from 0 to 100% may be CN.
    by_incorporation = check(data, Policy(frozenset({"CN"}), as_of=AS_OF, home=HomeBasis.INCORPORATION))
    assert verdict(by_incorporation, "000001.SZ") == (Status.POSSIBLE, (0.0, 1.0), (0.0, 1.0))


def test_excerpt_with_a_watch_list() -> None:
    # A watch list naming Ping An's group account (49.56% of 000001.SZ) at a 40% threshold flags the bank.
    data = read(EXCERPT)
    watch = (WatchEntry(id=PING_AN, name=None, label="test list"),)
    result = check(data, Policy(frozenset(), threshold=0.4, watchlist=watch, as_of=AS_OF))
    assert verdict(result, PING_AN)[0] is Status.HOME
    assert verdict(result, "000001.SZ") == (Status.FLAGGED, (0.4956, 1.0), (0.4956, 1.0))


# ---------------------------------------------------------------------------------------------------------
# Hand-written tables
# ---------------------------------------------------------------------------------------------------------


def test_copies_are_read_once_and_share_classes_are_kept(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "0,600000.SH,20180428,20171231,A Co,100.0,10.0",
        "1,600000.SH,20180428,20171231,A Co,100.0,10.0",
        "2,600000.SH,20180428,20171231,B Co,50.0,5.0",
        "3,600000.SH,20180428,20171231,B Co,30.0,3.0",
    )
    data = read(path)
    assert [(h.holder, h.stake) for h in data.holdings] == [
        ("A Co", Stake(0.1, 0.1)),
        ("B Co", Stake(0.05, 0.05)),
        ("B Co", Stake(0.03, 0.03)),
    ]
    assert codes(data) == ["duplicate_holding", "inferred_country", "unknown_country"]
    assert data.warnings[0].where == Location("top10.csv", row=3)
    # The graph adds B's two lines up: 5% + 3% = 8%.
    graph = build_graph(data, Policy(frozenset({"CN"}), as_of=AS_OF))
    assert {h.holder: h.stake for h in graph.holdings}["B Co"] == Stake(0.08, 0.08)
    assert [w.code for w in graph.warnings] == ["duplicate_holding"]


def test_a_later_announcement_replaces_a_holder_row(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "0,600000.SH,20180301,20171231,A Co,100.0,10.0",
        "1,600000.SH,20180401,20171231,A Co,120.0,12.0",
        "2,600000.SH,20180301,20171231,B Co,50.0,5.0",
        "3,600000.SH,20171030,20170930,C Co,50.0,5.0",
    )
    data = read(path)
    assert [(h.holder, h.stake) for h in data.holdings] == [("A Co", Stake(0.12, 0.12)), ("B Co", Stake(0.05, 0.05))]
    assert "2 earlier rows are set aside" in data.warnings[0].message


def test_repeated_headers_and_extra_columns(tmp_path: Path) -> None:
    header = "ts_code,ann_date,end_date,holder_name,hold_amount,hold_ratio,hold_float_ratio"
    path = write(
        tmp_path,
        "600000.SH,20180428,20171231,A Co,100.0,10.0,12.0",
        header,
        "000001.SZ,20180315,20171231,B Co,50.0,5.0,5.5",
        header=header,
    )
    data = read(path)
    assert len(data.holdings) == 2
    assert codes(data)[0] == "ignored_column"
    assert data.warnings[0].where == Location("top10.csv", row=1, column=7, header="hold_float_ratio")


@pytest.mark.parametrize(
    ("line", "column", "reason"),
    [
        ("0,600000,20180428,20171231,A Co,100.0,10.0", 2, "'600000' is not an A-share code"),
        ("0,0700.HK,20180428,20171231,A Co,100.0,10.0", 2, "'0700.HK' is not an A-share code"),
        ("0,600000.SH,20180428,20171231,,100.0,10.0", 5, "the holder_name is empty"),
        ("0,600000.SH,20180428,31/12/2017,A Co,100.0,10.0", 4, "is ambiguous"),
        ("0,600000.SH,20180428,,A Co,100.0,10.0", 4, "end_date) is empty"),
        ("0,600000.SH,20180428,20171231,A Co,100.0,", 7, "hold_ratio is empty"),
        ("0,600000.SH,20180428,20171231,A Co,100.0,120", 7, "more than 100%"),
        ("0,600000.SH,20180428,20171231,A Co,lots,10", 6, "is not a number"),
    ],
)
def test_bad_rows_are_errors_naming_the_cell(tmp_path: Path, line: str, column: int, reason: str) -> None:
    error = error_of(write(tmp_path, line))
    assert error.where is not None
    assert (error.where.file, error.where.row, error.where.column) == ("top10.csv", 2, column)
    assert reason in error.reason


def test_not_a_top10_table(tmp_path: Path) -> None:
    error = error_of(write(tmp_path, "A,B,50", header="holder,subject,percent"))
    assert "is not a Tushare top10_holders table" in error.reason
    assert "has a header but no holder rows" in error_of(write(tmp_path)).reason


def test_a_holder_named_like_an_issuer_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "0,600000.SH,20180428,20171231,000001.SZ,100.0,10.0",
        "0,000001.SZ,20180428,20171231,B Co,100.0,10.0",
    )
    assert "'000001.SZ' is both an issuer code and a holder name" in error_of(path).reason
