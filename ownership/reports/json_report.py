"""The JSON report (schema ``exposure.check/1``, see the interface contract): keys are only ever added."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TextIO

from ownership.reports.common import PCT_DECIMALS, pct, policy_document, tool_version
from ownership.reports.provenance import Provenance, document
from ownership.result import ChainBreakdown, CheckResult, CheckSet, CodedTexts, Derivation, EntityVerdict, Interval

if TYPE_CHECKING:
    import numpy as np

SCHEMA = "exposure.check/1"


def _interval(iv: Interval) -> dict[str, float]:
    return {"low": pct(iv.low), "high": pct(iv.high)}


def entity_document(v: EntityVerdict) -> dict[str, Any]:
    """One entity's entry in the report (percentages 0..100)."""
    e = v.entity
    return {
        "id": e.id,
        "name": e.name,
        "type": e.type.value,
        "jurisdiction": e.jurisdiction,
        "headquarters": e.headquarters,
        "status": v.status.value,
        "cascade_pct": _interval(v.cascade),
        "lookthrough_pct": _interval(v.lookthrough),
        "decides": v.decides,
        "reason": v.reason,
        "home_countries": list(v.home_countries),
        "tainted_by": [
            {
                "holder": c.holder,
                "stake_pct": _interval(Interval(c.stake.low, c.stake.high)),
                "holder_home": c.holder_is_home,
                **({"declared_indirect": True} if c.declared else {}),
            }
            for c in v.tainted_by
        ],
        "red_flags": list(v.red_flags),
        "uncertainty": list(v.uncertainty),
        "labels": list(v.labels),
        "most_restrictive": v.most_restrictive,
        "reasons": _reasons(v.derivation),
        "reasons_omitted": v.derivation.omitted if v.derivation is not None else 0,
        "origins": list(v.derivation.origins) if v.derivation is not None else [],
        "chains": _chains(v.chains),
        "chains_high": _chains(v.chains_high),
        "notes": [
            {"code": w.code, "message": w.message, "where": w.where.cell() if w.where else None} for w in v.notes
        ],
    }


def _reasons(derivation: Derivation | None) -> list[dict[str, Any]] | None:
    """The cascade derivation, step by step (None when the entity was not explained in detail)."""
    if derivation is None:
        return None
    return [
        {
            "entity": s.entity,
            "round": s.round,
            "home": s.home,
            "labels": list(s.labels),
            "holders": [
                {
                    "holder": c.holder,
                    "stake_pct": _interval(Interval(c.stake.low, c.stake.high)),
                    "holder_home": c.holder_is_home,
                    **({"declared_indirect": True} if c.declared else {}),
                }
                for c in s.holders
            ],
            "total_pct": pct(s.total),
            **({"final": True} if s.final else {}),
            "tainted": s.tainted,
            "by_control": s.by_control,
            "text": s.text,
        }
        for s in derivation.steps
    ]


def _chains(breakdown: ChainBreakdown | None) -> dict[str, Any] | None:
    """The largest chains behind a look-through figure and the rest, which add up to the figure."""
    if breakdown is None:
        return None
    return {
        "figure_pct": pct(breakdown.figure),
        "listed": [
            {
                "kind": c.kind.value,
                "path": list(c.path),
                "stakes_pct": [pct(x) for x in c.stakes],
                "unallocated_pct": pct(c.unallocated),
                "share_pct": pct(c.share),
            }
            for c in breakdown.chains
        ],
        "rest_pct": pct(breakdown.rest),
        "searched_all": breakdown.searched_all,
    }


def _profile_entry(v: EntityVerdict) -> dict[str, Any]:
    return {
        "status": v.status.value,
        "cascade_pct": _interval(v.cascade),
        "lookthrough_pct": _interval(v.lookthrough),
        "labels": list(v.labels),
        "most_restrictive": v.most_restrictive,
        "reason": v.reason,
    }


def _summary(result: CheckResult) -> dict[str, Any]:
    counts = result.counts()
    return {
        "entities": len(result.verdicts),
        **{status.value: count for status, count in counts.items()},
        "verdict": result.overall().value,
        "holdings": result.holdings_used,
        "targets": list(result.targets),
    }


def _entity_order(result: CheckResult) -> list[int]:
    """Entity indices in report order: the deciding entities by severity, then the others by id (in input
    order only when the result has no id ranks, as verdicts given by hand)."""
    import numpy as np

    figures = result.figures
    order = figures.order()
    deciding = order[figures.decides[order]]
    rest = np.flatnonzero(~figures.decides)
    if figures.id_rank is not None:
        rest = rest[np.argsort(figures.id_rank[rest], kind="stable")]
    return [*deciding.tolist(), *rest.tolist()]


#: Entities worded from the columns at a time: enough that the column work costs little per entity.
_BATCH = 8_192


def detailed_mask(result: CheckResult) -> np.ndarray:
    """Which entities carry a full explanation (reasons, origins, chains, notes): those the check explained
    in detail (the first ``EXPLAIN_LIMIT`` in report order); every entity when the verdicts were given as
    objects, since those are built already."""
    import numpy as np

    found = getattr(result.verdicts, "detailed", None)
    if found is None:
        return np.ones(len(result.verdicts), dtype=np.bool_)
    mask: np.ndarray = np.asarray(found, dtype=np.bool_)
    return mask


def _entities(checks: CheckSet) -> Iterator[dict[str, Any] | str]:
    """Each entity's entry in report order, a batch at a time (a registry has millions): the entities
    explained in detail as data from their verdicts, every other one as JSON text made from the result's
    columns, with the contract's keys, its labels and each rule's outcome."""
    result = checks.primary
    order = _entity_order(result)
    detailed = detailed_mask(result)
    encoder = _Encoder(checks)
    for start in range(0, len(order), _BATCH):
        at = order[start : start + _BATCH]
        plain = encoder.lines(at)
        for k, i in enumerate(at):
            if detailed[i]:
                v = result.verdicts[i]
                entry = entity_document(v)
                # The primary rule's verdict is the one just built: building it again would double the work.
                entry["by_profile"] = {
                    r.policy.name: _profile_entry(v if r is result else r.verdicts[i]) for r in checks.results
                }
                yield entry
            else:
                yield plain[k]


class _Encoder:
    """Entity entries as JSON text straight from the columns: every value that repeats (types, countries,
    statuses, reasons, labels) encoded once, ids, names and figures per entity. The text is what
    ``json.dumps`` gives for the same entry as data (``entity_document``'s values for the keys it has)."""

    def __init__(self, checks: CheckSet) -> None:
        import numpy as np

        from ownership.model.tables import ENTITY_TYPES
        from ownership.result import STATUSES

        self.checks = checks
        table = checks.primary.verdicts.entities
        self.table = table
        self.types = [_text(t.value) for t in ENTITY_TYPES]
        self.countries = [*(_text(c) for c in table.countries), "null"]  # code -1 (no country) picks the last
        self.statuses = [_text(s.value) for s in STATUSES]
        self.labels: list[tuple[list[str], list[str], CodedTexts, CodedTexts]] = []
        # Each rule's figures as report percentages, worked out once (a figure column may be computed).
        self.figures: list[list[np.ndarray]] = [
            [
                r.figures.status,
                *(
                    np.round(values * 100.0, PCT_DECIMALS) + 0.0
                    for values in (
                        r.figures.cascade_low,
                        r.figures.cascade_high,
                        r.figures.lookthrough_low,
                        r.figures.lookthrough_high,
                    )
                ),
            ]
            for r in checks.results
        ]
        for r in checks.results:
            labels, ranked = r.verdicts.label_columns()
            self.labels.append(
                (
                    [_dumps(text.split("; ") if text else []) for text in labels.values],
                    [_text(text) if text else "null" for text in ranked.values],
                    labels,
                    ranked,
                )
            )

    def lines(self, at: list[int]) -> list[str]:
        """The entries of the entities ``at`` (indices, in that order) as JSON text."""
        from json.encoder import encode_basestring

        import numpy as np

        result = self.checks.primary
        index = np.asarray(at, dtype=np.int64)
        table = self.table
        given_ids = table.arrow_ids
        ids = given_ids.take(index).to_pylist() if given_ids is not None else [table.ids[i] for i in at]
        given = table.arrow_names
        names = given.take(index).to_pylist() if given is not None else [table.names[i] for i in at]
        types, countries = self.types, self.countries
        profiles = [self._profile(r, index, k) for k, r in enumerate(self.checks.results)]
        own = profiles[0]
        keys = [_text(r.policy.name) for r in self.checks.results]
        lines = []
        for k, (entity_id, name, kind, home, seat, decides) in enumerate(
            zip(
                ids,
                names,
                table.types[index].tolist(),
                table.jurisdiction[index].tolist(),
                table.headquarters[index].tolist(),
                result.figures.decides[index].tolist(),
                strict=True,
            )
        ):
            status, figures, labels, ranked, reason = own[k]
            by_profile = ", ".join(
                f"{key}: {{{_profile_text(*found[k])}}}" for key, found in zip(keys, profiles, strict=True)
            )
            lines.append(
                f'{{"id": {encode_basestring(entity_id)}, '
                f'"name": {"null" if name is None else encode_basestring(name)}, '
                f'"type": {types[kind]}, "jurisdiction": {countries[home]}, "headquarters": {countries[seat]}, '
                f'"status": {status}, {figures}, "decides": {"true" if decides else "false"}, '
                f'"reason": {reason}, "labels": {labels}, "most_restrictive": {ranked}, '
                f'"by_profile": {{{by_profile}}}}}'
            )
        return lines

    def _profile(self, result: CheckResult, index: np.ndarray, k: int) -> list[tuple[str, str, str, str, str]]:
        """Per entity of ``index`` under one rule: status, the two figures' keys, labels, most restrictive
        and reason, each as JSON text."""

        status, cascade_low, cascade_high, lookthrough_low, lookthrough_high = self.figures[k]

        def percent(values: np.ndarray) -> list[str]:
            return [repr(x) for x in values[index].tolist()]

        label_texts, ranked_texts, labels, ranked = self.labels[k]
        reasons = result.verdicts.reasons_of(index)
        reason_texts = [_text(text) for text in reasons.values]
        statuses = self.statuses
        return [
            (
                statuses[s],
                f'"cascade_pct": {{"low": {cl}, "high": {ch}}}, "lookthrough_pct": {{"low": {ll}, "high": {lh}}}',
                label_texts[lc],
                ranked_texts[rc],
                reason_texts[code],
            )
            for s, cl, ch, ll, lh, lc, rc, code in zip(
                status[index].tolist(),
                percent(cascade_low),
                percent(cascade_high),
                percent(lookthrough_low),
                percent(lookthrough_high),
                labels.codes[index].tolist(),
                ranked.codes[index].tolist(),
                reasons.codes.tolist(),
                strict=True,
            )
        ]


def _profile_text(status: str, figures: str, labels: str, ranked: str, reason: str) -> str:
    """``_profile_entry``'s keys as JSON text (without the braces)."""
    return f'"status": {status}, {figures}, "labels": {labels}, "most_restrictive": {ranked}, "reason": {reason}'


def _text(value: str) -> str:
    """A string as JSON text (as ``json.dumps`` writes it here: non-ASCII characters kept)."""
    from json.encoder import encode_basestring

    found: str = encode_basestring(value)
    return found


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _warnings(checks: CheckSet) -> list[dict[str, Any]]:
    warnings: dict[tuple[str, str, str | None], None] = {}
    for r in checks.results:
        for w in r.warnings:
            warnings[(w.code, w.message, w.where.cell() if w.where else None)] = None
    return [{"code": c, "message": m, "where": w} for c, m, w in warnings]


def _head(checks: CheckSet, provenance: Provenance) -> dict[str, Any]:
    """Every key of the report before ``entities`` and ``warnings``."""
    result = checks.primary
    return {
        "schema": SCHEMA,
        "tool": {"name": "exposure", "version": tool_version()},
        "input": {"path": result.source.path, "sha256": result.source.sha256, "format": result.source.format},
        "policy": {**policy_document(result.policy), "policy_file": _policy_file(provenance)},
        "files": document(provenance),
        "summary": _summary(result),
        "profiles": [
            {"name": r.policy.name, "policy": policy_document(r.policy), "summary": _summary(r)} for r in checks.results
        ],
        "disagreements": [result.verdicts[i].entity.id for i in checks.disagreements()],
    }


def to_document(results: CheckResult | CheckSet, provenance: Provenance | None = None) -> dict[str, Any]:
    """The report as plain data: the primary rule in the contract's keys, every rule under ``profiles``
    and each entity's ``by_profile``; ``files`` lists the policy file and watch lists read (with their
    SHA-256) and ``policy.policy_file`` the policy file, when ``provenance`` gives them."""
    checks = CheckSet.of(results)
    document = _head(checks, provenance or Provenance())
    document["entities"] = [json.loads(e) if isinstance(e, str) else e for e in _entities(checks)]
    document["warnings"] = _warnings(checks)
    return document


def write_json(results: CheckResult | CheckSet, sink: TextIO, provenance: Provenance | None = None) -> None:
    """Write the report (``to_document``'s keys in its order) to ``sink`` entity by entity: the small keys
    indented, each entity and warning on a line of its own. Neither the whole document nor its text is
    ever held, and each entity goes through the standard library's compiled encoder (an indented dump
    runs the pure-Python one: a third of the report's time on 20,000 entities)."""
    checks = CheckSet.of(results)
    head = json.dumps(_head(checks, provenance or Provenance()), ensure_ascii=False, indent=2)
    sink.write(head[: -len("\n}")])
    for key, items in (("entities", _entities(checks)), ("warnings", iter(_warnings(checks)))):
        sink.write(f',\n  "{key}": [')
        separator = "\n    "
        encoder = json.JSONEncoder(ensure_ascii=False)
        lines: list[str] = []
        for item in items:
            lines.append(separator + (item if isinstance(item, str) else encoder.encode(item)))
            separator = ",\n    "
            if len(lines) >= _BATCH:
                sink.write("".join(lines))
                lines.clear()
        sink.write("".join(lines))
        sink.write("\n  ]" if separator != "\n    " else "]")
    sink.write("\n}\n")


def _policy_file(provenance: Provenance) -> dict[str, Any] | None:
    found = provenance.policy_file
    if found is None:
        return None
    return {"path": found.path, "absolute_path": found.absolute, "sha256": found.sha256, "keys": list(found.keys)}


def render_json(results: CheckResult | CheckSet, provenance: Provenance | None = None) -> str:
    """The report as JSON text (see ``write_json``)."""
    buffer = io.StringIO()
    write_json(results, buffer, provenance)
    return buffer.getvalue()
