"""Deterministic, seeded ownership graphs for the benchmark, written as a canonical folder or workbook.

``registry`` imitates a company register: companies (with a few funds and trusts) held by natural persons,
other companies and a few state bodies; a median of two owners per company with a long tail (a listed
company has thousands); a few percent of the entities in the watched country (CN), some more Cayman,
BVI, Hong Kong and Singapore companies headquartered there; 1% of the holdings are cross-holdings that
close 2- and 3-cycles; some stakes are only known as a 5-point band; some subjects have an unallocated
remainder; a few entities have no country. Stakes are drawn in integer units of 0.0001 percentage points,
so a subject's stakes never sum above 100% (the reader refuses over-allocation), and a band's low end
never exceeds the true stake.

The adversarial shapes stress what a naive engine does recursively or quadratically: ``chain`` (one
100,000-level chain), ``scc`` (one strongly connected component of 100,000 entities) and ``star`` (one
holder with a million subsidiaries).

Everything is vectorised with numpy and depends only on the seed (numpy's PCG64 stream), so the same
arguments give byte-identical files.

Run ``python -m bench.generate KIND SIZE OUT`` to write one dataset (see ``--help``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.dataset import UNIT, WATCHED, Dataset, Profile, low_percent, profile
from bench.psc import psc, write_psc
from bench.registry import PERSON_SHARE, RANGED_SHARE, registry
from bench.shapes import chain, scc, star, write_holdings_csv, write_quoted_folder

__all__ = [
    "KINDS",
    "PERSON_SHARE",
    "RANGED_SHARE",
    "UNIT",
    "WATCHED",
    "Dataset",
    "Profile",
    "build",
    "chain",
    "low_percent",
    "profile",
    "registry",
    "scc",
    "star",
    "write",
    "write_folder",
    "write_xlsx",
]


def write_folder(dataset: Dataset, folder: Path) -> Path:
    """Write ``entities.csv`` and ``holdings.csv`` (UTF-8, comma-separated) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    dataset.entities.to_csv(folder / "entities.csv", index=False, lineterminator="\n")
    dataset.holdings.to_csv(folder / "holdings.csv", index=False, lineterminator="\n")
    return folder


def write_xlsx(dataset: Dataset, path: Path) -> Path:
    """Write a canonical workbook (sheets Entities and Holdings) with openpyxl's streaming writer. Exact
    stakes are numbers (percentage points), bands are text, as a person would type them."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Entities")
    sheet.append(list(dataset.entities.columns))
    for row in dataset.entities.itertuples(index=False):
        sheet.append([value or None for value in row])
    sheet = book.create_sheet("Holdings")
    sheet.append(list(dataset.holdings.columns))
    for holder, subject, percent in dataset.holdings.itertuples(index=False):
        sheet.append([holder, subject, percent if "-" in percent else float(percent)])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


KINDS = ("registry", "chain", "scc", "star", "xlsx", "registry-quoted", "holdings-csv", "psc")


def build(kind: str, size: int, seed: int = 0, entities: int | None = None) -> Dataset:
    """The dataset of one benchmark case: ``size`` is the holdings of a registry (or xlsx registry; its
    entities default to half as many), the levels of a chain, the members of an scc, the subsidiaries of
    a star."""
    if kind in ("registry", "xlsx", "registry-quoted", "holdings-csv"):
        return registry(entities or max(10, size // 2), size, seed)
    if kind == "chain":
        return chain(size)
    if kind == "scc":
        return scc(size, seed)
    if kind == "star":
        return star(size, seed)
    if kind == "psc":
        return psc(size, seed)  # size: entities (bench/psc.py)
    raise ValueError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")


def write(kind: str, dataset: Dataset, out: Path) -> Path:
    """Write ``dataset`` where ``out`` says: a workbook for ``xlsx``, one CSV declaring the parties on its
    rows for ``holdings-csv``, a folder with every field quoted for ``registry-quoted``, else a folder."""
    if kind == "xlsx":
        return write_xlsx(dataset, out)
    if kind == "holdings-csv":
        return write_holdings_csv(dataset, out)
    if kind == "registry-quoted":
        return write_quoted_folder(dataset, out)
    if kind == "psc":
        return write_psc(dataset, out)
    return write_folder(dataset, out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("size", type=int, help="holdings (registry, xlsx), levels (chain), members (scc), star arms")
    parser.add_argument("out", type=Path, help="folder to write (a .xlsx file for xlsx, a .csv for holdings-csv)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--entities", type=int, default=None, help="registry entities (default: size / 2)")
    parser.add_argument("--profile", action="store_true", help="print what the dataset looks like")
    args = parser.parse_args(argv)
    dataset = build(args.kind, args.size, args.seed, args.entities)
    write(args.kind, dataset, args.out)
    print(f"{dataset.name}: {dataset.n_entities} entities, {dataset.n_holdings} holdings -> {args.out}")
    if args.profile:
        for key, value in vars(profile(dataset)).items():
            print(f"  {key}: {value:.4g}" if isinstance(value, float) else f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
