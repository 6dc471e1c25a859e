"""The audit workbook's first sheet: the verdict, what was read, the rule applied, and what the sheets hold.

A form rather than a table: labels in column A, values in B, words beside them across C to G (merged, so
a long sentence wraps inside the printed width).
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from ownership.model import HomeBasis, Method, Policy, pct_text
from ownership.reports.cells import put_text
from ownership.reports.common import deciding_counts, rule_summary, tool_version, verdict_sentence
from ownership.reports.common import headline as headline_words
from ownership.reports.xlsx.measure import line_count
from ownership.reports.xlsx.style import (
    HEADER_BORDER,
    HEADER_FILL,
    HEADER_FONT,
    LINE_HEIGHT,
    NOTE_FONT,
    SECTION_FILL,
    SECTION_FONT,
    STATUS_COLOURS,
    TITLE_FONT,
    TOP,
    TOP_WRAP,
    Kind,
    Value,
    at,
    font,
    print_setup,
    put,
    status_style,
)
from ownership.result import CheckResult, CheckSet, FailOn, Status

#: Column widths A to G; B:G (or C:G) are merged for text.
_WIDTHS: Final = {"A": 28, "B": 16, "C": 12, "D": 12, "E": 12, "F": 12, "G": 46}
_B, _C = 2, 3
_WIDE: Final = sum(_WIDTHS.values()) - _WIDTHS["A"]  # B:G
_DETAIL: Final = _WIDE - _WIDTHS["B"]  # C:G
_LABEL_FONT: Final = font(bold=True, color="404040")
_RULE_UNDER: Final = Border(bottom=Side(style="thin", color="7F7F7F"))

_METHOD_WORDS: Final = {
    Method.CASCADE: "cascade: holdings by tainted (majority-owned) holders counted in full",
    Method.LOOKTHROUGH: "look-through: stakes multiplied along every chain",
    Method.EITHER: "either figure: the cascade or the look-through",
}
_HOME_WORDS: Final = {
    HomeBasis.HEADQUARTERS: "headquarters: an entity headquartered in a watched country is a home entity",
    HomeBasis.INCORPORATION: "incorporation: an entity incorporated in a watched country is a home entity",
    HomeBasis.EITHER: "either: headquartered or incorporated in a watched country",
}

#: What each sheet holds, for the reader who opens the workbook for the first time.
SHEETS: Final = (
    ("Entities", "one row per entity: status, figures (cascade and look-through, low and high), reasons"),
    ("Chains", "each look-through figure split into its largest chains of holdings; the rows add up to it"),
    ("Derivation", "how the cascade reached each entity, step by step (the low cascade figure)"),
    ("Warnings", "what in the data could not be used as given, where it is, and which entities it touches"),
    ("Holdings as read", "every holding read, with its source row; also those outside the as-of date"),
    ("Policy", "every setting of the rule applied and where it came from"),
)


class _Form:
    """Writes the Summary form row by row."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 1

    def skip(self) -> None:
        self.row += 1

    def _merged_text(self, first: int, text: str, width: int, font: Font | None = None) -> None:
        ws, r = self.ws, self.row
        cell = at(ws, r, first)
        put_text(cell, text)
        cell.alignment = TOP_WRAP
        if font is not None:
            cell.font = font
        ws.merge_cells(start_row=r, start_column=first, end_row=r, end_column=len(_WIDTHS))
        lines = line_count(text, width)
        if lines > 1:  # merged cells are not fitted to their text on opening: set the height here
            ws.row_dimensions[r].height = lines * LINE_HEIGHT + 2

    def _label(self, label: str) -> None:
        cell = at(self.ws, self.row, 1)
        put_text(cell, label)
        cell.font = _LABEL_FONT
        cell.alignment = TOP

    def title(self, text: str, subtitle: str) -> None:
        put_text(at(self.ws, 1, 1), text)
        at(self.ws, 1, 1).font = TITLE_FONT
        self.ws.row_dimensions[1].height = 24
        self.row = 2
        self._merged_text(1, subtitle, _WIDE + _WIDTHS["A"], NOTE_FONT)
        self.row = 4

    def section(self, title: str) -> None:
        for column in range(1, len(_WIDTHS) + 1):
            cell = at(self.ws, self.row, column)
            cell.fill = SECTION_FILL
            cell.border = _RULE_UNDER
        put_text(at(self.ws, self.row, 1), title)
        at(self.ws, self.row, 1).font = SECTION_FONT
        self.ws.row_dimensions[self.row].height = 20
        self.row += 1

    def text(self, label: str, text: str, font: Font | None = None) -> None:
        """A label and a text across B:G."""
        self._label(label)
        self._merged_text(_B, text, _WIDE, font)
        self.row += 1

    def value(self, label: str, value: Value, kind: Kind = "text", detail: str = "") -> None:
        """A label, a value in B (a number, a date, a status) and words across C:G."""
        self._label(label)
        cell = at(self.ws, self.row, _B)
        put(cell, value, kind)
        cell.alignment = Alignment(horizontal="left", vertical="top")
        if detail:
            self._merged_text(_C, detail, _DETAIL)
        self.row += 1

    def verdict(self, label: str, status: Status, sentence: str, text: str | None = None) -> None:
        """A verdict row: ``text`` (default: the status in capitals) styled as ``status``, then ``sentence``."""
        self._label(label)
        cell = at(self.ws, self.row, _B)
        put_text(cell, text or status.value.upper())
        status_style(cell, status)
        cell.font = font(12, bold=True, color=STATUS_COLOURS[status][1])
        cell.alignment = Alignment(horizontal="center", vertical="top")
        self._merged_text(_C, sentence, _DETAIL)
        self.row += 1

    def header(self, titles: list[str]) -> None:
        for j, title in enumerate(titles):
            cell = at(self.ws, self.row, j + 1)
            put_text(cell, title)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.border = HEADER_BORDER
        self.row += 1


def _exit_words(checks: CheckSet) -> tuple[int, str]:
    code = checks.exit_code(FailOn.FLAGGED)
    if code:
        words = "exit 1: at least one deciding entity is flagged (or is itself a home entity) under a rule in force"
    else:
        words = "exit 0: no deciding entity is flagged or a home entity under a rule in force"
        if checks.exit_code(FailOn.POSSIBLE):
            words += "; with --fail-on possible it would be exit 1, as at least one is possible"
    return code, words + " (with the default --fail-on flagged; exit 2 means the input could not be used)"


def _rule_block(form: _Form, policy: Policy, several: bool) -> None:
    form.section(f"Rule: {policy.name}" if several else "Rule applied")
    form.text("Rule", policy.name)
    if policy.description:
        form.text("Description", policy.description)
    if policy.source:
        form.text("Source", policy.source)
    form.value(
        "Threshold",
        policy.threshold,
        "pct",
        f"{policy.comparison.words} {pct_text(policy.threshold)} ({policy.comparison.value}) flags an entity",
    )
    form.text("Deciding figure", _METHOD_WORDS[policy.method])
    form.text("Home basis", _HOME_WORDS[policy.home])
    form.value(
        "Pass-through",
        policy.pass_threshold,
        "pct",
        f"an intermediary passes taint on when tainted holders hold {policy.pass_comparison.words} "
        f"{pct_text(policy.pass_threshold)} of it",
    )
    form.text(
        "Aggregate",
        "yes: the stakes of different home parties are added together"
        if policy.aggregate
        else "no: each home party (or group acting jointly) is assessed alone",
    )
    form.text("Weights", policy.weights.value)
    form.text("Control rows", policy.control.value)
    form.text("Watched jurisdictions", ", ".join(sorted(policy.jurisdictions)) or "none")
    if policy.watchlist:
        labels = ", ".join(sorted({w.label for w in policy.watchlist}))
        form.text("Watch lists", f"{labels} ({len(policy.watchlist)} entries)")
    if policy.label_order:
        form.text("Label order", ", ".join(policy.label_order))
    form.value("As-of date", policy.as_of, "date")
    form.value("In force", policy.in_force, "flag", policy.note)
    form.text("In one line", rule_summary(policy))


def headline(result: CheckResult) -> str:
    """What decides, in capitals, as the terminal's headline says it (FLAGGED, HOME ENTITIES PRESENT...)."""
    return headline_words(deciding_counts(result))


def write_summary(ws: Worksheet, checks: CheckSet, generated_at: datetime) -> None:
    """The Summary sheet. ``generated_at`` is shown as ISO 8601 with its time zone."""
    result: CheckResult = checks.primary
    several = len(checks.results) > 1
    for column, width in _WIDTHS.items():
        ws.column_dimensions[column].width = width
    ws.sheet_view.showGridLines = False
    form = _Form(ws)
    rules = ", ".join(checks.names)
    form.title(
        "Ownership exposure report",
        f"{result.source.path}: checked under {'rules' if several else 'rule'} {rules} as of "
        f"{result.policy.as_of.isoformat()}; generated {generated_at.isoformat()}",
    )

    form.section("Verdict")
    for r in checks.results:
        sentence = verdict_sentence(r).split(": ", 1)[-1]
        if not r.policy.in_force:
            sentence += f" (not in force: {r.policy.note}; decides nothing)"
        # The section is "Verdict"; its rows say the outcome per rule (not "Verdict" a second time).
        form.verdict(f"Outcome ({r.policy.name})" if several else "Outcome", r.overall(), sentence, headline(r))
    code, words = _exit_words(checks)
    form.value("Exit code", code, "count", words)
    if several:
        form.value(
            "Rules disagree",
            len(checks.disagreements()),
            "count",
            "entities whose status differs between the rules in force (see 'rules disagree' on Entities)",
        )
    form.skip()

    form.section("Entities by status")
    form.header(["rule", "entities", *(s.value for s in Status)])
    for j, status in enumerate(Status, start=3):
        status_style(at(ws, form.row - 1, j), status)
    for r in checks.results:
        counts = r.counts()
        put_text(at(ws, form.row, 1), r.policy.name)
        put(at(ws, form.row, 2), len(r.verdicts), "count")
        for j, status in enumerate(Status, start=3):
            put(at(ws, form.row, j), counts[status], "count")
        form.row += 1
    form.skip()

    form.section("Entities that decide the exit code")
    if result.targets:
        for n, target in enumerate(result.targets):
            form.text("Named with --entity" if n == 0 else "", f"{target}: {result.verdict(target).entity.name}")
    else:
        form.text("Deciding", f"all {len(result.verdicts)} entities (none named with --entity)")
    form.skip()

    form.section("Input")
    form.text("File", result.source.path)
    form.text("Format", result.source.format)
    form.text("SHA-256", result.source.sha256, Font(name="Consolas", size=10))
    form.value(
        "Holdings read",
        len(result.holdings),
        "count",
        f"{result.holdings_used} evaluated: in force on {result.policy.as_of.isoformat()} "
        "(every holding is listed on 'Holdings as read')",
    )
    warnings = len({w for r in checks.results for w in r.warnings})
    form.value("Warnings", warnings, "count", "listed on the Warnings sheet" if warnings else "none")
    form.skip()

    form.section("This report")
    form.text("Tool", "exposure")
    form.text("Version", tool_version())
    form.text("Generated at", generated_at.isoformat())
    form.skip()

    for r in checks.results:
        _rule_block(form, r.policy, several)
        form.skip()

    form.section("Sheets in this workbook")
    for name, what in SHEETS:
        form.text(name, what)

    print_setup(ws)
    ws.print_area = f"A1:G{form.row - 1}"
