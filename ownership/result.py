"""The one result object every renderer reads. Fractions 0..1 throughout; renderers turn them into percent."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import numpy.typing as npt

from ownership.errors import DataWarning
from ownership.model import Entity, Holding, Method, Policy, SourceInfo, Stake
from ownership.model.tables import BuiltOnAccess, EntityTable

if TYPE_CHECKING:
    import pandas as pd


class Status(StrEnum):
    """What a check says about an entity, by its deciding figure (see the README's rules)."""

    HOME = "home"  # itself in the watched set
    FLAGGED = "flagged"  # the deciding figure's low bound passes the threshold
    POSSIBLE = "possible"  # only the high bound passes: the data cannot rule it out
    CLEAR = "clear"  # even the high bound does not pass

    @property
    def rank(self) -> int:
        """Severity for sorting: home and flagged first."""
        return _RANK[self]


_RANK = {Status.FLAGGED: 0, Status.HOME: 1, Status.POSSIBLE: 2, Status.CLEAR: 3}


class FailOn(StrEnum):
    FLAGGED = "flagged"
    POSSIBLE = "possible"
    NEVER = "never"


@dataclass(frozen=True, slots=True)
class Interval:
    """A figure as bounds (fractions 0..1): ``low`` holds whatever the unknowns are, ``high`` is the most
    the data allows."""

    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Contribution:
    """A direct holder that passes taint to the entity in the cascade (low bound).

    Attributes:
        holder: the holder's entity id.
        name: the holder's display name.
        stake: the stake held (fractions).
        holder_is_home: the holder is itself a home entity (else it is tainted through its own holders).
        declared: the holder's declared indirect interest, which counts as far as it exceeds the chains' figure.
    """

    holder: str
    name: str
    stake: Stake
    holder_is_home: bool
    declared: bool = False


class ChainKind(StrEnum):
    HOME = "home"  # starts at a home entity, which counts in full
    UNKNOWN = "unknown"  # starts at an entity whose country is unknown (high bound only)
    UNALLOCATED = "unallocated"  # starts in the part of an entity's shares with no named holder (high bound only)
    DECLARED = "declared"  # a declared indirect interest raises an entity's figure above what its chains give


@dataclass(frozen=True, slots=True)
class Chain:
    """One chain of holdings from where watched ownership starts down to the entity.

    Attributes:
        kind: what the chain starts from.
        path: entity ids from the start of the chain (first) to the entity explained (last).
        stakes: the stake of each hop, ``path[k]`` in ``path[k + 1]`` (fractions, the figure's bound).
        unallocated: for ``UNALLOCATED`` chains, the part of ``path[0]``'s shares with no named holder; 1 otherwise.
        share: the chain's part of the figure: ``unallocated`` times the product of ``stakes`` (fraction).
    """

    kind: ChainKind
    path: tuple[str, ...]
    stakes: tuple[float, ...]
    unallocated: float
    share: float


@dataclass(frozen=True, slots=True)
class ChainBreakdown:
    """A look-through figure split into its largest chains.

    ``figure == sum(c.share for c in chains) + rest`` (to float rounding): ``rest`` is what the other,
    smaller chains and the circular holdings (walks that pass through a cross-holding more than once)
    add up to. ``searched_all`` is true when no simple chain was left unlisted, so ``rest`` comes only from
    circular holdings.

    Attributes:
        figure: the look-through figure explained (fraction).
        chains: the largest chains, largest first.
        rest: the figure minus the listed chains (fraction, never negative beyond rounding).
        searched_all: the search ran out of chains before reaching its limits.
    """

    figure: float
    chains: tuple[Chain, ...]
    rest: float
    searched_all: bool


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the cascade derivation, in the order the least fixpoint found it.

    A home step (``home``) starts the derivation: the entity is watched by itself. Every other step weighs
    what the entity's tainted holders (and nothing else: unnamed parts count only in the high bound) hold
    in it against the pass-through test; the last step is the entity explained itself.

    Attributes:
        entity: the entity's id.
        name: its display name.
        round: the propagation round it became tainted in (0 for home entities, -1 if never).
        home: a home entity: it is tainted by itself.
        labels: for home steps, what makes it home (countries, watch-list labels).
        holders: the tainted holders and their stakes, largest first.
        total: what those holders hold together (fraction; what the test weighs).
        tainted: the entity passed the test (or is home, or is controlled by contract under a policy
            that counts control).
        by_control: tainted only because a tainted holder controls it by contract.
        text: the step in words.
        final: the closing step: the entity explained, weighed with every tainted holder. Where a loop
            taints some of its holders after it (a cross-holding), it comes after their steps but keeps the
            round the entity first became tainted in, and its figure counts them too.
    """

    entity: str
    name: str
    round: int
    home: bool
    labels: tuple[str, ...]
    holders: tuple[Contribution, ...]
    total: float
    tainted: bool
    by_control: bool
    text: str
    final: bool = False


@dataclass(frozen=True, slots=True)
class Derivation:
    """The cascade derivation of one entity's status (low bound).

    Attributes:
        steps: home entities first, then each tainted entity on the way in the order it became tainted;
            the entity explained is last. Empty when no tainted holder touches it.
        origins: the home entities the taint comes from (ids), so the countries behind it can be named.
        omitted: earlier steps left out because the derivation was longer than its limit.
    """

    steps: tuple[Step, ...]
    origins: tuple[str, ...]
    omitted: int = 0


@dataclass(frozen=True)
class EntityVerdict:
    """Everything the check says about one entity.

    Attributes:
        entity: the entity as read.
        status: home, flagged, possible or clear under the policy's method.
        cascade: the cascade figure (stakes held by tainted holders, counted in full), as bounds.
        lookthrough: the look-through figure (stakes multiplied along chains), as bounds.
        home_countries: the countries that make it a home entity (empty unless status is home).
        tainted_by: direct holders passing taint to it in the cascade (low bound), largest first.
        red_flags: control without equity held by home or tainted parties, in words.
        uncertainty: what keeps the high bound above the low bound, in words ("what would settle it").
        reason: one sentence explaining the status.
        decides: whether this entity decides the exit code.
        labels: for home and flagged entities, the labels (countries, lists) the taint came from.
        most_restrictive: of those labels, the first in the policy's ``label_order`` (BIS), if any.
        derivation: the cascade derivation behind the low cascade figure (None when not explained, see
            ``ownership.pipeline.check``'s ``explain_limit``).
        chains: the look-through chains behind the low look-through figure (None when not explained or zero).
        chains_high: the chains behind the high look-through figure, when it is above the low one: what the
            unknowns could add.
        notes: the data-quality warnings that touch the entity (its rows and the rows of holdings in it).
    """

    entity: Entity
    status: Status
    cascade: Interval
    lookthrough: Interval
    home_countries: tuple[str, ...]
    tainted_by: tuple[Contribution, ...]
    red_flags: tuple[str, ...]
    uncertainty: tuple[str, ...]
    reason: str
    decides: bool
    labels: tuple[str, ...] = ()
    most_restrictive: str | None = None
    derivation: Derivation | None = None
    chains: ChainBreakdown | None = None
    chains_high: ChainBreakdown | None = None
    notes: tuple[DataWarning, ...] = ()


#: Status codes: ``Figures.status`` holds indices into this tuple.
STATUSES: tuple[Status, ...] = (Status.HOME, Status.FLAGGED, Status.POSSIBLE, Status.CLEAR)
_STATUS_CODE = {s: k for k, s in enumerate(STATUSES)}
#: Per status code, its severity rank (``Status.rank``).
_RANKS = np.array([s.rank for s in STATUSES], dtype=np.int8)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Figures:
    """Every entity's status and figures as columns, in input order (fractions 0..1).

    Attributes:
        status: codes into ``STATUSES``.
        cascade_low, cascade_high, lookthrough_low, lookthrough_high: the two figures' bounds.
        decides: whether the entity decides the exit code.
        id_rank: per entity, its place among the entities sorted by id; orders entities of equal standing,
            so that reports do not depend on the order of the input's rows (None: input order).
    """

    status: npt.NDArray[np.int8]
    cascade_low: FloatArray
    cascade_high: FloatArray
    lookthrough_low: FloatArray
    lookthrough_high: FloatArray
    decides: BoolArray
    id_rank: npt.NDArray[np.int64] | None = None

    def statuses(self, i: int) -> Status:
        return STATUSES[int(self.status[i])]

    def deciding(self, method: Method, high: bool = False) -> FloatArray:
        """Per entity, the figure that decides its status under ``method`` (fractions 0..1; low bounds
        unless ``high``): see ``Method.deciding``."""
        if high:
            return method.deciding(self.cascade_high, self.lookthrough_high)
        return method.deciding(self.cascade_low, self.lookthrough_low)

    def order(self) -> npt.NDArray[np.int64]:
        """Entity indices: deciding entities first, then by severity (flagged, home, possible, clear), then
        by id (input order when ``id_rank`` is None)."""
        keys: list[npt.NDArray[Any]] = [_RANKS[self.status], ~self.decides]
        if self.id_rank is not None:
            keys.insert(0, self.id_rank)
        result: npt.NDArray[np.int64] = np.lexsort(keys).astype(np.int64)
        return result


def id_ranks(ids: Sequence[str]) -> npt.NDArray[np.int64]:
    """Per entity, its place among the entities sorted by id (code-point order); Arrow-kept ids are sorted
    in compiled code."""
    array = getattr(ids, "array", None)
    if array is not None:
        order = _text_order(array)
    else:
        order = np.array(sorted(range(len(ids)), key=ids.__getitem__), dtype=np.int64)
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size, dtype=np.int64)
    return rank


def _text_order(array: Any) -> npt.NDArray[np.int64]:
    """The order of an Arrow string array's texts (code-point order, which is UTF-8 byte order).

    Comparing strings one pair at a time is slow on millions of ids (each comparison chases two pointers:
    8M ids take over 10 s). Instead each text is cut into big-endian 8-byte words, padded with zero bytes,
    and Arrow sorts the rows of words, which compares plain integers. The padding sorts a text before its
    longer continuations, as string comparison does, because no text holds a NUL byte (checked; one that
    does is sorted as text).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    array = array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array
    n = len(array)
    if n < 10_000 or array.null_count or not pa.types.is_string(array.type):
        return pc.sort_indices(array).to_numpy().astype(np.int64)  # type: ignore[no-any-return]
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset : array.offset + n + 1]
    start, end = int(offsets[0]), int(offsets[-1])
    data = np.frombuffer(array.buffers()[2], dtype=np.uint8)[start:end]
    if not data.all():
        return pc.sort_indices(array).to_numpy().astype(np.int64)  # type: ignore[no-any-return]
    padded = np.zeros(data.size + 8, dtype=np.uint8)
    padded[: data.size] = data
    # Every 8-byte window of the text bytes as one big-endian integer (a view: windows overlap).
    windows = np.ndarray(shape=(data.size + 1,), dtype=">u8", buffer=padded, strides=(1,))
    begin = offsets[:-1].astype(np.int64) - start
    length = np.diff(offsets).astype(np.int64)
    keep = np.array([0] + [~((1 << (64 - 8 * r)) - 1) & (2**64 - 1) for r in range(1, 8)] + [2**64 - 1], np.uint64)
    words = {}
    for k in range(-(-int(length.max()) // 8)):
        left = np.clip(length - 8 * k, 0, 8).astype(np.int8)
        word = windows[np.minimum(begin + 8 * k, data.size)]
        word.byteswap(inplace=True)  # the same value in this machine's byte order, without a copy
        native = word.view(np.uint64)
        native &= keep[left]
        words[f"w{k}"] = native
    del padded, windows, begin, length
    if not words:
        return np.arange(n, dtype=np.int64)  # every text empty
    table = pa.table(words)
    order = pc.sort_indices(table, sort_keys=[(name, "ascending") for name in words])
    return order.to_numpy().astype(np.int64)  # type: ignore[no-any-return]


class CodedTexts(Sequence[str]):
    """Texts of which many repeat (a million reasons, a few hundred thousand distinct), kept as a code per
    item into the distinct ``values``; bulk reports write them as a dictionary column."""

    def __init__(self, codes: npt.NDArray[np.int32], values: Sequence[str]) -> None:
        self.codes, self.values = codes, values

    @staticmethod
    def of(texts: Sequence[str]) -> CodedTexts:
        """The texts coded, each distinct one once."""
        known: dict[str, int] = {}
        codes = np.fromiter((known.setdefault(s, len(known)) for s in texts), dtype=np.int32, count=len(texts))
        return CodedTexts(codes, list(known))

    def __len__(self) -> int:
        return int(self.codes.size)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...
    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        if isinstance(i, slice):
            return [self.values[k] for k in self.codes[i].tolist()]
        return self.values[int(self.codes[i])]

    def __iter__(self) -> Iterator[str]:
        values = self.values
        return (values[k] for k in self.codes.tolist())


class Verdicts(BuiltOnAccess[EntityVerdict]):
    """Every entity's verdict, in input order: columns for bulk reports, and objects built on access.

    A registry check produces a million verdicts; building each object (with its reasons in words) is what
    the terminal table and the audit reports of a few entities need, while bulk reports read the columns.
    Subclasses build the objects; this base keeps the columns.
    """

    def __init__(self, entities: EntityTable, figures: Figures) -> None:
        self.entities, self.figures = entities, figures

    def __len__(self) -> int:
        return len(self.entities)

    def item(self, i: int) -> EntityVerdict:
        return self.verdict(i)

    def __iter__(self) -> Iterator[EntityVerdict]:
        return (self.verdict(i) for i in range(len(self)))

    def verdict(self, i: int) -> EntityVerdict:
        """Entity ``i``'s verdict."""
        raise NotImplementedError

    def reasons(self) -> Sequence[str]:
        """Every entity's one-sentence reason, in input order."""
        return [v.reason for v in self]

    def reasons_of(self, at: npt.NDArray[np.int64]) -> CodedTexts:
        """The reasons of the entities ``at``, in that order (a bulk report asks part by part)."""
        return CodedTexts(np.arange(at.size, dtype=np.int32), [self[i].reason for i in at.tolist()])

    def label_columns(self) -> tuple[CodedTexts, CodedTexts]:
        """Every entity's taint labels joined with "; ", and its most restrictive label ("" for none), in
        input order: the report's ``labels`` and ``most_restrictive`` columns."""
        return (
            CodedTexts.of(["; ".join(v.labels) for v in self]),
            CodedTexts.of([v.most_restrictive or "" for v in self]),
        )


class VerdictTuple(Verdicts):
    """Verdicts given as objects (tests, and results assembled by hand)."""

    def __init__(self, verdicts: Sequence[EntityVerdict]) -> None:
        self.items = tuple(verdicts)
        figures = Figures(
            status=np.array([_STATUS_CODE[v.status] for v in self.items], dtype=np.int8),
            cascade_low=np.array([v.cascade.low for v in self.items], dtype=np.float64),
            cascade_high=np.array([v.cascade.high for v in self.items], dtype=np.float64),
            lookthrough_low=np.array([v.lookthrough.low for v in self.items], dtype=np.float64),
            lookthrough_high=np.array([v.lookthrough.high for v in self.items], dtype=np.float64),
            decides=np.array([v.decides for v in self.items], dtype=np.bool_),
        )
        super().__init__(EntityTable.of([v.entity for v in self.items]), figures)

    def verdict(self, i: int) -> EntityVerdict:
        return self.items[i]


@dataclass(frozen=True)
class Summary:
    """A check in counts: the report's ``summary``.

    Attributes:
        entities: how many entities were checked.
        home, flagged, possible, clear: how many have each status.
        verdict: the most severe status among the deciding entities (home counts as flagged).
        holdings: how many holdings were evaluated (in force on the as-of date).
        targets: the entity ids that decide the exit code; empty when every entity decides.
    """

    entities: int
    home: int
    flagged: int
    possible: int
    clear: int
    verdict: Status
    holdings: int
    targets: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The summary as the JSON report writes it (statuses and the verdict as their names)."""
        return {
            "entities": self.entities,
            "home": self.home,
            "flagged": self.flagged,
            "possible": self.possible,
            "clear": self.clear,
            "verdict": self.verdict.value,
            "holdings": self.holdings,
            "targets": list(self.targets),
        }


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: the policy used, what was read, a verdict per entity, and warnings.

    ``verdicts`` are in input order (a plain sequence is wrapped in ``VerdictTuple``). ``targets`` are the
    entity ids that decide the exit code (all entities when the user named none). ``holdings`` are every
    holding as read (also those set aside for their dates), with their source places, for audit reports;
    ``holdings_used`` counts those evaluated.

    Attributes:
        policy: the rule applied (thresholds as fractions 0..1), with where each setting came from
            (``policy.origins``).
        source: what was read: the path as given, its SHA-256 and its format.
        verdicts: every entity's verdict, in input order (also ``entities``).
        warnings: what the reader and the check noticed about the data, each with a stable ``code``, a
            ``message`` and, where it applies, the place in the input (``where``).
        targets: the entity ids that decide the exit code; empty when every entity decides.
        holdings_used: how many holdings were evaluated.
        holdings: every holding as read.
        fail_on: what makes ``exit_code()`` 1 when it is not given one (the ``fail_on`` setting).
    """

    policy: Policy
    source: SourceInfo
    verdicts: Verdicts
    warnings: tuple[DataWarning, ...]
    targets: tuple[str, ...]
    holdings_used: int
    holdings: Sequence[Holding] = ()
    fail_on: FailOn = FailOn.FLAGGED

    def __post_init__(self) -> None:
        if not isinstance(self.verdicts, Verdicts):
            object.__setattr__(self, "verdicts", VerdictTuple(self.verdicts))

    @property
    def figures(self) -> Figures:
        """Every entity's status and figures as columns."""
        return self.verdicts.figures

    def deciding_figure(self, high: bool = False) -> FloatArray:
        """Per entity, the figure that decides its status under the policy's method (fractions 0..1; low
        bounds unless ``high``)."""
        return self.figures.deciding(self.policy.method, high)

    def deciding_figures(self, v: EntityVerdict) -> tuple[Interval, ...]:
        """The figure(s) one entity's status is judged on under the policy's method, as bounds: the cascade,
        the look-through, or both (``either``), in that order."""
        return tuple(v.cascade if name == "cascade" else v.lookthrough for name in self.policy.method.figures)

    @property
    def holdings_in_force(self) -> npt.NDArray[np.bool_]:
        """Per holding of ``holdings`` (as read, in order), whether it was in force on the as-of date: the
        decision the check made (``ownership.prepare.in_force``), for reports that show every holding."""
        from ownership.prepare.in_force import holdings_in_force

        return holdings_in_force(self.holdings, self.policy.as_of)

    @property
    def entities(self) -> Verdicts:
        """Every entity's verdict, in input order: a sequence of ``EntityVerdict`` (status, the cascade and
        look-through figures as ``Interval`` bounds in fractions 0..1, the reason in words), each built when
        first read. ``verdict(id)`` finds one by id; ``to_frame()`` gives them all as a table."""
        return self.verdicts

    @property
    def summary(self) -> Summary:
        """How many entities have each status, the verdict among the deciding ones, the holdings evaluated."""
        counts = self.counts()
        return Summary(
            entities=len(self.verdicts),
            home=counts[Status.HOME],
            flagged=counts[Status.FLAGGED],
            possible=counts[Status.POSSIBLE],
            clear=counts[Status.CLEAR],
            verdict=self.overall(),
            holdings=self.holdings_used,
            targets=self.targets,
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per entity, as the CSV report has them: the same columns (``id``, ``name``, ``type``,
        ``jurisdiction``, ``headquarters``, ``status``, ``cascade_low_pct``, ``cascade_high_pct``,
        ``lookthrough_low_pct``, ``lookthrough_high_pct``, ``decides``, ``reason``, ``labels``,
        ``most_restrictive``), the same order (deciding entities first, then flagged, home, possible, clear,
        then by id) and the same values: figures in percent (0..100) rounded to 6 decimals, text as read
        (not made inert for a spreadsheet). Needs pandas, imported here."""
        import pyarrow as pa

        from ownership.model.tables import ENTITY_TYPES

        verdicts, figures = self.verdicts, self.figures
        table = verdicts.entities
        at = figures.order()
        ids = table.arrow_ids if table.arrow_ids is not None else pa.array(table.ids, type=pa.string())
        names = table.arrow_names if table.arrow_names is not None else pa.array(table.names, type=pa.string())
        countries = ["", *table.countries]
        labels, ranked = verdicts.label_columns()

        def coded(codes: npt.NDArray[Any], texts: Sequence[str]) -> pa.Array:
            return pa.array(list(texts), type=pa.string()).take(pa.array(codes[at].astype(np.int32)))

        def percent(values: FloatArray) -> pa.Array:
            # The reports' precision (reports.common.PCT_DECIMALS; that module reads this one, so it is not
            # imported here): a test holds the two equal.
            return pa.array(np.round(values[at] * 100.0, 6) + 0.0, type=pa.float64())

        reasons = verdicts.reasons_of(at)
        columns = {
            "id": ids.take(pa.array(at)),
            "name": names.take(pa.array(at)),
            "type": coded(table.types, [t.value for t in ENTITY_TYPES]),
            "jurisdiction": coded(table.jurisdiction.astype(np.int32) + 1, countries),
            "headquarters": coded(table.headquarters.astype(np.int32) + 1, countries),
            "status": coded(figures.status, [s.value for s in STATUSES]),
            "cascade_low_pct": percent(figures.cascade_low),
            "cascade_high_pct": percent(figures.cascade_high),
            "lookthrough_low_pct": percent(figures.lookthrough_low),
            "lookthrough_high_pct": percent(figures.lookthrough_high),
            "decides": coded(figures.decides.astype(np.int8), ["no", "yes"]),
            "reason": pa.array(list(reasons.values), type=pa.string()).take(pa.array(reasons.codes)),
            "labels": coded(labels.codes, labels.values),
            "most_restrictive": coded(ranked.codes, ranked.values),
        }
        frame: pd.DataFrame = pa.table(columns).to_pandas()
        return frame

    def counts(self) -> dict[Status, int]:
        """Number of entities per status, every status present."""
        found = np.bincount(self.figures.status, minlength=len(STATUSES))
        counts = dict.fromkeys(Status, 0)
        for k, status in enumerate(STATUSES):
            counts[status] = int(found[k])
        return counts

    def verdict(self, entity_id: str) -> EntityVerdict:
        """The verdict of the entity with this id.

        Raises:
            KeyError: no such entity.
        """
        return self.verdicts[self.verdicts.entities.position[entity_id]]

    def deciding(self) -> tuple[EntityVerdict, ...]:
        return tuple(self.verdicts[i] for i in np.flatnonzero(self.figures.decides).tolist())

    def overall(self) -> Status:
        """The most severe status among the deciding entities (home counts as flagged)."""
        f = self.figures
        present = set(np.unique(f.status[f.decides]).tolist())
        if _STATUS_CODE[Status.FLAGGED] in present or _STATUS_CODE[Status.HOME] in present:
            return Status.FLAGGED
        if _STATUS_CODE[Status.POSSIBLE] in present:
            return Status.POSSIBLE
        return Status.CLEAR

    def exit_code(self, fail_on: FailOn | None = None) -> int:
        """0 when nothing deciding fails the check, 1 otherwise (see interface contract). A rule that is
        not in force on the as-of date (suspended, or not yet applicable) decides nothing. ``fail_on``
        defaults to the result's own (``self.fail_on``)."""
        fail_on = self.fail_on if fail_on is None else fail_on
        overall = self.overall()
        if fail_on is FailOn.NEVER or not self.policy.in_force:
            return 0
        if overall is Status.FLAGGED:
            return 1
        if overall is Status.POSSIBLE and fail_on is FailOn.POSSIBLE:
            return 1
        return 0

    def ordered(self, limit: int | None = None) -> list[EntityVerdict]:
        """Deciding entities first, then by severity (flagged, home, possible, clear), then input order;
        the first ``limit`` of them when given."""
        return [self.verdicts[i] for i in self.figures.order()[:limit].tolist()]


@dataclass(frozen=True)
class CheckSet:
    """The same data checked under several rules (``--profile ofac --profile uk``), side by side.

    The first result is the primary one: its figures and statuses fill the report's main columns. Every
    result lists the same entities in the same order.
    """

    results: tuple[CheckResult, ...]

    @staticmethod
    def of(results: CheckResult | CheckSet | tuple[CheckResult, ...] | list[CheckResult]) -> CheckSet:
        if isinstance(results, CheckSet):
            return results
        if isinstance(results, CheckResult):
            return CheckSet((results,))
        return CheckSet(tuple(results))

    @property
    def primary(self) -> CheckResult:
        return self.results[0]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(r.policy.name for r in self.results)

    def disagreements(self) -> list[int]:
        """Indices of the entities whose status differs between the rules in force."""
        live = [r for r in self.results if r.policy.in_force] or list(self.results)
        statuses = np.stack([r.figures.status for r in live])
        differ: list[int] = np.flatnonzero((statuses != statuses[0]).any(axis=0)).tolist()
        return differ

    def exit_code(self, fail_on: FailOn) -> int:
        """The strictest of the rules: 1 when any rule in force fails the check."""
        return max(r.exit_code(fail_on) for r in self.results)
