"""Terminal rendering with rich: the verdict first, then the entities that matter, then the warnings.

A small input is shown in full. A registry of a million entities cannot be: its table would scroll for
minutes, and building every verdict's reasons takes longer than the check. Above ``MAX_ROWS`` entities the
terminal gets the counts per status and the few entities that matter most, chosen from the result's figure
columns, and only the shown rows' verdicts are built; ``-o report.csv`` or ``.parquet`` has every entity.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cli.safe_text import visible, visible_markup
from ownership.errors import DataWarning
from ownership.model import Method
from ownership.reports.common import interval_text, rule_summary, verdict_sentence
from ownership.result import STATUSES, CheckResult, CheckSet, EntityVerdict, Figures, Interval, Status

STYLE = {
    Status.HOME: "bold magenta",
    Status.FLAGGED: "bold red",
    Status.POSSIBLE: "yellow",
    Status.CLEAR: "green",
}

#: Inputs up to this many entities are shown in full; larger ones as counts and their top entities.
MAX_ROWS = 200
#: Entities listed for a larger input: the flagged ones with the highest deciding figure.
TOP_ROWS = 20

_FLAGGED = STATUSES.index(Status.FLAGGED)
_POSSIBLE = STATUSES.index(Status.POSSIBLE)
_RANKS = np.array([s.rank for s in STATUSES], dtype=np.int8)
_BULK_HINT = "write them all with -o report.csv or -o report.parquet"

IndexArray = npt.NDArray[np.int64]


def render_table(result: CheckResult, console: Console, *, wide: bool = False) -> None:
    """The verdict, the rule, then every entity (up to ``MAX_ROWS`` entities) or the counts per status and
    the top flagged entities (larger inputs).

    The table fits the console's width: one line per entity name (ellipsised), the reason shortened to
    ``REASON_LINES`` lines at word ends (the full reason is in ``explain`` and the reports); ``wide`` shows
    everything in full."""
    overall = result.overall()
    console.print(Text(visible(verdict_sentence(result)), style=STYLE[overall]))
    policy = result.policy
    where = f"input {result.source.path} | as of {policy.as_of.isoformat()} | {result.holdings_used} holdings used"
    console.print(
        visible(where),
        style="dim",
        markup=False,
    )
    console.print(visible(rule_summary(policy)), style="dim", markup=False)
    if not policy.in_force:
        console.print(f"NOT IN FORCE: {policy.note}", style="bold yellow", markup=False)
    if len(result.verdicts) > MAX_ROWS:
        _render_large(result, console, wide)
        return
    rows = list(result.ordered())
    fit = None if wide else _fit(rows, console.width)
    table = _verdict_table(fit=fit)
    for v in rows:
        _add_verdict_row(table, v, result, fit)
    console.print(table)
    if fit is not None and any(len(_reason(v)) > len(_short(_reason(v), fit.reason)) for v in rows):
        console.print("[dim]reasons shortened: `exposure explain INPUT ID` or --wide shows them in full[/dim]")


#: The longest entity id or name the fitted table shows before an ellipsis.
ENTITY_WIDTH = 16
#: The most lines a reason takes in the fitted table.
REASON_LINES = 2
#: The narrowest reason column, however narrow the terminal.
MIN_REASON = 16


@dataclass(frozen=True)
class _Fit:
    """Widths of the fitted table's entity and reason columns (characters)."""

    entity: int
    reason: int


def _fit(rows: list[EntityVerdict], width: int) -> _Fit:
    def widest(header: str, texts: list[str]) -> int:
        return max([len(header), *(len(t) for t in texts)])

    entity = min(ENTITY_WIDTH, widest("entity", [_label(v) for v in rows]))
    fixed = [
        widest("status", [v.status.value for v in rows]),
        entity,
        widest("country", [_country(v) for v in rows]),
        widest("cascade", [_compact(v.cascade) for v in rows]),
        widest("look-through", [_compact(v.lookthrough) for v in rows]),
    ]
    # Six columns two spaces apart (box.SIMPLE_HEAD without its edge, paddings collapsed): 5 * 2.
    return _Fit(entity, max(MIN_REASON, width - sum(fixed) - 10))


def _compact(iv: Interval) -> str:
    """An interval as few characters as it can take: "56-64%", "100%"."""
    text = interval_text(iv)
    low, sep, high = text.partition(" - ")
    return f"{low.removesuffix('%')}-{high}" if sep else text


def _label(v: EntityVerdict) -> str:
    # One line per entity: its id, which `explain` takes; the name is in --wide and the reports.
    return visible(v.entity.id)


def _reason(v: EntityVerdict) -> str:
    return visible(v.reason)


def _short(text: str, width: int, lines: int = REASON_LINES) -> str:
    """``text`` in at most ``lines`` lines of ``width``, broken at spaces only, with an ellipsis where it is
    cut; a word longer than a line is left for the table to ellipsise, never split."""
    import textwrap

    wrapped = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    if len(wrapped) <= lines:
        return "\n".join(wrapped)
    kept = wrapped[:lines]
    last = kept[-1]
    while len(last) + 1 > width and " " in last:
        last = last.rsplit(" ", 1)[0]
    kept[-1] = last.rstrip(",;:") + "…"
    return "\n".join(kept)


def _verdict_table(title: str | None = None, fit: _Fit | None = None) -> Table:
    if fit is None:
        table = Table(title=title, title_justify="left", show_lines=False, header_style="bold", expand=False)
        table.add_column("status")
        table.add_column("entity", overflow="fold")
        table.add_column("country")
        table.add_column("cascade", justify="right")
        table.add_column("look-through", justify="right")
        table.add_column("reason", overflow="fold", ratio=1)
        return table
    from rich import box

    table = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
        header_style="bold",
        expand=False,
    )
    table.add_column("status", no_wrap=True)
    table.add_column("entity", no_wrap=True, overflow="ellipsis", max_width=fit.entity)
    table.add_column("country", no_wrap=True)
    table.add_column("cascade", justify="right", no_wrap=True)
    table.add_column("look-through", justify="right", no_wrap=True)
    table.add_column("reason", no_wrap=True, overflow="ellipsis", width=fit.reason)
    return table


def _add_verdict_row(table: Table, v: EntityVerdict, result: CheckResult, fit: _Fit | None = None) -> None:
    status = Text(v.status.value, style=STYLE[v.status])
    figures = (_country(v), interval_text(v.cascade), interval_text(v.lookthrough))
    if fit is not None:
        figures = (_country(v), _compact(v.cascade), _compact(v.lookthrough))
        name = Text(_label(v), style="bold" if result.targets and v.decides else "")
        flags = [visible(flag) for flag in v.red_flags]
        reason = Text(_short(_reason(v), fit.reason, REASON_LINES - 1 if flags else REASON_LINES))
        if flags:
            more = f" (+{len(flags) - 1})" if len(flags) > 1 else ""
            reason.append("\n" + _short(f"! {flags[0]}{more}", fit.reason, 1), style="yellow")
        table.add_row(status, name, *figures, reason)
        return
    entity_id, entity_name = visible_markup(v.entity.id), visible_markup(v.entity.name)
    label = entity_id if v.entity.name == v.entity.id else f"{entity_id}\n[dim]{entity_name}[/dim]"
    if result.targets and v.decides:
        label = f"[bold]{label}[/bold]"
    text = visible_markup(v.reason) + "".join(f"\n[yellow]! {visible_markup(flag)}[/yellow]" for flag in v.red_flags)
    if v.labels and v.status is not Status.HOME:
        status.append(f"\n{visible(', '.join(v.labels))}", style="dim")
    table.add_row(status, label, *figures, text)


def _country(v: EntityVerdict) -> str:
    country = v.entity.jurisdiction or "?"
    if v.entity.headquarters and v.entity.headquarters != v.entity.jurisdiction:
        country += f"/HQ {v.entity.headquarters}"
    return country


def _render_large(result: CheckResult, console: Console, wide: bool = False) -> None:
    """Counts per status, then the named entities (with --entity) or the top flagged ones."""
    figures = result.figures
    total = len(result.verdicts)
    deciding = int(figures.decides.sum())
    summary = Table(header_style="bold", expand=False)
    summary.add_column("status")
    summary.add_column("entities", justify="right")
    summary.add_column("share", justify="right")
    if result.targets:
        summary.add_column("named", justify="right")
    for status, count in result.counts().items():
        cells: list[Text | str] = [Text(status.value, style=STYLE[status]), f"{count:,}", f"{count / total:.1%}"]
        if result.targets:
            code = STATUSES.index(status)
            cells.append(f"{int(np.count_nonzero(figures.decides & (figures.status == code))):,}")
        summary.add_row(*cells)
    summary.add_row("total", f"{total:,}", "100.0%", *([f"{deciding:,}"] if result.targets else []), style="bold")
    console.print(summary)

    if result.targets:
        shown = figures.order()[: min(deciding, MAX_ROWS)]
        title = (
            "the named entities" if shown.size == deciding else f"the first {shown.size} of {deciding:,} named entities"
        )
    else:
        shown = top_flagged(figures, result.policy.method, TOP_ROWS)
        title = _top_title(figures, shown, result.policy.method)
    if not shown.size:
        console.print(f"[dim]no deciding entity is flagged or possible; {_BULK_HINT}[/dim]")
        return
    listed = [result.verdicts[i] for i in shown.tolist()]
    fit = None if wide else _fit(listed, console.width)
    table = _verdict_table(title, fit)
    for v in listed:
        _add_verdict_row(table, v, result, fit)
    console.print(table)
    rest = total - int(shown.size)
    console.print(
        f"[dim]... and {rest:,} more entities not listed ({_rest_counts(figures, shown)}); {_BULK_HINT}[/dim]"
    )


def deciding_figure(figures: Figures, method: Method, high: bool = False) -> npt.NDArray[np.float64]:
    """The figure that decides each entity's status under ``method`` (fractions 0..1): the cascade or the
    look-through figure, or the larger of the two under ``either``; low bounds unless ``high``."""
    return figures.deciding(method, high)


def top_flagged(figures: Figures, method: Method, limit: int) -> IndexArray:
    """Up to ``limit`` deciding entities: the flagged ones with the highest deciding figure (low bound)
    first, then, if room is left, the possible ones with the highest deciding high bound; ties in input
    order."""
    chosen: list[IndexArray] = []
    room = limit
    for code, high in ((_FLAGGED, False), (_POSSIBLE, True)):
        if room <= 0:
            break
        candidates = np.flatnonzero(figures.decides & (figures.status == code))
        figure = deciding_figure(figures, method, high)[candidates]
        # A stable sort on the negated figure keeps input order among equal figures.
        best = candidates[np.argsort(-figure, kind="stable")[:room]]
        chosen.append(best.astype(np.int64))
        room -= int(best.size)
    return np.concatenate(chosen) if chosen else np.empty(0, dtype=np.int64)


def _top_title(figures: Figures, shown: IndexArray, method: Method) -> str:
    figure = {Method.CASCADE: "cascade", Method.LOOKTHROUGH: "look-through", Method.EITHER: "cascade or look-through"}
    flagged = int(np.count_nonzero(figures.status[shown] == _FLAGGED))
    parts = []
    possible = int(shown.size) - flagged
    if flagged:
        parts.append(f"the {flagged} flagged {_entities(flagged)} with the highest {figure[method]} figure")
    if possible:
        parts.append(f"the {possible} possible {_entities(possible)} with the highest upper bound")
    return " and ".join(parts)


def _entities(count: int) -> str:
    return "entity" if count == 1 else "entities"


def _rest_counts(figures: Figures, shown: IndexArray) -> str:
    left = np.bincount(figures.status, minlength=len(STATUSES)) - np.bincount(
        figures.status[shown], minlength=len(STATUSES)
    )
    return ", ".join(f"{int(left[k]):,} {s.value}" for k, s in enumerate(STATUSES))


def render_warnings(checks: CheckResult | CheckSet, console: Console, limit: int = 50) -> None:
    """Warnings on stderr, each once even when several rules raised it."""
    render_warning_list([w for r in CheckSet.of(checks).results for w in r.warnings], console, limit)


def render_warning_list(found: Iterable[DataWarning], console: Console, limit: int = 50) -> None:
    """Warnings on stderr, each once, the first ``limit`` of them, then how many more (``--format json`` has
    them all)."""
    warnings = list(dict.fromkeys(found))
    if not warnings:
        return
    console.print(f"[yellow]{len(warnings)} warning{'s' if len(warnings) != 1 else ''}:[/yellow]")
    for w in warnings[:limit]:
        line = Text("  ")
        line.append(w.code, style="yellow")
        # The place as errors give it ("cap.xlsx, sheet 'Holdings', row 30, column C (Percent)").
        line.append(f" {visible(str(w.where))}: " if w.where else " ")
        line.append(visible(w.message))
        console.print(line)
    if len(warnings) > limit:
        console.print(f"  ... and {len(warnings) - limit} more (all of them are in --format json)")


def _deciding(v: EntityVerdict, result: CheckResult) -> str:
    return " / ".join(interval_text(figure) for figure in result.deciding_figures(v))


def comparison_order(checks: CheckSet) -> IndexArray:
    """Entity indices for the side-by-side table: where the rules disagree first, then deciding entities,
    then by the first rule's severity (flagged, home, possible, clear), then input order."""
    primary = checks.primary.figures
    differ = np.zeros(len(primary.status), dtype=np.bool_)
    differ[checks.disagreements()] = True
    order: IndexArray = np.lexsort((_RANKS[primary.status], ~primary.decides, ~differ)).astype(np.int64)
    return order


def render_comparison(checks: CheckSet, console: Console) -> None:
    """Several rules side by side: one line per rule, then a status column per rule, disagreements first
    (for more than ``MAX_ROWS`` entities: the counts per rule and the first ``TOP_ROWS`` of them)."""
    for r in checks.results:
        line = Text(f"{r.policy.name}: ", style="bold")
        line.append(verdict_sentence(r), style=STYLE[r.overall()] if r.policy.in_force else "dim")
        if not r.policy.in_force:
            line.append(f"  [NOT IN FORCE: {r.policy.note}]", style="bold yellow")
        console.print(line)
    primary = checks.primary
    differ = set(checks.disagreements())
    total = len(primary.verdicts)
    console.print(
        f"[dim]input {primary.source.path} | as of {primary.policy.as_of.isoformat()} | "
        f"the rules disagree on {len(differ)} of {total} entities[/dim]"
    )
    large = total > MAX_ROWS
    if large:
        _render_comparison_counts(checks, console)
    table = Table(header_style="bold")
    table.add_column("entity", overflow="fold")
    table.add_column("country")
    for r in checks.results:
        figure = {Method.CASCADE: "cascade", Method.LOOKTHROUGH: "look-through", Method.EITHER: "casc. / l-t"}
        title = f"{r.policy.name}\n{r.policy.comparison.symbol}{r.policy.threshold * 100:g}% {figure[r.policy.method]}"
        table.add_column(title, justify="right")
    table.add_column("agree", justify="center")
    shown = comparison_order(checks)[: TOP_ROWS if large else MAX_ROWS].tolist()
    for i in shown:
        v = primary.verdicts[i]
        cells: list[Text | str] = [v.entity.id, _country(v)]
        for r in checks.results:
            rv = r.verdicts[i]
            cell = Text(rv.status.value, style=STYLE[rv.status] if r.policy.in_force else "dim")
            cell.append(f"\n{_deciding(rv, r)}", style="dim")
            cells.append(cell)
        cells.append(Text("no", style="bold yellow") if i in differ else "yes")
        table.add_row(*cells)
    console.print(table)
    if total > len(shown):
        console.print(f"[dim]... and {total - len(shown):,} more entities not listed; {_BULK_HINT}[/dim]")


def _render_comparison_counts(checks: CheckSet, console: Console) -> None:
    table = Table(header_style="bold", expand=False)
    table.add_column("status")
    for r in checks.results:
        table.add_column(r.policy.name, justify="right")
    counts = [r.counts() for r in checks.results]
    for status in Status:
        table.add_row(Text(status.value, style=STYLE[status]), *(f"{c[status]:,}" for c in counts))
    console.print(table)
