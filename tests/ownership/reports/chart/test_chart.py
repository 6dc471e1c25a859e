"""The structure chart: owners above what they own, no overlapping boxes, statuses coloured as the legend says,
well-formed and safely escaped SVG, deterministic output, and large inputs cut to the owners of what matters."""
# ruff: noqa: RUF001  (Cyrillic, Hebrew and CJK names are what the escaping tests are about)

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as DET  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership.model import Entity, EntityType, Holding, OwnershipData, Policy, SourceInfo, Stake
from ownership.pipeline import check
from ownership.readers import read_input
from ownership.reports.chart.layout import Edge, layout
from ownership.reports.chart.structure import Chart, structure_chart
from ownership.reports.chart.svg import STYLES, wrap_name
from ownership.result import CheckResult, Status

SVG = "{http://www.w3.org/2000/svg}"
SAMPLE = Path(__file__).resolve().parents[4] / "data" / "samples" / "cap_table.xlsx"
AS_OF = date(2026, 10, 1)


def _policy(**changes: object) -> Policy:
    return Policy(jurisdictions=frozenset({"CN"}), as_of=AS_OF).with_changes(**changes)


def _result(
    entities: Sequence[tuple[str, str | None]] | Sequence[Entity],
    holdings: Sequence[tuple[str, str, float | None]],
    targets: tuple[str, ...] = (),
) -> CheckResult:
    """A checked structure: entities as (id, country) or Entity, holdings as (holder, subject, percent or None
    for a control-only row)."""
    ents = tuple(
        e if isinstance(e, Entity) else Entity(e[0], e[0], EntityType.COMPANY, e[1], ultimate=True) for e in entities
    )
    rows = tuple(
        Holding(h, s, None, control=True) if p is None else Holding(h, s, Stake.exact(p / 100)) for h, s, p in holdings
    )
    data = OwnershipData(ents, rows, SourceInfo("test.xlsx", "0" * 64, "xlsx"))
    return check(data, _policy(), targets)


@pytest.fixture(scope="module")
def sample() -> CheckResult:
    data = read_input(SAMPLE, "data/samples/cap_table.xlsx")
    return check(data, _policy())


@pytest.fixture(scope="module")
def sample_chart(sample: CheckResult) -> Chart:
    return structure_chart(sample)


def _parse(svg: str) -> Element:
    root: Element = DET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def _boxes(root: Element) -> dict[str, tuple[float, float, float, float]]:
    """Entity id -> (x, y, width, height) of its status box."""
    found = {}
    for g in root.iter(f"{SVG}g"):
        entity = g.get("data-entity")
        if entity is None:
            continue
        rect = next(r for r in g.findall(f"{SVG}rect") if r.get("rx") == "7")
        found[entity] = tuple(float(rect.get(k, "nan")) for k in ("x", "y", "width", "height"))
    return found  # type: ignore[return-value]


def _holdings(root: Element) -> list[Element]:
    return [p for p in root.iter(f"{SVG}path") if "holding" in (p.get("class") or "").split()]


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


# --- the shipped sample ---------------------------------------------------------------------------------------


def test_sample_shows_every_entity_and_holding(sample: CheckResult, sample_chart: Chart) -> None:
    root = _parse(sample_chart.svg)
    assert (sample_chart.shown, sample_chart.left_out, sample_chart.note) == (20, 0, "")
    assert set(_boxes(root)) == {v.entity.id for v in sample.verdicts}
    drawn = {(p.get("data-holder"), p.get("data-subject")) for p in _holdings(root)}
    # 28 rows in the sample: REDPEAK -> NORDLICHT ended in 2024 and is not drawn.
    assert len(drawn) == 27
    assert ("REDPEAK", "NORDLICHT") not in drawn
    assert ("HELIO-SZ", "HELIO-DATA") in drawn


def test_sample_owners_are_above_what_they_own(sample_chart: Chart) -> None:
    root = _parse(sample_chart.svg)
    boxes = _boxes(root)
    back = []
    for path in _holdings(root):
        holder, subject = boxes[path.get("data-holder", "")], boxes[path.get("data-subject", "")]
        if "back" in (path.get("class") or ""):
            back.append((path.get("data-holder"), path.get("data-subject")))
            assert holder[1] > subject[1]
        else:
            assert holder[1] + holder[3] < subject[1], (path.get("data-holder"), path.get("data-subject"))
    # The only loop: HELIO-SG holds 70% of HELIO-JP, which holds 4% of HELIO-SG back; the 4% is drawn upward.
    assert back == [("HELIO-JP", "HELIO-SG")]
    # Ultimate owners on top: LANTING-KY (held by Zhang Wei) above LANTING-HK above HELIO-SG above HELIO-JP.
    ys = [boxes[i][1] for i in ("ZHANG-WEI", "LANTING-KY", "LANTING-HK", "HELIO-SG", "HELIO-JP")]
    assert ys == sorted(ys) and len(set(ys)) == 5


def test_sample_boxes_do_not_overlap(sample_chart: Chart) -> None:
    boxes = list(_boxes(_parse(sample_chart.svg)).values())
    for a, b in itertools.combinations(boxes, 2):
        assert not _overlap(a, b)


def test_sample_stake_labels(sample_chart: Chart) -> None:
    root = _parse(sample_chart.svg)
    labels = [
        "".join(t.itertext()) for g in root.iter(f"{SVG}g") if g.get("class") == "stakes" for t in g.iter(f"{SVG}text")
    ]
    # A PSC band, a disclosed range, a control-only VIE row, and exact stakes.
    for label in ("25\u201350%", "5\u201310%", "control", "60%", "40%", "4%", "70%", "100%"):
        assert label in labels
    assert len(labels) == 27
    control = [p for p in _holdings(root) if "control" in (p.get("class") or "").split()]
    assert [(p.get("data-holder"), p.get("data-subject")) for p in control] == [("HELIO-SZ", "HELIO-DATA")]
    assert control[0].get("stroke-dasharray")


def test_svg_is_self_contained_and_scales(sample_chart: Chart) -> None:
    root = _parse(sample_chart.svg)
    assert root.get("width") == "100%"
    assert len((root.get("viewBox") or "").split()) == 4
    tags = {e.tag.removeprefix(SVG) for e in root.iter()}
    assert "script" not in tags and "foreignObject" not in tags and "image" not in tags
    for e in root.iter():
        for key, value in e.attrib.items():
            assert "href" not in key
            assert not key.startswith("on")
            assert "url(" not in value or value.startswith("url(#")
    assert "http" not in sample_chart.svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_tooltip_has_full_name_id_status_and_figures(sample_chart: Chart) -> None:
    root = _parse(sample_chart.svg)
    g = next(g for g in root.iter(f"{SVG}g") if g.get("data-entity") == "HELIO-SG")
    title = g.findtext(f"{SVG}title") or ""
    lines = title.splitlines()
    assert lines[0] == "Helio Robotics Pte Ltd"
    assert "id: HELIO-SG" in lines
    assert "status: flagged" in lines
    assert "cascade 56\u201364%; look-through 37.04\u201345.27%" in lines


# --- statuses and legend ----------------------------------------------------------------------------------------


def _luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_statuses_coloured_as_the_legend_says(sample_chart: Chart) -> None:
    root = _parse(sample_chart.svg)
    by_status: dict[str, set[tuple[str | None, str | None, str | None]]] = {}
    for g in root.iter(f"{SVG}g"):
        classes = (g.get("class") or "").split()
        if "entity" not in classes:
            continue
        status = next(c.removeprefix("status-") for c in classes if c.startswith("status-"))
        rect = next(r for r in g.findall(f"{SVG}rect") if r.get("rx") == "7")
        by_status.setdefault(status, set()).add((rect.get("fill"), rect.get("stroke"), rect.get("stroke-dasharray")))
    assert set(by_status) == {"home", "flagged", "possible", "clear"}
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend")
    swatches = {(r.get("fill"), r.get("stroke"), r.get("stroke-dasharray")) for r in legend.iter(f"{SVG}rect")}
    words = " ".join(legend.itertext())
    for status, styles in by_status.items():
        assert len(styles) == 1, status  # one look per status
        assert styles <= swatches, status  # and the legend shows it
        assert status in words


def test_statuses_differ_in_grayscale() -> None:
    # Print in black and white: home is dark, flagged hatched with a heavy border, possible dashed, clear plain.
    looks = {
        (_luminance(s.fill) < 0.3, status is Status.FLAGGED, bool(s.dash), s.stroke_width >= 2)
        for status, s in STYLES.items()
    }
    assert len(looks) == 4
    assert len({s.fill for s in STYLES.values()}) == 4


def test_focus_entities_are_outlined_and_in_the_legend(sample: CheckResult) -> None:
    chart = structure_chart(sample, ("HELIO-EU",))
    root = _parse(chart.svg)
    g = next(g for g in root.iter(f"{SVG}g") if g.get("data-entity") == "HELIO-EU")
    assert len(g.findall(f"{SVG}rect")) == 2  # the outline and the status box
    other = next(g for g in root.iter(f"{SVG}g") if g.get("data-entity") == "HELIO-SG")
    assert len(other.findall(f"{SVG}rect")) == 1
    assert "entity checked" in chart.svg


# --- escaping -----------------------------------------------------------------------------------------------------

HOSTILE = [
    ("<script>alert(1)</script>", "CN", "<script>alert('x')</script> & Co"),
    ('A"B', "US", "Quote \"Holdings\" 'Ltd' ]]> <!-- -->"),
    ("RTL", "IL", '\u202eשלום חברה בע"מ\u202c'),
    ("ARABIC", "AE", "شركة القابضة"),
    ("CYR", "RU", "ООО «Рога и копыта»"),
    ("ZH", "CN", "字节跳动有限公司" * 6),
    ("CTRL", "US", "Bad\x00\x1b\x0bName\ufffe"),
]


def test_hostile_names_are_escaped() -> None:
    entities = [Entity(i, name, EntityType.COMPANY, c) for i, c, name in HOSTILE]
    holdings = [(HOSTILE[k][0], HOSTILE[k + 1][0], 30.0) for k in range(len(HOSTILE) - 1)]
    result = _result(entities, holdings)
    chart = structure_chart(result)
    assert "<script" not in chart.svg
    root = _parse(chart.svg)
    assert not [e for e in root.iter() if e.tag.removeprefix(SVG) == "script"]
    titles = {
        g.get("data-entity"): (g.findtext(f"{SVG}title") or "").split("\n")[0]
        for g in root.iter(f"{SVG}g")
        if g.get("data-entity") is not None
    }
    for entity_id, _, name in HOSTILE[:-1]:
        assert titles[entity_id] == name
    # Characters XML cannot hold are replaced, never written raw.
    assert titles["CTRL"] == "Bad\ufffd\ufffd\ufffdName\ufffd"
    # A long Chinese name is cut with an ellipsis on the box (the tooltip keeps it whole).
    g = next(g for g in root.iter(f"{SVG}g") if g.get("data-entity") == "ZH")
    shown = "".join("".join(t.itertext()) for t in g.findall(f"{SVG}text")[:2])
    assert "…" in shown


def test_names_wrap_on_two_lines_then_cut() -> None:
    assert wrap_name("Short Ltd", 150) == ["Short Ltd"]
    lines = wrap_name("Lanting International (HK) Limited", 150)
    assert lines == ["Lanting International", "(HK) Limited"]
    lines = wrap_name("Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Holdings", 150)
    assert len(lines) == 2 and lines[1].endswith("…")


# --- determinism --------------------------------------------------------------------------------------------------


def test_same_input_gives_byte_identical_svg(sample: CheckResult, sample_chart: Chart) -> None:
    again = check(read_input(SAMPLE, "data/samples/cap_table.xlsx"), _policy())
    assert structure_chart(again).svg == sample_chart.svg
    assert structure_chart(sample).svg == sample_chart.svg


# --- large inputs ---------------------------------------------------------------------------------------------------


def _tree_result() -> CheckResult:
    """T is held by A (60%) and B (40%); A by A1 (70%) and A2 (30%); B by B1 (100%); A1 by A11 (100%).
    50 unrelated US companies U0..U49 hold nothing of it. CN is A11's country, so T is flagged.

    Hand-computed: with room for 5 entities around T, the nearest owners go first: T, then A and B (one level
    up), then of A1, A2, B1 (two levels up) the largest of the first-named subject, A1 and A2, fill the room.
    B1 and A11 are left out: B and A1 get a marker for their owner not shown.
    """
    entities: list[tuple[str, str | None]] = [("T", "SG"), ("A", "SG"), ("B", "US"), ("A1", "SG"), ("A2", "US")]
    entities += [("B1", "US"), ("A11", "CN")] + [(f"U{i}", "US") for i in range(50)]
    holdings = [("A", "T", 60.0), ("B", "T", 40.0), ("A2", "A", 30.0), ("A1", "A", 70.0), ("B1", "B", 100.0)]
    holdings += [("A11", "A1", 100.0)]
    return _result(entities, holdings)


def test_large_input_keeps_the_focus_and_its_nearest_owners() -> None:
    result = _tree_result()
    chart = structure_chart(result, ("T",), max_nodes=5)
    root = _parse(chart.svg)
    assert set(_boxes(root)) == {"T", "A", "B", "A1", "A2"}
    assert (chart.shown, chart.left_out) == (5, 52)
    assert chart.note == (
        "showing 5 of 57 entities: the owners of T (the nearest 2 levels up, as many as fit); 52 left out"
    )
    markers = {
        g_parent.get("data-entity")
        for g_parent in root.iter(f"{SVG}g")
        if g_parent.get("data-entity") and "not shown in this chart" in (g_parent.findtext(f"{SVG}title") or "")
    }
    assert markers == {"B", "A1"}
    assert len([g for g in root.iter(f"{SVG}g") if g.get("class") == "elided"]) == 2
    assert "+1 owner not shown" in chart.svg
    assert f"<desc>{chart.note}</desc>" in chart.svg  # for screen readers


def test_large_input_without_focus_starts_from_the_flagged() -> None:
    result = _tree_result()
    flagged = [v.entity.id for v in result.verdicts if v.status is Status.FLAGGED]
    assert flagged == ["T", "A", "A1"]
    chart = structure_chart(result, max_nodes=10)
    shown = set(_boxes(_parse(chart.svg)))
    # Every owner of the flagged entities fits: all 7 entities of the structure, none of the 50 others.
    assert shown == {"T", "A", "B", "A1", "A2", "B1", "A11"}
    assert chart.note == "showing 7 of 57 entities: the owners of the flagged entities T, A, A1; 50 left out"


def test_large_input_with_more_entities_that_matter_than_room() -> None:
    result = _tree_result()
    # Room for 2: one of the three flagged entities, and its largest owner.
    chart = structure_chart(result, max_nodes=2)
    assert set(_boxes(_parse(chart.svg))) == {"T", "A"}
    assert chart.note == (
        "showing 2 of 57 entities: the owners of the first 1 of 3 flagged entities, T "
        "(the nearest 1 level up, as many as fit); 55 left out"
    )


def test_bad_arguments(sample: CheckResult) -> None:
    with pytest.raises(ValueError, match="max_nodes"):
        structure_chart(sample, max_nodes=0)
    with pytest.raises(ValueError, match="NOPE"):
        structure_chart(sample, ("NOPE",))


def test_no_holdings_and_no_entities() -> None:
    lone = structure_chart(_result([("X", "US")], []))
    assert _boxes(_parse(lone.svg)).keys() == {"X"}
    empty = structure_chart(_result([], []))
    assert empty.shown == 0 and "no entities to show" in empty.svg
    _parse(empty.svg)


# --- the layout, on any graph --------------------------------------------------------------------------------------


@st.composite
def graphs(draw: st.DrawFn) -> tuple[int, list[Edge]]:
    count = draw(st.integers(min_value=1, max_value=22))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, count - 1), st.integers(0, count - 1)).filter(lambda p: p[0] != p[1]),
            max_size=3 * count,
            unique=True,
        )
    )
    weights = draw(st.lists(st.floats(0, 1), min_size=len(pairs), max_size=len(pairs)))
    return count, [Edge(h, s, w) for (h, s), w in zip(pairs, weights, strict=True)]


@settings(max_examples=60, deadline=None)
@given(graphs())
def test_layout_invariants(graph: tuple[int, list[Edge]]) -> None:
    count, edges = graph
    lay = layout(count, edges)
    assert len(lay.boxes) == count and len(lay.routes) == len(edges)
    # No two boxes overlap, and all lie inside the drawing.
    for a, b in itertools.combinations(lay.boxes, 2):
        assert not a.overlaps(b)
    for box in lay.boxes:
        assert box.x >= 0 and box.x + box.w <= lay.width + 1e-6 and box.y + box.h <= lay.height + 1e-6
    # Every holder is above its subject, except holdings closing a cycle, which go the other way.
    for route in lay.routes:
        e = edges[route.edge]
        holder, subject = lay.boxes[e.holder], lay.boxes[e.subject]
        if route.back:
            assert holder.layer > subject.layer
        else:
            assert holder.layer < subject.layer
        # The drawn line runs from the holder's box to the subject's box.
        assert route.points[0][1] in (holder.y, holder.y + holder.h)
        assert route.points[-1][1] in (subject.y, subject.y + subject.h)
    # Deterministic.
    assert layout(count, edges) == lay


def test_layout_of_a_cross_holding_draws_the_smaller_stake_upward() -> None:
    # P holds 80% of S, S holds 70% of J, J holds 5% of S: the 5% closes the loop.
    edges = [Edge(0, 1, 0.8), Edge(1, 2, 0.7), Edge(2, 1, 0.05)]
    lay = layout(3, edges)
    assert [b.layer for b in lay.boxes] == [0, 1, 2]
    assert [r.back for r in lay.routes] == [False, False, True]


def test_wide_rows_are_stacked() -> None:
    # Fifteen shareholders of one company: no row holds more than 7 boxes.
    edges = [Edge(i, 15, 0.05) for i in range(15)]
    lay = layout(16, edges)
    rows: dict[int, int] = {}
    for box in lay.boxes:
        rows[box.layer] = rows.get(box.layer, 0) + 1
    assert max(rows.values()) <= 7
    assert lay.boxes[15].layer == max(rows)
