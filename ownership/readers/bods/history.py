"""The versions of BODS records over time: which statement was in force when.

A register publishes a new statement whenever a record changes (0.4: another statement with the same
``recordId``, ``recordStatus`` updated or closed; 0.1-0.3: a statement that ``replacesStatements`` an
earlier one). For ``--as-of`` to see the structure as it stood on a date, every version of a relationship
is kept for the period it was in force; a party (entity or person) is read from its latest version, since
the model does not date a party's name or countries.

* Versions of one record are ordered by ``statementDate``, then file order. A version takes effect on its
  statement date, or earlier, on the start date its interests give, when that falls after the previous
  version took effect (a change declared some days after it happened). The first version has no start of
  its own: its interests' start dates apply.
* A version is in force until the day before the next one takes effect; the latest one stays in force.
* A closed record (0.4 ``recordStatus: closed``) is in force until the day before the closing statement's
  date, or until the end date the closing statement's interests all give, if that is earlier. The closing
  statement itself adds no holding.
* A relationship whose party or subject record was closed ends the day before that closure.
* Where a change cannot be dated (a replacing statement without a ``statementDate``), the earlier
  versions cannot be placed in time: only the latest counts, as before, with a warning.
* Consecutive versions that say the same (same parties, same interests) are joined into one period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from ownership.errors import short
from ownership.readers.bods.fields import Notes
from ownership.readers.bods.interests import Interest, Kind, Relationship
from ownership.readers.bods.statements import Envelope
from ownership.readers.cells.validity import Period, day_before, iso_day, within


def dated_versions(envelopes: Sequence[Envelope], notes: Notes) -> tuple[list[Envelope], set[str], dict[str, str]]:
    """The statements that count, in file order of their records; the keys of closed parties that cannot
    be kept; and, for 0.1-0.3 statements, which statement replaced which.

    Parties appear once, as their latest version (a closed party only if a relationship names it).
    Relationships appear once per period they were in force, their interests' start and end dates cut to
    that period (inclusive dates, None open).
    """
    by_key: dict[str, list[Envelope]] = defaultdict(list)
    for env in envelopes:
        by_key[env.key].append(env)
    replaced_by = {old: env.key for env in envelopes for old in env.replaces if old != env.key}

    def follow(key: str) -> str:
        seen = {key}
        while key in replaced_by and replaced_by[key] not in seen:
            key = replaced_by[key]
            seen.add(key)
        return key

    # A record keeps the place of its first statement, whichever version counts.
    position = {key: min(e.number for e in versions) for key, versions in by_key.items()}
    tally = _Tally()
    parties: dict[str, Envelope] = {}
    closed_parties: dict[str, date | None] = {}
    chains: dict[str, list[Envelope]] = defaultdict(list)
    for key, versions in by_key.items():
        if isinstance(versions[0].record, Relationship):
            chains[follow(key)].extend(versions)
            continue
        latest = max(versions, key=lambda e: (e.date, e.number))
        tally.replaced.extend(e for e in versions if e is not latest)
        if key in replaced_by:
            tally.replaced.append(latest)
        elif latest.closed:
            tally.closed.append(latest)
            closed_parties[key] = iso_day(latest.date)
            # Its last open version describes it best; the closing statement may repeat only part of it.
            live = [e for e in versions if not e.closed]
            parties[key] = max(live, key=lambda e: (e.date, e.number)) if live else latest
        else:
            parties[key] = latest
    for key in list(chains):
        position[key] = min(position[e.key] for e in chains[key])

    kept_relationships: list[tuple[int, int, Envelope]] = []
    named: set[str] = set()
    for chain_key, versions in chains.items():
        for order, env in enumerate(_periods(versions, closed_parties, follow, tally, notes)):
            kept_relationships.append((position[chain_key], order, env))
            assert isinstance(env.record, Relationship)
            named.update(follow(r) for r in (env.record.subject, env.record.party) if isinstance(r, str))
    closed_keys = {key for key, day in closed_parties.items() if day is None or key not in named}
    kept = [env for key, env in parties.items() if key not in closed_keys]
    ordered = sorted([(position[env.key], 0, env) for env in kept] + kept_relationships, key=lambda t: (t[0], t[1]))
    tally.warn(notes)
    return [env for _, _, env in ordered], closed_keys, replaced_by


class _Tally:
    """What the versions amounted to, for one warning of each kind."""

    def __init__(self) -> None:
        self.replaced: list[Envelope] = []
        self.undated: list[Envelope] = []
        self.closed: list[Envelope] = []
        self.cut_by_party: set[str] = set()

    def warn(self, notes: Notes) -> None:
        if self.replaced:
            first = min(self.replaced, key=lambda e: e.number)
            n = len(self.replaced)
            undated = (
                f"; {len(self.undated)} of them replaced by a statement without a date, which cannot be placed in "
                "time: only the latest statement about those records counts"
                if self.undated
                else ""
            )
            notes.warn(
                "replaced_statement",
                f"{n} statement{'s' if n > 1 else ''} replaced by later ones (first: "
                f"{short(first.statement_id, 60)}): relationships are kept for the period each version was in "
                f"force (until the day before the next took effect), parties as their latest version{undated}",
                first.record.where,
            )
        if self.closed:
            first = min(self.closed, key=lambda e: e.number)
            n = len(self.closed)
            notes.warn(
                "closed_record",
                f"{n} record{'s' if n > 1 else ''} closed (recordStatus 'closed'; first: {short(first.key, 60)}): "
                "kept for the period before they were closed (until the day before the closing statement, or "
                "the end date its interests give), so they count only at earlier as-of dates",
                first.record.where,
            )


def _periods(
    versions: list[Envelope],
    closed_parties: dict[str, date | None],
    follow: Callable[[str], str],
    tally: _Tally,
    notes: Notes,
) -> list[Envelope]:
    """The versions of one relationship record, each with its interests cut to the period it was in force."""
    ordered = sorted(versions, key=lambda e: (e.date, e.number))
    latest = ordered[-1]
    tally.replaced.extend(ordered[:-1] if not latest.closed else ordered[:-2] if len(ordered) > 1 else [])
    if latest.closed:
        tally.closed.append(latest)
    days = [iso_day(e.date) for e in ordered]
    if len(ordered) > 1 and any(d is None for d in days[1:]):
        # A change without a date cannot be placed in time: only the latest version counts.
        tally.undated.extend(ordered[:-1])
        if latest.closed:
            return []
        return _cut(ordered[-1:], [(None, None)], closed_parties, follow, tally, notes)
    windows: list[Period] = []
    effective: list[date | None] = []
    # When the first version took effect, only to tell whether a later version's start dates are news.
    first_starts = [i.start for i in _interests(ordered[0]) if i.start is not None]
    previous = min(first_starts) if first_starts else days[0]
    for k, env in enumerate(ordered):
        day = days[k]
        if k == 0:
            takes_effect: date | None = None
        else:
            assert day is not None
            takes_effect = day
            starts = [i.start for i in _interests(env) if i.start is not None]
            if not env.closed and starts and (previous is None or max(starts) > previous) and max(starts) < day:
                takes_effect = max(starts)
            previous = takes_effect
        effective.append(takes_effect)
        windows.append((takes_effect, None))
    for k in range(len(ordered) - 1):
        after = effective[k + 1]
        assert after is not None
        end = day_before(after)
        closing = ordered[k + 1]
        if closing.closed:
            ends = [i.end for i in _interests(closing)]
            if ends and all(e is not None for e in ends):
                end = min(end, max(e for e in ends if e is not None))
        start = windows[k][0]
        windows[k] = (start, end if start is None or end >= start else day_before(start))
    live = [(env, w) for env, w in zip(ordered, windows, strict=True) if not env.closed]
    if latest.closed and days[-1] is None:
        return []  # closed at a date the file does not give: nothing can be placed in time
    return _cut([e for e, _ in live], [w for _, w in live], closed_parties, follow, tally, notes)


def _cut(
    versions: list[Envelope],
    windows: list[Period],
    closed_parties: dict[str, date | None],
    follow: Callable[[str], str],
    tally: _Tally,
    notes: Notes,
) -> list[Envelope]:
    """The versions whose interests are in force on some day of their window, joined where consecutive
    versions say the same, with the interests' dates cut to the window."""
    joined: list[tuple[Envelope, Period]] = []
    for env, window in zip(versions, windows, strict=True):
        if window[1] is not None and window[0] is not None and window[1] < window[0]:
            continue  # replaced on the day it took effect
        previous = joined[-1] if joined else None
        if previous is not None and _same(previous[0], env):
            joined[-1] = (env, (previous[1][0], window[1]))
        else:
            joined.append((env, window))
    found: list[Envelope] = []
    for env, window in joined:
        rel = env.record
        assert isinstance(rel, Relationship)
        for role, ref in (("subject", rel.subject), ("interested party", rel.party)):
            closed_on = closed_parties.get(follow(ref)) if isinstance(ref, str) else None
            if closed_on is not None and (window[1] is None or window[1] >= closed_on):
                window = (window[0], day_before(closed_on))
                if rel.key not in tally.cut_by_party:
                    tally.cut_by_party.add(rel.key)
                    notes.warn(
                        "closed_party",
                        f"relationship {short(rel.key, 60)}: its {role} {short(str(ref), 60)} was closed on "
                        f"{closed_on}: the relationship is read as ending the day before",
                        rel.where,
                    )
        if window == (None, None):
            found.append(env)
            continue
        if window[0] is not None and window[1] is not None and window[0] > window[1]:
            continue
        if not rel.interests:
            # No interests listed: one of unknown kind, in force for the version's period.
            unknown = Interest(
                kind=Kind.UNKNOWN,
                type_name="",
                share=None,
                indirect=False,
                start=window[0],
                end=window[1],
                details=None,
            )
            found.append(replace(env, record=replace(rel, interests=(unknown,))))
            continue
        interests = []
        for interest in rel.interests:
            period = within((interest.start, interest.end), window)
            if period is not None:
                interests.append(replace(interest, start=period[0], end=period[1]))
        if interests:
            found.append(replace(env, record=replace(rel, interests=tuple(interests))))
    return found


def _interests(env: Envelope) -> tuple[Interest, ...]:
    return env.record.interests if isinstance(env.record, Relationship) else ()


def _same(a: Envelope, b: Envelope) -> bool:
    """Whether two versions of a relationship say the same, apart from dates and where they are."""
    ra, rb = a.record, b.record
    if not isinstance(ra, Relationship) or not isinstance(rb, Relationship):
        return False

    def content(rel: Relationship) -> tuple[object, ...]:
        return (
            rel.subject,
            rel.party,
            rel.components,
            tuple((i.kind, i.type_name, i.share, i.indirect, i.details, i.end) for i in rel.interests),
        )

    return content(ra) == content(rb)


__all__ = ["dated_versions"]
