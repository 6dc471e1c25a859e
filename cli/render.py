"""Terminal rendering with rich: the verdict first, then the entities that matter, then the warnings."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ownership.model import Method
from ownership.reports.common import interval_text, rule_summary, verdict_sentence
from ownership.result import CheckResult, CheckSet, EntityVerdict, Status

STYLE = {
    Status.HOME: "bold magenta",
    Status.FLAGGED: "bold red",
    Status.POSSIBLE: "yellow",
    Status.CLEAR: "green",
}

#: Rows shown in the terminal table; the rest are counted (a full list goes to -o FILE).
MAX_ROWS = 200


def render_table(result: CheckResult, console: Console) -> None:
    overall = result.overall()
    console.print(Text(verdict_sentence(result), style=STYLE[overall]))
    policy = result.policy
    console.print(
        f"input {result.source.path} | as of {policy.as_of.isoformat()} | {result.holdings_used} holdings used",
        style="dim",
        markup=False,
    )
    console.print(rule_summary(policy), style="dim", markup=False)
    if not policy.in_force:
        console.print(f"NOT IN FORCE: {policy.note}", style="bold yellow", markup=False)
    table = Table(show_lines=False, header_style="bold", expand=False)
    table.add_column("status")
    table.add_column("entity", overflow="fold")
    table.add_column("country")
    table.add_column("cascade", justify="right")
    table.add_column("look-through", justify="right")
    table.add_column("reason", overflow="fold", ratio=1)
    rows = result.ordered()
    for v in rows[:MAX_ROWS]:
        country = v.entity.jurisdiction or "?"
        if v.entity.headquarters and v.entity.headquarters != v.entity.jurisdiction:
            country += f"/HQ {v.entity.headquarters}"
        name = v.entity.id if v.entity.name == v.entity.id else f"{v.entity.id}\n[dim]{v.entity.name}[/dim]"
        if result.targets and v.decides:
            name = f"[bold]{name}[/bold]"
        reason = v.reason + "".join(f"\n[yellow]! {flag}[/yellow]" for flag in v.red_flags)
        status = Text(v.status.value, style=STYLE[v.status])
        if v.labels and v.status is not Status.HOME:
            status.append(f"\n{', '.join(v.labels)}", style="dim")
        table.add_row(
            status,
            name,
            country,
            interval_text(v.cascade),
            interval_text(v.lookthrough),
            reason,
        )
    console.print(table)
    if len(rows) > MAX_ROWS:
        console.print(f"[dim]... and {len(rows) - MAX_ROWS} more entities (write them all with -o report.csv)[/dim]")


def render_warnings(checks: CheckResult | CheckSet, console: Console, limit: int = 50) -> None:
    """Warnings on stderr, each once even when several rules raised it."""
    warnings = list(dict.fromkeys(w for r in CheckSet.of(checks).results for w in r.warnings))
    if not warnings:
        return
    console.print(f"[yellow]{len(warnings)} warning{'s' if len(warnings) != 1 else ''}:[/yellow]")
    for w in warnings[:limit]:
        line = Text("  ")
        line.append(w.code, style="yellow")
        line.append(f" {w.where.cell()}: " if w.where else " ")
        line.append(w.message)
        console.print(line)
    if len(warnings) > limit:
        console.print(f"  ... and {len(warnings) - limit} more (all of them are in --format json)")


def _deciding(v: EntityVerdict, method: Method) -> str:
    if method is Method.LOOKTHROUGH:
        return interval_text(v.lookthrough)
    if method is Method.EITHER:
        return f"{interval_text(v.cascade)} / {interval_text(v.lookthrough)}"
    return interval_text(v.cascade)


def render_comparison(checks: CheckSet, console: Console) -> None:
    """Several rules side by side: one line per rule, then a status column per rule, disagreements first."""
    for r in checks.results:
        line = Text(f"{r.policy.name}: ", style="bold")
        line.append(verdict_sentence(r), style=STYLE[r.overall()] if r.policy.in_force else "dim")
        if not r.policy.in_force:
            line.append(f"  [NOT IN FORCE: {r.policy.note}]", style="bold yellow")
        console.print(line)
    primary = checks.primary
    differ = checks.disagreements()
    console.print(
        f"[dim]input {primary.source.path} | as of {primary.policy.as_of.isoformat()} | "
        f"the rules disagree on {len(differ)} of {len(primary.verdicts)} entities[/dim]"
    )
    table = Table(header_style="bold")
    table.add_column("entity", overflow="fold")
    table.add_column("country")
    for r in checks.results:
        figure = {Method.CASCADE: "cascade", Method.LOOKTHROUGH: "look-through", Method.EITHER: "casc. / l-t"}
        title = f"{r.policy.name}\n{r.policy.comparison.symbol}{r.policy.threshold * 100:g}% {figure[r.policy.method]}"
        table.add_column(title, justify="right")
    table.add_column("agree", justify="center")
    differing = set(differ)
    order = sorted(
        range(len(primary.verdicts)),
        key=lambda i: (i not in differing, not primary.verdicts[i].decides, primary.verdicts[i].status.rank),
    )
    for i in order[:MAX_ROWS]:
        v = primary.verdicts[i]
        country = v.entity.jurisdiction or "?"
        if v.entity.headquarters and v.entity.headquarters != v.entity.jurisdiction:
            country += f"/HQ {v.entity.headquarters}"
        cells: list[Text | str] = [v.entity.id, country]
        for r in checks.results:
            rv = r.verdicts[i]
            cell = Text(rv.status.value, style=STYLE[rv.status] if r.policy.in_force else "dim")
            cell.append(f"\n{_deciding(rv, r.policy.method)}", style="dim")
            cells.append(cell)
        cells.append(Text("no", style="bold yellow") if i in differing else "yes")
        table.add_row(*cells)
    console.print(table)
    if len(order) > MAX_ROWS:
        console.print(f"[dim]... and {len(order) - MAX_ROWS} more entities (write them all with -o report.csv)[/dim]")
