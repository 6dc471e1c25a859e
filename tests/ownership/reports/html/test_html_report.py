"""The HTML audit report: well-formed, self-contained, escaped, and explaining what it flags."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path

import pytest

from ownership.errors import DataWarning, Location
from ownership.model import Entity, EntityType, Holding, OwnershipData, Policy, SourceInfo, Stake
from ownership.pipeline import check
from ownership.readers import read_input
from ownership.reports.html.report import render_html
from ownership.reports.html.tables import COLLAPSE_AFTER
from ownership.result import Chain, ChainBreakdown, ChainKind, CheckResult, CheckSet, Derivation, Status, Step

SAMPLE = Path(__file__).resolve().parents[4] / "data" / "samples" / "cap_table.xlsx"
WHEN = datetime(2026, 6, 30, 9, 15, tzinfo=UTC)
SHA = "cd" * 32
SCRIPT_NAME = '<script>alert("owned")</script>'
QUOTES_NAME = "A & B \"Holdings\" 'Ltd' </td>"
CHINESE_NAME = "目标科技有限公司"
ARABIC_NAME = "شركة القابضة المحدودة"
URL_NAME = "http://evil.example/pixel.png"

BLOCK = {"td", "th", "tr", "li", "p", "div", "dt", "dd", "h1", "h2", "h3", "h4", "br", "section", "summary", "title"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# SVG elements the chart writes self-closed (<path/>) are handled by handle_startendtag.


class _Page(HTMLParser):
    """Checks nesting as it parses and collects what the tests look at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self.doctype = ""
        self._in_style = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in BLOCK:
            self.text.append(" ")
        if tag not in VOID:
            self.stack.append(tag)
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False
        if tag in BLOCK:
            self.text.append(" ")
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)

    def all_text(self) -> str:
        return " ".join("".join(self.text).split())


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


def _entity(entity_id: str, country: str | None, name: str | None = None) -> Entity:
    # Its own ultimate owner when nobody holds it, as these report tests were written for.
    return Entity(id=entity_id, name=name or entity_id, type=EntityType.COMPANY, jurisdiction=country, ultimate=True)


def _holding(holder: str, subject: str, percent: float, row: int) -> Holding:
    return Holding(
        holder,
        subject,
        Stake.exact(percent / 100),
        source="register & <notes>",
        where=Location("r.xlsx", "Holdings", row),
    )


@pytest.fixture
def hostile() -> CheckResult:
    """P (CN, a script for a name) holds 60% and Q (CN, Arabic) 10% of H; H holds 60% of T (Chinese name),
    X (a URL for a name, an id with a NUL) holds 40% of T and 30% of H. T is named with --entity.

    Hand-computed: H cascade 70% (flagged), T cascade 60% (flagged); T look-through 0.7 x 0.6 = 42%, as the
    chains P-H-T 36% and Q-H-T 6%.
    """
    entities = (
        _entity("P", "CN", SCRIPT_NAME),
        _entity("Q", "CN", ARABIC_NAME),
        _entity("H", "HK", QUOTES_NAME),
        _entity("T", "GB", CHINESE_NAME),
        _entity("X\x00Y", "US", URL_NAME),
    )
    holdings = (
        _holding("P", "H", 60, 2),
        _holding("Q", "H", 10, 3),
        _holding("H", "T", 60, 4),
        _holding("X\x00Y", "T", 40, 5),
        _holding("X\x00Y", "H", 30, 6),
    )
    data = OwnershipData(entities, holdings, SourceInfo("vendor <b>&.xlsx", SHA, "workbook"))
    return check(data, Policy(jurisdictions=frozenset({"CN"}), as_of=date(2026, 6, 30)), ["T"])


@pytest.fixture(scope="module")
def sample() -> CheckResult:
    data = read_input(SAMPLE, "cap_table.xlsx")
    return check(data, Policy(jurisdictions=frozenset({"CN"}), as_of=date(2026, 6, 30)))


def test_document_is_well_formed_with_charset_lang_and_title(hostile: CheckResult) -> None:
    text = render_html(hostile, WHEN)
    page = _parse(text)
    assert page.doctype.lower() == "doctype html"
    assert page.errors == []
    assert page.stack == []
    html_tag = next(attrs for tag, attrs in page.tags if tag == "html")
    assert html_tag["lang"] == "en"
    assert ("meta", {"charset": "utf-8"}) in page.tags
    title = text[text.index("<title>") + 7 : text.index("</title>")]
    assert "vendor &lt;b&gt;&amp;.xlsx" in title
    assert "\x00" not in text
    text.encode("utf-8")


def test_nothing_is_loaded_from_elsewhere(sample: CheckResult, hostile: CheckResult) -> None:
    for result in (sample, hostile):
        text = render_html(result, WHEN)
        page = _parse(text)
        tags = {tag for tag, _ in page.tags}
        assert not tags & {"link", "img", "iframe", "object", "embed", "image", "audio", "video", "source", "base"}
        for tag, attrs in page.tags:
            assert tag != "script" or "src" not in attrs
            for key in ("src", "href", "xlink:href", "action", "poster", "background"):
                value = attrs.get(key)
                assert value is None or value.startswith("#"), (tag, key, value)
        # url() in the style sheet, in style attributes and in SVG attributes (fill="url(#hatch)").
        styled = " ".join(page.styles) + " ".join(str(v) for _, attrs in page.tags for v in attrs.values())
        for target in re.findall(r"url\(\s*['\"]?([^'\")]*)", styled):
            assert target.startswith(("#", "data:")), target
        assert "@import" not in text
        assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text, re.IGNORECASE)
        assert not re.search(r"""url\(\s*["']?\s*(?:https?:)?//""", text, re.IGNORECASE)
        csp = next(a for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
        assert "default-src 'none'" in (csp["content"] or "")


def test_hostile_names_are_shown_as_text(hostile: CheckResult) -> None:
    text = render_html(hostile, WHEN)
    page = _parse(text)
    assert "script" not in {tag for tag, _ in page.tags}
    assert "<script>alert" not in text
    assert "vendor <b>" not in text
    assert "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;" in text
    shown = page.all_text()
    for name in (SCRIPT_NAME, QUOTES_NAME, CHINESE_NAME, ARABIC_NAME, URL_NAME, "register & <notes>"):
        assert name in shown, name
    assert "X\ufffdY" in shown
    # Right-to-left names are isolated, so they cannot reorder the arrows and figures around them.
    assert f"<bdi>{ARABIC_NAME}</bdi>" in text


def test_header_and_summary(hostile: CheckResult) -> None:
    page = _parse(render_html(hostile, WHEN))
    shown = page.all_text()
    banner = next(attrs for tag, attrs in page.tags if tag == "div" and "banner" in (attrs.get("class") or ""))
    assert banner["class"] == "banner flagged"
    assert f"FLAGGED {CHINESE_NAME} is flagged: cascade 60% > 50%" in shown
    for expected in (
        SHA,
        f"exposure {version('exposure')}",
        "2026-06-30 09:15:00+00:00",
        "As of 2026-06-30",
        "Format workbook",
        "flagged 2 home 2 possible 0 clear 1",
        "named with --entity decides it",
        "here 1 with the default --fail-on flagged",
    ):
        assert expected in shown, expected


def test_a_section_per_flagged_possible_or_named_entity(sample: CheckResult) -> None:
    text = render_html(sample, WHEN)
    page = _parse(text)
    sections = [a for t, a in page.tags if t == "section" and "entity" in (a.get("class") or "").split()]
    expected = [v for v in sample.ordered() if v.status in (Status.FLAGGED, Status.POSSIBLE)]
    assert len(sections) == len(expected) == 6
    for v, attrs in zip(expected, sections, strict=True):
        assert attrs["class"] == f"entity {v.status.value}"
        anchor = attrs["id"]
        assert f'href="#{anchor}"' in text
        body = text[text.index(f'id="{anchor}"') :]
        body = body[: body.index("</section>")]
        assert v.entity.name in body
        assert v.derivation is not None
        # the cascade steps, in the engine's order
        steps = [_parse(li).all_text() for li in re.findall(r"<li class=\"[^\"]*\" dir=\"auto\">.*?</li>", body)]
        texts = [s.text for s in v.derivation.steps]
        assert [s for s in steps if s in texts] == texts
    home_or_clear = [v for v in sample.verdicts if v.status in (Status.HOME, Status.CLEAR)]
    assert all(f">{v.entity.name}</bdi></h3>" not in text for v in home_or_clear)


def _chain_blocks(text: str) -> list[tuple[list[float], float]]:
    """Each chains list: the parts shown (chains, then the rest line) and the total line, in percent."""
    blocks = []
    for block in re.findall(r'<ul class="chains">(.*?)</ul>', text):
        parts = [float(m) for m in re.findall(r'<li class="(?:chain|rest)">.*?= <b>([\d.]+)%</b></li>', block)]
        total = float(re.findall(r'<li class="total">= <b>([\d.]+)%</b>', block)[0])
        blocks.append((parts, total))
    return blocks


def test_chain_lines_add_up_to_the_figure(sample: CheckResult) -> None:
    text = render_html(sample, WHEN)
    blocks = _chain_blocks(text)
    assert len(blocks) >= 6
    for parts, total in blocks:
        # each figure is shown to 4 significant digits: at most half a unit of its last digit off
        assert sum(parts) == pytest.approx(total, abs=0.005 * (len(parts) + 1))
    helio = sample.verdict("HELIO-SG")
    assert helio.chains is not None and helio.chains.rest > 0
    assert "circular holdings" in text


def test_hand_made_chains_and_derivation_are_written_in_order(hostile: CheckResult) -> None:
    """Chains P -60%-> H -60%-> T = 36%, Q -10%-> H -60%-> T = 6%, unnamed 5% of T = 5%, rest 0.5%: 47.5%."""
    t = hostile.verdict("T")
    chains = ChainBreakdown(
        figure=0.475,
        chains=(
            Chain(ChainKind.HOME, ("P", "H", "T"), (0.6, 0.6), 1.0, 0.36),
            Chain(ChainKind.HOME, ("Q", "H", "T"), (0.1, 0.6), 1.0, 0.06),
            Chain(ChainKind.UNALLOCATED, ("T",), (), 0.05, 0.05),
        ),
        rest=0.005,
        searched_all=False,
    )
    steps = (
        Step("P", SCRIPT_NAME, 0, True, ("CN",), (), 1.0, True, False, "first <step>"),
        Step("H", QUOTES_NAME, 1, False, (), (), 0.7, True, False, "second & step"),
        Step("T", CHINESE_NAME, 2, False, (), (), 0.6, True, False, "third step"),
    )
    verdicts = tuple(
        replace(v, chains=chains, derivation=Derivation(steps, ("P",), omitted=2)) if v is t else v
        for v in hostile.verdicts
    )
    text = render_html(replace(hostile, verdicts=verdicts), WHEN)
    shown = _parse(text).all_text()
    assert f"{SCRIPT_NAME} CN —60%→ {QUOTES_NAME} —60%→ {CHINESE_NAME} = 36%" in shown
    assert f"unnamed holders —5%→ {CHINESE_NAME} = 5%" in shown
    assert "other, smaller chains and circular holdings = 0.5%" in shown
    assert "= 47.5% look-through figure (low bound)" in shown
    assert "2 earlier steps are left out. 1. first <step>" not in shown  # numbering comes from <ol start>
    assert '<ol class="steps" start="3">' in text
    assert shown.index("first <step>") < shown.index("second & step") < shown.index("third step")
    assert _chain_blocks(text)[0][0] == [36, 6, 5, 0.5]


def test_notes_red_flags_and_warnings(hostile: CheckResult) -> None:
    note = DataWarning("unknown_stake", "stake of <X> left blank", Location("r.xlsx", "Holdings", 9, 3, "Stake"))
    verdicts = tuple(replace(v, notes=(note,)) if v.entity.id == "T" else v for v in hostile.verdicts)
    result = replace(hostile, verdicts=verdicts, warnings=(note,))
    shown = _parse(render_html(result, WHEN)).all_text()
    assert "Data notes unknown_stake (Holdings!C9): stake of <X> left blank" in shown
    assert "unknown_stake Holdings!C9 stake of <X> left blank" in shown


def test_several_rules_get_a_status_column_each_and_disagreements_are_marked() -> None:
    """CN1 and CN2 hold 30% each of T: added together 60% (flagged); each alone 30% (clear)."""
    entities = (_entity("CN1", "CN"), _entity("CN2", "CN"), _entity("T", "GB"), _entity("U", "US"))
    holdings = (_holding("CN1", "T", 30, 2), _holding("CN2", "T", 30, 3), _holding("U", "T", 40, 4))
    data = OwnershipData(entities, holdings, SourceInfo("r.xlsx", SHA, "workbook"))
    base = Policy(jurisdictions=frozenset({"CN"}), as_of=date(2026, 6, 30))
    together = check(data, replace(base, name="together", origins={"aggregate": "profile together"}), ["T"])
    alone = check(data, replace(base, name="alone", aggregate=False, origins={"aggregate": "--no-aggregate"}), ["T"])
    text = render_html(CheckSet((together, alone)), WHEN)
    page = _parse(text)
    heads = re.findall(r"<th>(.*?)</th>", text[text.index('<table class="entities">') :].split("</thead>")[0])
    assert heads[:3] == ["together", "alone", "entity"]
    row = re.search(r'<tr class="disagree">(.*?)</tr>', text)
    assert row is not None
    cells = _parse(row.group(1)).all_text()
    assert cells.startswith("flagged clear T decides rules disagree GB 60% 60% cascade 60% > 50%")
    shown = page.all_text()
    assert "FLAGGED flagged together: T is flagged: cascade 60% > 50%" in shown
    assert "clear alone: T is clear: at most 30%" in shown
    assert "together flagged 1 home 2 possible 0 clear 1 alone flagged 0 home 2 possible 0 clear 2" in shown
    assert "Home parties added together profile together each party alone option --no-aggregate" in shown
    assert "Under rule alone (clear):" in shown


def test_holdings_are_listed_with_their_places_and_collapse_when_long() -> None:
    entities = (_entity("CN", "CN"), *(_entity(f"S{k}", "GB") for k in range(COLLAPSE_AFTER + 1)))
    holdings = tuple(_holding("CN", f"S{k}", 10, k + 2) for k in range(COLLAPSE_AFTER + 1))
    ended = replace(holdings[0], end=date(2020, 1, 1))
    data = OwnershipData(entities, (ended, *holdings[1:]), SourceInfo("r.xlsx", SHA, "workbook"))
    result = check(data, Policy(jurisdictions=frozenset({"CN"}), as_of=date(2026, 6, 30)))
    text = render_html(result, WHEN)
    shown = _parse(text).all_text()
    assert f"{COLLAPSE_AFTER + 1} holdings read, {COLLAPSE_AFTER} evaluated" in shown
    assert "Holdings row 2 CN S0 10% open to 2020-01-01 not in force on 2026-06-30 register & <notes>" in shown
    assert f"Holdings row {COLLAPSE_AFTER + 2} CN S{COLLAPSE_AFTER} 10%" in shown
    assert re.search(r"<details><summary>All \d+ holdings", text)
    assert "details::details-content" in text  # printing opens the collapsed list


def test_print_rules_keep_colours_and_repeat_headers(hostile: CheckResult) -> None:
    text = render_html(hostile, WHEN)
    print_css = text[text.index("@media print") :]
    assert "print-color-adjust: exact" in print_css
    assert "thead { display: table-header-group; }" in print_css
    assert "break-inside: avoid" in print_css


def test_same_input_same_report(hostile: CheckResult) -> None:
    assert render_html(hostile, WHEN) == render_html(hostile, WHEN)
