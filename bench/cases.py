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


#: The most data rows an Excel sheet holds under its header (1,048,576 rows in all): the xlsx-1M case.
EXCEL_DATA_ROWS = 1_048_575

#: Cases that run a command on one entity of a registry (``exposure owners``, ``exposure whatif``): their
#: data is the registry of the same size.
ANALYSIS_KINDS = ("owners", "whatif")


@dataclass(frozen=True)
class Case:
    """One benchmark input: ``size`` is the holdings of a registry or workbook, the levels of a chain, the
    members of a strongly connected component, the subsidiaries of a star (for ``owners`` and ``whatif``, the
    holdings of the registry they run on). ``rule`` is a named profile the
    command runs with (``--profile uk``), None for the default policy; the data is the same either way."""

    kind: str
    size: int
    seed: int = 0
    rule: str | None = None

    @property
    def data_kind(self) -> str:
        """The generator's kind of the case's input (``owners`` and ``whatif`` run on a registry)."""
        return "registry" if self.kind in ANALYSIS_KINDS else self.kind

    @property
    def data_name(self) -> str:
        """The generated input's name (shared by the cases that differ only in their rule or command)."""
        if self.kind in ANALYSIS_KINDS:
            return f"registry-{human(self.size)}"
        if self.kind == "registry-quoted":
            return f"registry-{human(self.size)}-quoted"  # the registry-2M data, every field quoted
        if self.kind == "xlsx" and self.size == EXCEL_DATA_ROWS:
            return "xlsx-1M"  # a sheet at Excel's row limit
        return f"{self.kind}-{human(self.size)}"

    @property
    def name(self) -> str:
        if self.kind in ANALYSIS_KINDS:
            return f"{self.kind} {self.data_name}"
        return self.data_name if self.rule is None else f"{self.data_name} --profile {self.rule}"

    @property
    def slug(self) -> str:
        """The name as a file name (work files, profile folders)."""
        return self.name.replace(" --profile ", "-profile-").replace(" ", "-")

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
    #: The input's size on disk, bytes (a folder's files together).
    input_bytes: int = 0
    #: The machine's 1-minute load average when the case's runs ended (the machine may be shared).
    load: float | None = None
    #: ``owners`` and ``whatif``: the entity asked about, the holdings upstream of it, and how many distinct
    #: entities were sampled to find it (the largest upstream part among them).
    entity: str = ""
    upstream: int = 0
    sampled: int = 0

    @property
    def ratio(self) -> float | None:
        if self.cli is None or not self.cli.ok or self.floor is None or not self.floor.ok:
            return None
        return self.cli.seconds / self.floor.seconds

    @property
    def bytes_per_holding(self) -> float | None:
        """The command's peak resident memory per holding, in bytes."""
        if self.cli is None or not self.holdings:
            return None
        return self.cli.peak_mb * 1024 * 1024 / self.holdings

    @property
    def in_process(self) -> float | None:
        """read + compute + write, when all three finished."""
        if not all(p in self.phases for p in ("read", "compute", "write")):
            return None
        return self.phases["read"] + self.phases["compute"] + self.phases["write"]
