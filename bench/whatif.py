"""How long `exposure whatif` takes for one entity of a registry (issue 19: at most 10 s on the registry of
1M entities).

    python -m bench.whatif /tmp/reg-2M                      # a sample: the entities with the largest upstream
    python -m bench.whatif /tmp/reg-2M C0249228 C0027559    # named entities
    python -m bench.whatif /tmp/reg-2M --command            # also the whole command as its own process

For each entity it prints the wall and CPU seconds of ``ownership.analysis.whatif.run`` on the data already
read (what ``whatif`` adds to reading), the holdings upstream, the checks run and the copies of the upstream
part they held, the status and the best cure; with ``--command``, the wall seconds of ``exposure whatif ...
--format json`` as its own process, reading included. Reading a registry is measured by the main benchmark
(``bench.run``), not here.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from bench.analysis import largest_upstream


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", type=Path)
    parser.add_argument("entities", nargs="*")
    parser.add_argument("-j", "--jurisdiction", default="CN")
    parser.add_argument("--sample", type=int, default=200, help="entities drawn when none are named")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--command", action="store_true", help="also time the whole command as its own process")
    args = parser.parse_args(argv)

    from ownership.analysis.whatif import run
    from ownership.api import read, resolve_rules

    started = time.perf_counter()
    data = read(args.input)
    print(f"read {args.input}: {time.perf_counter() - started:.2f} s", flush=True)
    policy = resolve_rules(settings={"jurisdictions": [args.jurisdiction]}).policies[0]
    entities = args.entities or largest_upstream(data, args.sample, args.seed, count=5)
    worst = 0.0
    for entity in entities:
        wall, cpu = time.perf_counter(), time.process_time()
        answer = run(data, policy, entity)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        worst = max(worst, wall)
        best = "none" if answer.best is None else f"{answer.best.holder}->{answer.best.subject} {answer.best.kind}"
        print(
            f"{entity}: whatif {wall:.2f} s wall, {cpu:.2f} s CPU; {answer.holdings_upstream} holdings upstream, "
            f"{answer.checks} checks of {answer.copies} copies; {answer.baseline.status.value}, "
            f"{len(answer.pivotal)} pivotal, best {best}" + (f"; {'; '.join(answer.notes)}" if answer.notes else ""),
            flush=True,
        )
        if args.command:
            exe = Path(sys.executable).with_name("exposure")
            command = [str(exe), "whatif", str(args.input), "--entity", entity, "-j", args.jurisdiction]
            began = time.perf_counter()
            subprocess.run([*command, "--format", "json", "--no-policy-file"], capture_output=True, check=False)
            print(f"  the whole command: {time.perf_counter() - began:.2f} s", flush=True)
    verdict = "met" if worst <= 10.0 else "NOT met"
    print(f"slowest whatif: {worst:.2f} s (target 10 s: {verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
