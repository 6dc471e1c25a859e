"""Watch lists through the CLI: named parties (a sanctions or export-control screen) as home entities.

The graph has no entity in a watched country (none is given with -j): the taint starts from the listed
parties only. Every subject's stakes sum to 100% (the rest held in the US), so the figures are exact.

    S1 "Sable Trading LLC" (AE)  -60-> A,  -20-> C,  -30-> D
    S2 "Onyx Holdings Ltd" (AE)  -51-> B,            -30-> D
    A -100-> E (tainted through A)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook


def approx(value: float) -> object:
    return pytest.approx(value, abs=1e-6)


def entity(entity_id: str, country: str | None, name: str | None = None) -> dict[str, object]:
    return {"id": entity_id, "name": name or entity_id, "type": "company", "jurisdiction": country}


def holding(holder: str, subject: str, percent: object) -> dict[str, object]:
    return {"holder": holder, "subject": subject, "percent": percent}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def cascade(e: dict[str, Any]) -> tuple[str, float, float]:
    return e["status"], e["cascade_pct"]["low"], e["cascade_pct"]["high"]


def warnings_with(doc: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [w for w in doc["warnings"] if w["code"] == code]


SDN = "id,name,label\nS1,Sable Trading,SDN\n,ONYX HOLDINGS LIMITED,SDN-RU\nX9,Nobody Corp,SDN\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def graph(folder: Path, cli) -> Path:
    return cli.write_workbook(
        folder,
        [
            entity("S1", "AE", "Sable Trading LLC"),
            entity("S2", "AE", "Onyx Holdings Ltd"),
            entity("A", "GB"),
            entity("B", "GB"),
            entity("C", "GB"),
            entity("D", "GB"),
            entity("E", "DE"),
            entity("U", "US"),
        ],
        [
            holding("S1", "A", 60),
            holding("U", "A", 40),
            holding("S2", "B", 51),
            holding("U", "B", 49),
            holding("S1", "C", 20),
            holding("U", "C", 80),
            holding("S1", "D", 30),
            holding("S2", "D", 30),
            holding("U", "D", 40),
            holding("A", "E", 100),
        ],
        name="graph.xlsx",
    )


@pytest.fixture
def sdn(folder: Path) -> Path:
    return write(folder / "sdn.csv", SDN)


def test_no_watched_country_and_no_list_is_an_error(graph, cli) -> None:
    line = cli.error_line(cli.run("check", graph))
    assert "-j" in line
    assert "--watchlist" in line


def test_without_the_list_nothing_is_caught(graph, cli) -> None:
    result, doc = cli.run_json("check", graph, "-j", "CN")
    assert result.exit_code == 0, result.stderr
    assert {e["status"] for e in doc["entities"]} == {"clear"}


def test_watchlist_screen(graph, sdn, cli) -> None:
    result, doc = cli.run_json("check", graph, "--watchlist", "sdn.csv")
    assert result.exit_code == 1
    policy = doc["policy"]
    assert policy["jurisdictions"] == []
    assert policy["watchlist"] == ["SDN", "SDN-RU"]
    assert policy["watchlist_entries"] == 3
    ents = cli.by_id(doc)
    assert cascade(ents["S1"]) == ("home", approx(100), approx(100))
    assert cascade(ents["S2"]) == ("home", approx(100), approx(100))
    assert ents["S1"]["labels"] == ["SDN"]
    assert ents["S2"]["labels"] == ["SDN-RU"]
    assert cascade(ents["A"]) == ("flagged", approx(60), approx(60))
    assert ents["A"]["labels"] == ["SDN"]
    assert cascade(ents["B"]) == ("flagged", approx(51), approx(51))
    assert ents["B"]["labels"] == ["SDN-RU"]
    assert cascade(ents["D"]) == ("flagged", approx(60), approx(60))
    assert ents["D"]["labels"] == ["SDN", "SDN-RU"]
    assert cascade(ents["E"]) == ("flagged", approx(100), approx(100))
    assert ents["E"]["labels"] == ["SDN"]
    assert ents["E"]["lookthrough_pct"] == {"low": approx(60), "high": approx(60)}
    assert cascade(ents["C"]) == ("clear", approx(20), approx(20))
    assert ents["C"]["labels"] == []
    assert cascade(ents["U"]) == ("clear", approx(0), approx(0))


def test_name_only_match_warns(graph, sdn, cli) -> None:
    _, doc = cli.run_json("check", graph, "--watchlist", "sdn.csv")
    found = warnings_with(doc, "watchlist_name_match")
    assert len(found) == 1
    assert found[0]["where"] == "sdn.csv:3"
    assert "ONYX HOLDINGS LIMITED" in found[0]["message"]
    assert "S2" in found[0]["message"]


def test_id_match_does_not_warn(graph, folder, cli) -> None:
    write(folder / "ids.csv", "id,name,label\nS1,Some Other Name,SDN\n")
    result, doc = cli.run_json("check", graph, "--watchlist", "ids.csv")
    assert result.exit_code == 1
    assert doc["warnings"] == []
    assert cli.by_id(doc)["S1"]["status"] == "home"


def test_unmatched_entries_warn(graph, sdn, cli) -> None:
    _, doc = cli.run_json("check", graph, "--watchlist", "sdn.csv")
    found = warnings_with(doc, "watchlist_unmatched")
    assert len(found) == 1
    assert "Nobody Corp" in found[0]["message"]
    assert "1 of 3" in found[0]["message"]
    assert found[0]["where"] == "sdn.csv"


def test_watchlist_warnings_on_stderr(graph, sdn, cli) -> None:
    result = cli.run("check", graph, "--watchlist", "sdn.csv")
    assert result.exit_code == 1
    assert "watchlist_name_match" in result.stderr
    assert "watchlist_unmatched" in result.stderr


def test_watchlist_only_summary_names_what_is_watched(graph, sdn, cli) -> None:
    result = cli.run("check", graph, "--watchlist", "sdn.csv", "--format", "json")
    assert result.exit_code == 1
    text = " ".join(result.stderr.split())
    assert "FLAGGED: all 8 entities checked for more than 50% owned by" in text
    assert "owned by (" not in text  # the watched set must not be blank
    summary = text[text.index("FLAGGED:") :]
    assert "SDN" in summary


def test_label_defaults_to_the_file_name(graph, folder, cli) -> None:
    write(folder / "entity_list.csv", "id\nS1\n")
    _, doc = cli.run_json("check", graph, "--watchlist", "entity_list.csv")
    ents = cli.by_id(doc)
    assert ents["S1"]["labels"] == ["entity_list"]
    assert ents["A"]["labels"] == ["entity_list"]
    assert ents["B"]["status"] == "clear"


def test_xlsx_watchlist(graph, folder, cli) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "List"
    ws.append(["Consolidated screening list"])
    ws.append(["Entity ID", "Party", "Programme"])
    ws.append(["S2", None, "UKSANC"])
    wb.save(folder / "screen.xlsx")
    result, doc = cli.run_json("check", graph, "--watchlist", "screen.xlsx")
    assert result.exit_code == 1
    ents = cli.by_id(doc)
    assert ents["S2"]["status"] == "home"
    assert cascade(ents["B"]) == ("flagged", approx(51), approx(51))
    assert ents["B"]["labels"] == ["UKSANC"]
    assert ents["A"]["status"] == "clear"


def test_watchlist_and_countries_together(graph, sdn, cli) -> None:
    _, doc = cli.run_json("check", graph, "--watchlist", "sdn.csv", "-j", "AE")
    ents = cli.by_id(doc)
    assert doc["policy"]["jurisdictions"] == ["AE"]
    assert ents["S1"]["labels"] == ["AE", "SDN"]
    assert ents["A"]["labels"] == ["AE", "SDN"]
    assert ents["B"]["labels"] == ["AE", "SDN-RU"]


def test_two_watchlists(graph, folder, cli) -> None:
    write(folder / "a.csv", "id,label\nS1,SDN\n")
    write(folder / "b.csv", "id,label\nS2,EU\n")
    _, doc = cli.run_json("check", graph, "--watchlist", "a.csv", "--watchlist", "b.csv")
    assert doc["policy"]["watchlist"] == ["EU", "SDN"]
    assert doc["policy"]["watchlist_entries"] == 2
    assert cli.by_id(doc)["D"]["labels"] == ["EU", "SDN"]


def test_watchlist_under_per_party_rule(graph, sdn, cli) -> None:
    """D is 30% + 30% owned by two listed parties: caught when aggregated (OFAC), not each alone (UK)."""
    result, doc = cli.run_json("check", graph, "--watchlist", "sdn.csv", "--profile", "ofac", "--profile", "uk")
    assert result.exit_code == 1
    d = cli.by_id(doc)["D"]
    assert d["by_profile"]["ofac"]["status"] == "flagged"
    assert d["by_profile"]["ofac"]["labels"] == ["SDN", "SDN-RU"]
    assert d["by_profile"]["uk"]["status"] == "clear"
    assert d["by_profile"]["uk"]["cascade_pct"] == {"low": approx(30), "high": approx(30)}
    assert "D" in doc["disagreements"]
    assert [p["policy"]["watchlist_entries"] for p in doc["profiles"]] == [3, 3]


def test_missing_watchlist_file(graph, folder, cli) -> None:
    line = cli.error_line(cli.run("check", graph, "--watchlist", "missing.csv"))
    assert "missing.csv" in line


def test_watchlist_without_id_or_name_column(graph, folder, cli) -> None:
    write(folder / "bad.csv", "country,label\nAE,SDN\n")
    line = cli.error_line(cli.run("check", graph, "--watchlist", "bad.csv"))
    assert "bad.csv" in line


def test_watchlist_row_without_id_or_name(graph, folder, cli) -> None:
    write(folder / "gap.csv", "id,name,label\nS1,,SDN\n,,SDN\n")
    line = cli.error_line(cli.run("check", graph, "--watchlist", "gap.csv"))
    assert "gap.csv" in line
    assert "3" in line


# ------------------------------------------------------------------------------------------ BIS label order


@pytest.fixture
def affiliates(folder: Path, cli) -> Path:
    """T is 30% held by an Entity List party and 30% by an MEU List party; a US holder has 40%."""
    return cli.write_workbook(
        folder,
        [entity("EL", "CN"), entity("MEU", "CN"), entity("T", "SG"), entity("U", "US")],
        [holding("EL", "T", 30), holding("MEU", "T", 30), holding("U", "T", 40)],
        name="affiliates.xlsx",
    )


@pytest.fixture
def bis_list(folder: Path) -> Path:
    return write(folder / "bis.csv", "id,name,label\nEL,,Entity List\nMEU,,MEU List\n")


def test_bis_most_restrictive_label(affiliates, bis_list, folder, cli) -> None:
    write(folder / "bis.toml", 'profile = "bis"\nlabel_order = ["Entity List", "MEU List"]\n')
    result, doc = cli.run_json(
        "check", affiliates, "--policy", "bis.toml", "--watchlist", "bis.csv", "--as-of", "2025-10-01"
    )
    assert result.exit_code == 1
    policy = doc["policy"]
    assert policy["name"] == "bis"
    assert policy["in_force"] is True
    assert policy["label_order"] == ["Entity List", "MEU List"]
    assert policy["origins"]["label_order"] == "--policy bis.toml"
    ents = cli.by_id(doc)
    t = ents["T"]
    assert cascade(t) == ("flagged", approx(60), approx(60))
    assert t["labels"] == ["Entity List", "MEU List"]
    assert t["most_restrictive"] == "Entity List"
    assert ents["EL"]["most_restrictive"] == "Entity List"
    assert ents["MEU"]["most_restrictive"] == "MEU List"
    assert ents["U"]["labels"] == []
    assert ents["U"]["most_restrictive"] is None


def test_bis_label_order_reversed(affiliates, bis_list, folder, cli) -> None:
    write(folder / "bis.toml", 'profile = "bis"\nlabel_order = ["MEU List", "Entity List"]\nwatchlists = ["bis.csv"]\n')
    result, doc = cli.run_json("check", affiliates, "--policy", "bis.toml", "--as-of", "2025-10-01")
    assert result.exit_code == 1
    t = cli.by_id(doc)["T"]
    assert t["labels"] == ["Entity List", "MEU List"]
    assert t["most_restrictive"] == "MEU List"


def test_bis_profile_ships_a_label_order(affiliates, bis_list, cli) -> None:
    _, doc = cli.run_json("check", affiliates, "--profile", "bis", "--watchlist", "bis.csv", "--as-of", "2025-10-01")
    assert doc["policy"]["label_order"] == ["Entity List", "MEU List"]
    assert doc["policy"]["origins"]["label_order"] == "profile bis"
    assert cli.by_id(doc)["T"]["most_restrictive"] == "Entity List"


def test_bis_labels_while_suspended(affiliates, bis_list, folder, cli) -> None:
    write(folder / "bis.toml", 'profile = "bis"\nlabel_order = ["Entity List", "MEU List"]\n')
    result, doc = cli.run_json(
        "check", affiliates, "--policy", "bis.toml", "--watchlist", "bis.csv", "--as-of", "2026-01-15"
    )
    assert result.exit_code == 0, result.stderr
    assert doc["policy"]["in_force"] is False
    assert warnings_with(doc, "rule_not_in_force")
    t = cli.by_id(doc)["T"]
    assert t["status"] == "flagged"
    assert t["most_restrictive"] == "Entity List"


def test_bad_label_order(affiliates, bis_list, folder, cli) -> None:
    write(folder / "bis.toml", 'profile = "bis"\nlabel_order = "Entity List"\n')
    line = cli.error_line(cli.run("check", affiliates, "--policy", "bis.toml", "--watchlist", "bis.csv"))
    assert "bis.toml" in line
    assert "'label_order'" in line
