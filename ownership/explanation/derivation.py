"""The cascade derivation of one entity: which tainted holders made it (and its owners) tainted, in order.

The cascade's least fixpoint adds an entity once the stakes held in it by tainted holders pass the
pass-through test. Reading that backwards from one entity gives its derivation: the tainted owners above
it, each with the tainted holders that pushed it over, from the home entities down. Only the owners that
matter are visited (tainted holders, expanded upward until home entities), and the order is found again by
re-running the fixpoint on that small part, which reproduces the global one because every tainted holder
of every visited entity is visited too.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from ownership.engine.edges import BoolArray, Edges, FloatArray
from ownership.model import Comparison, Stake, passes, pct_text
from ownership.prepare.graph import EquityGraph
from ownership.result import Contribution, Derivation, Step

if TYPE_CHECKING:
    from ownership.engine.evaluate import Raised

#: The holding index that stands for a declared indirect interest among a subject's tainted holders.
DECLARED = -1

#: Owners visited per derivation; beyond it the earlier steps are summarised as omitted.
MAX_OWNERS = 400


@dataclass(frozen=True)
class Test:
    """A threshold test in words and numbers (fractions)."""

    threshold: float
    comparison: Comparison

    def passes(self, value: float) -> bool:
        return passes(value, self.threshold, self.comparison)


@dataclass(frozen=True)
class Deriver:
    """Derivations over one graph and one evaluation.

    Attributes:
        graph: the prepared graph.
        incoming: equity holdings grouped by subject (indices into ``graph.equity``).
        control_incoming: control rows grouped by subject when the evaluation counted them, else None.
        high_stakes: the high stake per equity holding, to show ranges.
        pass_test: what an intermediary must pass to become tainted.
        final_test: what the entity explained is weighed against (the policy threshold).
        declared: what declared indirect interests add to cascade figures (low bound), if any: each counts
            as one more tainted holder of the subject, holding what it adds above the chains.
    """

    graph: EquityGraph
    incoming: Edges
    control_incoming: Edges | None
    high_stakes: FloatArray
    pass_test: Test
    final_test: Test
    declared: Raised | None = None
    _all_holders: dict[int, list[tuple[int, int, bool]]] = field(default_factory=dict, init=False, repr=False)

    def derive(self, target: int, tainted: BoolArray, seeds: BoolArray, max_owners: int = MAX_OWNERS) -> Derivation:
        """The derivation of ``target`` given the evaluation's tainted set and its seeds (low bound)."""
        g = self.graph
        if seeds[target]:
            home = self._step(target, 0, tainted, seeds, set(), final=True)
            return Derivation((home,), (g.entities[target].id,))
        owners, given = self._owners(target, tainted, seeds, max_owners)
        if not owners:
            return Derivation((), ())
        rounds = self._rounds([*owners, target] if tainted[target] else owners, given, tainted, seeds)
        order = sorted(self._causes(target, rounds, tainted), key=lambda u: (rounds[u], u))
        steps: list[Step] = []
        target_round = rounds.get(target)
        # In a loop the entity explained may taint some of its own owners, which then add to its figure:
        # show the step that tainted it where it happened, and its full figure last.
        shown_early = False
        for u in order:
            if target_round is not None and not shown_early and rounds[u] > target_round:
                steps.append(self._step(target, target_round, tainted, seeds, given, False, rounds))
                shown_early = True
            steps.append(self._step(u, rounds[u], tainted, seeds, given, False, rounds))
        last = self._step(target, -1 if target_round is None else target_round, tainted, seeds, given, True)
        steps.append(replace(last, final=True))
        origins = tuple(g.entities[u].id for u in order if seeds[u])
        return Derivation(tuple(steps), origins, omitted=len(given))

    def _holders(self, u: int, tainted: BoolArray) -> list[tuple[int, int, bool]]:
        """(holder, holding index, by control) for the tainted holders of ``u``."""
        found = self._all_holders.get(u)
        if found is None:
            found = []
            at = np.array([u], dtype=np.int64)
            for k in self.incoming.out_of(at).tolist():
                found.append((int(self.incoming.subject[k]), int(k), False))
            if self.control_incoming is not None:
                for k in self.control_incoming.out_of(at).tolist():
                    found.append((int(self.control_incoming.subject[k]), int(k), True))
            if self.declared is not None and self.declared.cascade[u] > 0:
                found.append((int(self.declared.cascade_by[u]), DECLARED, False))
            self._all_holders[u] = found
        return [(h, k, c) for h, k, c in found if tainted[h] and h != u]

    def _owners(self, target: int, tainted: BoolArray, seeds: BoolArray, max_owners: int) -> tuple[list[int], set[int]]:
        """The tainted owners above ``target`` that its taint can come from, and those left unexpanded
        because of the limit (their own derivation is omitted)."""
        seen: set[int] = set()
        given: set[int] = set()
        order: list[int] = []
        stack = [target]
        while stack:
            u = stack.pop()
            for h, _, _ in self._holders(u, tainted):
                if h in seen or h == target:
                    continue
                seen.add(h)
                order.append(h)
                if seeds[h]:
                    continue
                if len(seen) >= max_owners:
                    given.add(h)
                    continue
                stack.append(h)
        return order, given

    def _causes(self, target: int, rounds: dict[int, int], tainted: BoolArray) -> list[int]:
        """The owners the explanation needs: every tainted holder of the target (they make its figure),
        and above them only the holders tainted *before* the entity they hold (what made it tainted), so
        an owner tainted later through a loop is not shown as a cause."""
        kept: set[int] = set()
        stack = [target]
        while stack:
            u = stack.pop()
            for h, _, _ in self._holders(u, tainted):
                if h in kept or h == target or h not in rounds:
                    continue
                if u != target and rounds[h] >= rounds[u]:
                    continue
                kept.add(h)
                stack.append(h)
        return list(kept)

    def _rounds(self, members: list[int], given: set[int], tainted: BoolArray, seeds: BoolArray) -> dict[int, int]:
        """The round each member becomes tainted in, re-running the fixpoint (frontier by frontier, as the
        cascade does) on the members alone."""
        inside = set(members)
        rounds = {u: 0 for u in members if seeds[u] or u in given}
        holds_in: dict[int, list[tuple[int, int, bool]]] = {}
        for u in members:
            if u not in rounds:
                for h, k, by_control in self._holders(u, tainted):
                    if h in inside:
                        holds_in.setdefault(h, []).append((u, k, by_control))
        totals: dict[int, float] = {}
        controlled: set[int] = set()
        frontier = list(rounds)
        step = 0
        while frontier:
            step += 1
            touched: dict[int, None] = {}
            for h in frontier:
                for u, k, by_control in holds_in.get(h, ()):
                    if u in rounds:
                        continue
                    if by_control:
                        controlled.add(u)
                    else:
                        totals[u] = totals.get(u, 0.0) + self._weight(u, k)
                    touched[u] = None
            frontier = [u for u in touched if u in controlled or self.pass_test.passes(totals.get(u, 0.0))]
            for u in frontier:
                rounds[u] = step
        # Every member of a least fixpoint is reached above; keep the derivation whole if one ever is not.
        for u in members:
            rounds.setdefault(u, step + 1)
        return rounds

    def _step(
        self,
        u: int,
        round_: int,
        tainted: BoolArray,
        seeds: BoolArray,
        given: set[int],
        final: bool,
        rounds: dict[int, int] | None = None,
    ) -> Step:
        """One step; with ``rounds``, only the holders tainted before ``round_`` count (how it became tainted)."""
        g = self.graph
        entity = g.entities[u]
        labels = tuple(sorted(g.seed_labels[u]))
        if seeds[u]:
            why = ", ".join(labels) if labels else "country unknown"
            text = f"{entity.id} is a home entity ({why})"
            return Step(entity.id, entity.name, 0, True, labels, (), 1.0, True, False, text)
        contributions: list[Contribution] = []
        controllers: list[str] = []
        total = 0.0
        for h, k, by_control in self._holders(u, tainted):
            if rounds is not None and rounds.get(h, round_) >= round_:
                continue
            if by_control:
                controllers.append(g.entities[h].id)
                continue
            weight = self._weight(u, k)
            total += weight
            high = weight if k == DECLARED else max(weight, float(self.high_stakes[k]))
            holder = g.entities[h]
            contributions.append(
                Contribution(holder.id, holder.name, Stake(weight, high), bool(seeds[h]), declared=k == DECLARED)
            )
        contributions.sort(key=lambda c: (-c.stake.low, c.holder))
        if u in given:
            text = f"{entity.id} is tainted (how is left out: the derivation reached its length limit)"
            return Step(entity.id, entity.name, round_, False, (), tuple(contributions), total, True, False, text)
        test = self.final_test if final else self.pass_test
        passed = test.passes(total)
        by_control = bool(tainted[u]) and not self.pass_test.passes(total) and bool(controllers)
        if not final:
            verdict = "is tainted"
        elif passed:
            verdict = "passes the threshold"
        elif by_control:
            verdict = "is controlled by contract by a tainted party"
        else:
            verdict = "does not pass the threshold"
        parts = []
        if contributions:
            parts.append(self._held_words(contributions, total, test))
        elif not controllers:
            parts.append("no tainted holder holds shares in it")
        if controllers:
            parts.append("controlled by contract by " + ", ".join(f"{c} (tainted)" for c in controllers))
        text = f"{entity.id} {verdict}: " + "; ".join(parts)
        return Step(
            entity=entity.id,
            name=entity.name,
            round=round_,
            home=False,
            labels=(),
            holders=tuple(contributions),
            total=total,
            tainted=passed or by_control,
            by_control=by_control,
            text=text,
        )

    def _weight(self, u: int, k: int) -> float:
        """What holding ``k`` into ``u`` counts for (a declared indirect interest: what it adds)."""
        if k == DECLARED and self.declared is not None:
            return float(self.declared.cascade[u])
        return float(self.incoming.weight[k])

    def _holder_words(self, c: Contribution) -> str:
        declared = ", declared indirect" if c.declared else ""
        if c.holder_is_home:
            labels = sorted(self.graph.seed_labels[self.graph.index[c.holder]])
            return f"{c.holder} ({', '.join([*labels, 'home'])}{declared})"
        return f"{c.holder} (tainted{declared})"

    def _held_words(self, contributions: list[Contribution], total: float, test: Test) -> str:
        """ "P (CN, home) holds 60% > 50%" or "held by P (CN, home) 30% and H (tainted) 25%: 55% > 50%"."""
        symbol = test.comparison.symbol if test.passes(total) else f"not {test.comparison.symbol}"
        if len(contributions) == 1:
            c = contributions[0]
            counted = "" if c.stake.is_exact else f", counted at {pct_text(total)},"
            return f"{self._holder_words(c)} holds {c.stake}{counted} {symbol} {pct_text(test.threshold)}"
        listed = [f"{self._holder_words(c)} {c.stake}" for c in contributions]
        joined = ", ".join(listed[:-1]) + " and " + listed[-1]
        return f"held by {joined}: {pct_text(total)} {symbol} {pct_text(test.threshold)}"


__all__ = ["MAX_OWNERS", "Deriver", "Test"]
