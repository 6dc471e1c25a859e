"""A self-contained HTML audit report: one file with its CSS and the structure chart inline.

It references nothing outside itself (no fonts, scripts, images or style sheets by URL; a Content Security
Policy forbids loading any), reads on screen, and prints to PDF from a browser with its colours, repeated
table headers and every collapsed list opened.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from importlib.resources import files

from ownership.model import Policy, pct_text
from ownership.model.countries import country_name
from ownership.reports.chart.structure import structure_chart
from ownership.reports.common import rule_summary, tool_version
from ownership.reports.html.blocks import EntityExplainer, esc, name_html, status_badge
from ownership.reports.html.tables import entities_table, holdings_table, policy_table, warnings_table
from ownership.reports.provenance import Provenance
from ownership.result import CheckResult, CheckSet, FailOn, Status

#: Entity sections written at most; the entities table still lists every entity.
MAX_SECTIONS = 200


def _css() -> str:
    return files("ownership.reports.html").joinpath("report.css").read_text(encoding="utf-8")


def _watched(policy: Policy) -> str:
    parts = [
        f"{code} ({country_name(code)})" if country_name(code) != code else code
        for code in sorted(policy.jurisdictions)
    ]
    lists = sorted({w.label for w in policy.watchlist})
    if lists:
        parts.append(f"parties on {', '.join(lists)}")
    return esc(" or ".join(parts) if len(parts) <= 2 else ", ".join(parts[:-1]) + " or " + parts[-1])


def _entities_word(n: int) -> str:
    return f"{n} entit{'y' if n == 1 else 'ies'}"


def headline(result: CheckResult) -> str:
    """The overall verdict of one rule in a plain sentence (HTML, user text escaped)."""
    policy = result.policy
    deciding = result.deciding()
    watched = _watched(policy)
    rule = f"{policy.comparison.words} {pct_text(policy.threshold)}"
    how = {"cascade": "cascade figure", "lookthrough": "look-through figure", "either": "either figure"}[
        policy.method.value
    ]
    scope = "named" if result.targets else "checked"
    overall = result.overall()
    if len(deciding) == 1 and result.targets:
        v = deciding[0]
        text = f"{name_html(v.entity.name)} is {v.status.value}: {esc(v.reason)}."
    elif overall is Status.FLAGGED:
        flagged = sum(v.status is Status.FLAGGED for v in deciding)
        home = sum(v.status is Status.HOME for v in deciding)
        parts = []
        if flagged:
            parts.append(f"{flagged} {'is' if flagged == 1 else 'are'} owned {rule} by {watched} ({how})")
        if home:
            parts.append(f"{home} {'is itself a home entity' if home == 1 else 'are themselves home entities'}")
        text = f"Of the {_entities_word(len(deciding))} {scope}, {' and '.join(parts)}."
    elif overall is Status.POSSIBLE:
        possible = sum(v.status is Status.POSSIBLE for v in deciding)
        text = (
            f"None of the {_entities_word(len(deciding))} {scope} is shown to be owned {rule} by {watched} "
            f"({how}), but the data cannot rule it out for {possible}: see what would settle it."
        )
    else:
        text = (
            f"None of the {_entities_word(len(deciding))} {scope} is owned {rule} by {watched} ({how}), "
            "even if every unknown belonged to them."
        )
    if not policy.in_force:
        why = f": {esc(policy.note)}" if policy.note else ""
        text += f" <b>Not in force on {policy.as_of.isoformat()}</b>{why}. It decides nothing."
    return text


def _banner(checks: CheckSet) -> str:
    live = [r for r in checks.results if r.policy.in_force] or list(checks.results)
    overall = min((r.overall() for r in live), key=lambda s: s.rank)
    if len(checks.results) == 1:
        what = f'<div class="what">{headline(checks.primary)}</div>'
    else:
        lines = [
            f'<p>{status_badge(r.overall())} <span class="rule-name">{esc(r.policy.name)}</span>: {headline(r)}</p>'
            for r in checks.results
        ]
        what = '<div class="what">' + "".join(lines) + "</div>"
    quiet = "" if checks.primary.policy.in_force or len(checks.results) > 1 else " not-in-force"
    return f'<div class="banner {overall.value}{quiet}"><div class="word">{overall.value.upper()}</div>{what}</div>'


def _exit_text(checks: CheckSet) -> str:
    result = checks.primary
    if result.targets:
        named = ", ".join(name_html(result.verdict(t).entity.name) for t in result.targets[:10])
        more = f" and {len(result.targets) - 10} more" if len(result.targets) > 10 else ""
        verb = "decides" if len(result.targets) == 1 else "decide"
        deciding = f"The {_entities_word(len(result.targets))} named with --entity {verb} it ({named}{more})."
    else:
        deciding = f"All {_entities_word(len(result.verdicts))} decide it (no --entity was given)."
    codes = {f: checks.exit_code(f) for f in FailOn}
    return (
        f"{deciding} The exit code is 1 when a deciding entity is flagged or home under a rule in force: here "
        f"<b>{codes[FailOn.FLAGGED]}</b> with the default <code>--fail-on flagged</code>, "
        f"<b>{codes[FailOn.POSSIBLE]}</b> with <code>--fail-on possible</code> (possible counts too), "
        f"<b>{codes[FailOn.NEVER]}</b> with <code>--fail-on never</code>."
    )


def _counts(result: CheckResult) -> str:
    counts = result.counts()
    chips = [f"{status_badge(s)} <span class='n'>{counts[s]}</span>" for s in sorted(Status, key=lambda s: s.rank)]
    return '<span class="counts">' + " ".join(f"<span>{c}</span>" for c in chips) + "</span>"


def _summary(checks: CheckSet, generated_at: datetime, provenance: Provenance | None = None) -> str:
    result = checks.primary
    source = result.source
    several = len(checks.results) > 1
    when = generated_at.isoformat(sep=" ", timespec="seconds")
    if generated_at.tzinfo is None:
        when += " (local time)"
    rules = []
    for r in checks.results:
        p = r.policy
        force = "" if p.in_force else ' <span class="tag">not in force</span>'
        described = f": {esc(p.description)}" if p.description else ""
        rules.append(
            f'<div class="rule"><b>{esc(p.name)}</b>{force}{described}'
            f'<br><span class="small">{esc(rule_summary(p))}</span>'
            + (f'<br><span class="small warn">Not in force: {esc(p.note)}</span>' if not p.in_force else "")
            + (f'<br><span class="small muted">Source: <cite>{esc(p.source)}</cite></span>' if p.source else "")
            + "</div>"
        )
    counts = "".join(
        f'<div class="counts-row">{"<b>" + esc(r.policy.name) + "</b> " if several else ""}{_counts(r)}</div>'
        for r in checks.results
    )
    rows = [
        ("Input file", f'<span class="wrap" dir="auto">{esc(source.path)}</span>'),
        ("Format", esc(source.format)),
        ("SHA-256", f'<code class="wrap">{esc(source.sha256)}</code>'),
        *(
            (
                esc(f.role.capitalize()),
                f'<span class="wrap" dir="auto">{esc(f.absolute)}</span><br>SHA-256 '
                f'<code class="wrap">{esc(f.sha256)}</code>'
                + (f'<br><span class="small">settings: {esc(", ".join(f.keys))}</span>' if f.keys else ""),
            )
            for f in (provenance.files if provenance is not None else ())
        ),
        ("Tool", f"exposure {esc(tool_version())}"),
        ("Generated", esc(when)),
        ("As of", esc(result.policy.as_of.isoformat())),
        ("Watched", _watched(result.policy)),
        ("Rule" + ("s" if several else ""), "".join(rules)),
        ("Entities", f"{len(result.verdicts)} entities, {result.holdings_used} holdings evaluated{counts}"),
        ("Exit code", _exit_text(checks)),
    ]
    return '<dl class="summary">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl>"


def _chart(checks: CheckSet) -> str:
    """The structure chart (it draws its own legend and says what it left out), and a caption counting it."""
    result = checks.primary
    chart = structure_chart(result, focus=result.targets)
    if chart.left_out:
        counted = (
            f"{chart.shown} of {len(result.verdicts)} entities drawn, {chart.left_out} left out: {esc(chart.note)}"
        )
    else:
        counted = f"All {chart.shown} entities drawn; every line is a holding in force on the as-of date."
    if len(checks.results) > 1:
        counted += f" Boxes are coloured by their status under rule {esc(result.policy.name)}."
    return f'<figure class="chart">{chart.svg}<figcaption>{counted}</figcaption></figure>'


def _order(checks: CheckSet) -> list[int]:
    """Entity indices: the result's order (deciding first, then by severity, then by id), with the entities
    where the rules disagree moved ahead within each rank."""
    result = checks.primary
    disagree = set(checks.disagreements()) if len(checks.results) > 1 else set()
    return sorted(
        result.figures.order().tolist(),
        key=lambda i: (not result.verdicts[i].decides, i not in disagree, result.verdicts[i].status.rank),
    )


def _explained(checks: CheckSet, order: Sequence[int]) -> list[int]:
    """The entities that get a section: flagged or possible under any rule, and those named with --entity."""
    result = checks.primary
    wanted = []
    for i in order:
        statuses = {r.verdicts[i].status for r in checks.results}
        named = bool(result.targets) and result.verdicts[i].decides
        if named or statuses & {Status.FLAGGED, Status.POSSIBLE}:
            wanted.append(i)
    return wanted


def _owners(result: CheckResult) -> str:
    """The Owners section for the entities named with --entity (empty without them)."""
    from ownership.analysis.owners import owners_of_targets
    from ownership.reports.html.owners import owners_section

    return owners_section(owners_of_targets(result))


def render_html(results: CheckResult | CheckSet, generated_at: datetime, provenance: Provenance | None = None) -> str:
    """The report as one HTML document (figures in percent); with several rules, a status column per rule.

    Args:
        results: one check, or the same data checked under several rules (the first is the primary one).
        generated_at: when the report is made, shown in its summary.
        provenance: the policy file and watch lists the run read; the summary lists each with its SHA-256,
            as it does the input.
    """
    checks = CheckSet.of(results)
    result = checks.primary
    order = _order(checks)
    explained = _explained(checks, order)
    anchors = {i: f"entity-{i}" for i in explained[:MAX_SECTIONS]}
    disagree = set(checks.disagreements()) if len(checks.results) > 1 else set()
    explainer = EntityExplainer(checks)
    sections = [explainer.section(i, anchors[i], i in disagree) for i in explained[:MAX_SECTIONS]]
    if len(explained) > MAX_SECTIONS:
        sections.append(
            f'<p class="muted">{len(explained) - MAX_SECTIONS} more entities are flagged or possible; the table '
            "above lists them and the JSON report explains every one.</p>"
        )
    if not sections:
        sections.append("<p>No entity is flagged or possible, and none was named with --entity.</p>")
    title = f"Ownership exposure report: {result.source.path}"
    body = [
        "<header>",
        "<h1>Ownership exposure report</h1>",
        f'<p class="subtitle" dir="auto">{esc(result.source.path)} · as of {result.policy.as_of.isoformat()}</p>',
        '<nav class="toc">Contents: <a href="#structure">structure</a> · <a href="#entities">entities</a> · '
        '<a href="#explanations">why</a> · <a href="#warnings">warnings</a> · <a href="#holdings">holdings</a> · '
        '<a href="#policy">policy</a></nav>',
        _banner(checks),
        _summary(checks, generated_at, provenance),
        "</header>",
        '<section id="structure"><h2>Ownership structure</h2>',
        _chart(checks),
        "</section>",
        f'<section id="entities"><h2>Entities ({len(result.verdicts)})</h2>',
        entities_table(checks, order, anchors),
        "</section>",
        f'<section id="explanations"><h2>Why: flagged, possible and named entities ({len(explained)})</h2>',
        *sections,
        "</section>",
        _owners(result),
        '<section id="warnings"><h2>Warnings</h2>',
        warnings_table(checks),
        "</section>",
        '<section id="holdings"><h2>Holdings as read</h2>',
        holdings_table(result),
        "</section>",
        '<section id="policy"><h2>Policy</h2>',
        policy_table(checks),
        "</section>",
        f"<footer>Made by exposure {esc(tool_version())} on {esc(generated_at.isoformat(timespec='seconds'))} "
        f"from {esc(result.source.path)} (SHA-256 {esc(result.source.sha256)}). The figures are computed from "
        "the input as read; this file loads nothing from elsewhere.</footer>",
    ]
    head = (
        '<meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        'img-src data:">'
        f'<meta name="generator" content="exposure {esc(tool_version())}">'
        f"<title>{esc(title)}</title><style>{_css()}</style>"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head>{head}</head>\n<body><main>\n'
        + "\n".join(body)
        + "\n</main></body></html>\n"
    )
