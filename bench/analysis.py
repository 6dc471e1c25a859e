"""`owners` and `whatif` for one entity of a registry, as the main benchmark measures them (issue 19: at most
5 s and 10 s on the registry of 1M entities, judged on the time after reading).

    python bench/analysis.py owners /tmp/reg-2M              # the largest upstream part of 300 sampled
    python bench/analysis.py whatif /tmp/reg-2M --entity C0310219

It reads the input, picks the entity (unless named) and times the library call on the data already read
(``ownership.analysis.owners.owners_of`` or ``ownership.analysis.whatif.run``, with ``-j CN``), printing one
JSON line per step as it ends (``{"phase": "read", "seconds": 8.1}``), so a run stopped by a timeout still
tells how far it got. ``bench.run --cases owners,whatif`` runs it beside the whole command; the pick is
shared with ``bench/owners.py`` and ``bench/whatif.py``.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402 - the start time above must come first, to time the imports
import gc  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

#: The commands measured, and their targets after reading, seconds (issue 19).
TARGETS = {"owners": 5.0, "whatif": 10.0}
#: Entities drawn when none is named.
SAMPLE = 300


def upstream_sizes(data: object, sample: int, seed: int) -> list[tuple[int, str]]:
    """For ``sample`` entities drawn at random with ``seed`` (repeats counted once): how many holdings lie
    upstream of each (holdings whose subject is the entity or has a chain of holdings to it) and its id;
    largest first, equal sizes by id."""
    import numpy as np

    from ownership.engine.edges import Edges
    from ownership.engine.reach import downstream
    from ownership.model.tables import EntityTable, HoldingTable

    table = EntityTable.of(data.entities)  # type: ignore[attr-defined]
    rows = HoldingTable.of(data.holdings, table)  # type: ignore[attr-defined]
    # Holdings reversed (subject -> holder): what is downstream of x in them is what reaches x.
    reverse = Edges.build(len(table), rows.subject, rows.holder, np.ones(len(rows)))
    picks = sorted(set(np.random.default_rng(seed).integers(0, len(table), sample).tolist()))
    sizes = []
    for x in picks:
        inside = downstream(reverse, np.array([x], dtype=np.int64))
        sizes.append((int(inside[rows.subject].sum()), str(table.ids[x])))
    return sorted(sizes, key=lambda s: (-s[0], s[1]))


def largest_upstream(data: object, sample: int = SAMPLE, seed: int = 0, count: int = 1) -> list[str]:
    """The ``count`` entities with the largest upstream parts among ``sample`` drawn with ``seed``."""
    return [entity for _, entity in upstream_sizes(data, sample, seed)[:count]]


def _emit(record: dict[str, object]) -> None:
    print(json.dumps(record), flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/analysis.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=sorted(TARGETS))
    parser.add_argument("input", type=Path)
    parser.add_argument("--entity", help="the entity to ask about (default: the largest upstream part sampled)")
    parser.add_argument("--sample", type=int, default=SAMPLE, help="entities drawn to find the largest")
    parser.add_argument("--seed", type=int, default=0, help="the seed of the draw")
    parser.add_argument("-j", "--jurisdiction", default="CN")
    args = parser.parse_args(argv)
    gc.disable()  # as cli.app.main does for every command
    _emit({"phase": "start", "seconds": round(time.perf_counter() - STARTED, 4)})

    from ownership.api import read, resolve_rules

    began = time.perf_counter()
    data = read(args.input)
    _emit({"phase": "read", "seconds": round(time.perf_counter() - began, 4)})
    began = time.perf_counter()
    sizes = upstream_sizes(data, args.sample, args.seed)
    if args.entity is None:
        upstream, entity = sizes[0]
    else:
        entity = args.entity
        upstream = next((n for n, e in sizes if e == entity), -1)
    record = {"phase": "pick", "seconds": round(time.perf_counter() - began, 4), "entity": entity}
    _emit(record | {"upstream": upstream, "sampled": len(sizes), "sample": args.sample, "seed": args.seed})

    policy = resolve_rules(settings={"jurisdictions": [args.jurisdiction]}).policies[0]
    wall, cpu = time.perf_counter(), time.process_time()
    if args.command == "owners":
        from ownership.analysis.owners import owners_of

        found = owners_of(data, entity, policy)
        detail: dict[str, object] = {
            "owners": len(found.owners),
            "status": getattr(found.verdict_status, "value", None),
        }
    else:
        from ownership.analysis.whatif import run

        answer = run(data, policy, entity)
        detail = {"holdings_upstream": answer.holdings_upstream, "status": answer.baseline.status.value}
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    _emit({"phase": "compute", "seconds": round(wall, 4), "cpu": round(cpu, 4)} | detail)
    return 0


if __name__ == "__main__":
    sys.exit(main())
