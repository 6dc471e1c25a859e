"""The benchmark's cases and what each run of one gives."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.measure import Measured


def human(n: int) -> str:
    """100000 -> '100k', 2000000 -> '2M', 1500 -> '1.5k'."""
    for unit, size in (("M", 1_000_000), ("k", 1_000)):
        if n >= size:
            return f"{n / size:g}{unit}"
    return str(n)


def parse_size(text: str) -> int:
    """'100k' -> 100000, '2M' -> 2000000, '2500' -> 2500."""
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


@dataclass(frozen=True)
class Case:
    """One benchmark input: ``size`` is the holdings of a registry or workbook, the levels of a chain, the
    members of a strongly connected component, the subsidiaries of a star."""

    kind: str
    size: int
    seed: int = 0

    @property
    def name(self) -> str:
        if self.kind == "registry-quoted":
            return f"registry-{human(self.size)}-quoted"  # the registry-2M data, every field quoted
        return f"{self.kind}-{human(self.size)}"

    @property
    def is_folder(self) -> bool:
        return self.kind not in ("xlsx", "holdings-csv")

    @property
    def suffix(self) -> str:
        """The input's extension: "" for a folder."""
        return {"xlsx": ".xlsx", "holdings-csv": ".csv"}.get(self.kind, "")


@dataclass
class Row:
    """What one case gave: sizes, the phase split, the command's total and memory, the floor."""

    case: Case
    entities: int = 0
    holdings: int = 0
    generate_seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)
    phases_run: Measured | None = None
    cli: Measured | None = None
    floor: Measured | None = None
    #: Other report formats (``--reports json,xlsx``) of the same check, one run each.
    reports: dict[str, Measured] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.cli is None or not self.cli.ok or self.floor is None or not self.floor.ok:
            return None
        return self.cli.seconds / self.floor.seconds

    @property
    def in_process(self) -> float | None:
        """read + compute + write, when all three finished."""
        if not all(p in self.phases for p in ("read", "compute", "write")):
            return None
        return self.phases["read"] + self.phases["compute"] + self.phases["write"]
