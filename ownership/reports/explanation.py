"""One entity's verdict explained for a newcomer: plain words first, then the derivation and the chains.

Used by ``exposure explain`` (terminal tree, Markdown, JSON). It reads the verdict the check made and never
recomputes a figure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ownership.model import Method, Policy, pct_text
from ownership.model.countries import country_name
from ownership.reports.common import chain_text, interval_text, policy_document, rest_text, tool_version
from ownership.reports.json_report import entity_document
from ownership.result import ChainBreakdown, CheckResult, EntityVerdict, Status

if TYPE_CHECKING:
    from rich.tree import Tree

#: How a status shows in the tree's headline on a terminal (plain text drops the styles).
STATUS_STYLE = {
    Status.HOME: "bold magenta",
    Status.FLAGGED: "bold red",
    Status.POSSIBLE: "bold yellow",
    Status.CLEAR: "green",
}


def watched_words(policy: Policy) -> str:
    """The watched set in words: "China (CN)", "China (CN) or Hong Kong (HK)", "parties on SDN"."""
    names = [f"{country_name(code)} ({code})" for code in sorted(policy.jurisdictions)]
    lists = sorted({w.label for w in policy.watchlist})
    if lists:
        names.append(f"parties on {', '.join(lists)}")
    return " or ".join(names) or "the watched parties"


def _method_words(policy: Policy) -> str:
    method = policy.method
    if method is Method.CASCADE:
        return (
            "the cascade method: a company that is itself tainted (home, or held "
            f"{policy.pass_comparison.words} {pct_text(policy.pass_threshold)} by tainted holders) passes on its "
            "whole stake"
        )
    if method is Method.LOOKTHROUGH:
        return "the look-through method: stakes are multiplied along each chain of ownership"
    return "either method: the cascade (tainted holders count in full) or the look-through (stakes multiplied)"


def plain_words(result: CheckResult, v: EntityVerdict) -> list[str]:
    """Paragraphs that say what the status means and why this entity has it, for someone new to the rule."""
    policy = result.policy
    e = v.entity
    who = f"{e.name} ({e.id})" if e.name and e.name != e.id else e.id
    watched = watched_words(policy)
    rule = f"{policy.comparison.words} {pct_text(policy.threshold)}"
    paragraphs = []
    if v.status is Status.HOME:
        paragraphs.append(
            f"{who} is a HOME entity: {v.reason.removeprefix('home entity: ')}. It is itself in the "
            f"watched set ({watched}), so everything it owns starts from it."
        )
    else:
        status_words = {
            Status.FLAGGED: "FLAGGED: the figure that decides is above the threshold even at its lowest",
            Status.POSSIBLE: "POSSIBLE: the data cannot rule it out; only the unknowns could push it over",
            Status.CLEAR: "CLEAR: even if every unknown belonged to the watched set it would not pass",
        }[v.status]
        paragraphs.append(
            f"{who} is {status_words}. Rule '{policy.name}' flags an entity when parties from {watched} own {rule} "
            "of it, "
            f"counted by {_method_words(policy)}."
        )
        paragraphs.append(f"Here: {v.reason}.")
        if v.derivation is not None and v.derivation.origins:
            starts = {s.entity: s for s in v.derivation.steps if s.home}
            named = []
            for origin in v.derivation.origins:
                step = starts.get(origin)
                label = f", {'/'.join(step.labels)}" if step is not None and step.labels else ""
                name = step.name if step is not None and step.name and step.name != origin else ""
                named.append(f"{origin} ({name}{label})" if name else f"{origin} ({label.lstrip(', ')})")
            paragraphs.append(
                "The taint comes from the home entities " + ", ".join(named) + ": a holder is tainted when it is "
                "one of them, or is itself held past the pass-through test by tainted holders (the steps below)."
            )
        look = v.lookthrough
        paragraphs.append(
            f"Cascade figure {interval_text(v.cascade)}; look-through figure {interval_text(look)} (the share of "
            f"its equity that ultimately belongs to {watched} when stakes are multiplied along every chain)."
            + (
                " Ranges mean the data leaves it open: the low end counts only what is known."
                if look.high - look.low > 1e-9 or v.cascade.high - v.cascade.low > 1e-9
                else ""
            )
        )
    if not policy.in_force:
        paragraphs.append(f"Note: rule '{policy.name}' is not in force on {policy.as_of.isoformat()}: {policy.note}")
    return paragraphs


def _chains_document(title: str, breakdown: ChainBreakdown | None) -> dict[str, Any] | None:
    if breakdown is None:
        return None
    lines = [chain_text(c) for c in breakdown.chains]
    rest = rest_text(breakdown)
    return {"title": title, "figure": pct_text(breakdown.figure), "lines": lines + ([rest] if rest else [])}


def sections(v: EntityVerdict) -> list[tuple[str, list[str]]]:
    """The reasons as titled lists of lines: derivation, chains at both bounds, what would settle it, notes."""
    found: list[tuple[str, list[str]]] = []
    if v.derivation is not None and v.derivation.steps:
        lines = [s.text for s in v.derivation.steps]
        if v.derivation.omitted:
            lines.insert(0, f"({v.derivation.omitted} earlier steps left out)")
        found.append(("How the cascade reaches it (in the order the rule finds it)", lines))
    for doc in (
        _chains_document("Look-through chains, largest first", v.chains),
        _chains_document("What the unknowns could add (high bound)", v.chains_high),
    ):
        if doc is not None:
            found.append((f"{doc['title']}: {doc['figure']}", doc["lines"]))
    if v.red_flags:
        found.append(("Control without equity", list(v.red_flags)))
    if v.uncertainty:
        found.append(("What would settle it", list(v.uncertainty)))
    if v.notes:
        found.append(
            (
                "Data warnings on its rows",
                [f"{w.code}{f' ({w.where.cell()})' if w.where else ''}: {w.message}" for w in v.notes],
            )
        )
    return found


def explanation_document(result: CheckResult, v: EntityVerdict) -> dict[str, Any]:
    """The explanation as plain data (``--format json``): the entity's report entry plus the words."""
    return {
        "schema": "exposure.explain/1",
        "tool": {"name": "exposure", "version": tool_version()},
        "input": {"path": result.source.path, "sha256": result.source.sha256, "format": result.source.format},
        "policy": policy_document(result.policy),
        "entity": entity_document(v),
        "explanation": plain_words(result, v),
        "sections": [{"title": t, "lines": lines} for t, lines in sections(v)],
    }


def render_explanation_markdown(result: CheckResult, v: EntityVerdict) -> str:
    """The explanation as Markdown, for a ticket."""
    e = v.entity
    lines = [f"# Why {e.id} is {v.status.value}", ""]
    lines += [*(p + "\n" for p in plain_words(result, v))]
    for title, items in sections(v):
        lines += [f"## {title}", ""]
        numbered = title.startswith("How the cascade")
        lines += [f"{k}. {item}" if numbered else f"- {item}" for k, item in enumerate(items, start=1)]
        lines.append("")
    lines.append(
        f"_Input `{result.source.path}` (SHA-256 `{result.source.sha256[:16]}...`), "
        f"as of {result.policy.as_of.isoformat()}, exposure {tool_version()}._"
    )
    return "\n".join(lines) + "\n"


def explanation_tree(result: CheckResult, v: EntityVerdict) -> Tree:
    """The explanation as a rich tree (what ``exposure explain`` prints): headline, plain words, then each
    section of reasons."""
    from rich.text import Text
    from rich.tree import Tree

    e = v.entity
    headline = Text()
    headline.append(f"{e.id}", style="bold")
    if e.name and e.name != e.id:
        headline.append(f"  {e.name}")
    place = "/".join(dict.fromkeys(c for c in (e.jurisdiction, e.headquarters) if c)) or "country unknown"
    headline.append(f"  ({place})  ")
    headline.append(v.status.value.upper(), style=STATUS_STYLE[v.status])
    headline.append(f"  under rule {result.policy.name}", style="dim")
    tree = Tree(headline)
    words = tree.add(Text("In plain words", style="bold"))
    for paragraph in plain_words(result, v):
        words.add(Text(paragraph))
    for title, lines in sections(v):
        branch = tree.add(Text(title, style="bold"))
        numbered = title.startswith("How the cascade")
        for k, line in enumerate(lines, start=1):
            branch.add(Text(f"{k}. {line}" if numbered else line))
    return tree


def explanation_text(result: CheckResult, v: EntityVerdict, width: int = 80) -> str:
    """The tree as plain text, lines wrapped at ``width`` characters, as ``exposure explain`` prints it to
    a file or a pipe (80 characters there unless ``COLUMNS`` says otherwise)."""
    from io import StringIO

    from rich.console import Console

    sink = StringIO()
    console = Console(file=sink, width=width, color_system=None, force_terminal=False, highlight=False)
    console.print(explanation_tree(result, v))
    return sink.getvalue()


__all__ = [
    "STATUS_STYLE",
    "explanation_document",
    "explanation_text",
    "explanation_tree",
    "plain_words",
    "render_explanation_markdown",
    "sections",
    "watched_words",
]
