"""How long `exposure owners` takes for one entity of a registry (issue 19: at most 5 s on the registry of
1M entities), with the reading apart from the rest.

    python -m bench.generate registry 2000000 /tmp/reg-2M     # 1M entities, 2M holdings (or bench/.cache)
    python -m bench.owners /tmp/reg-2M                        # the largest upstream part of a sample
    python -m bench.owners /tmp/reg-2M C0262313 --all         # named entities, intermediaries listed

For each entity it prints the wall and CPU seconds of ``ownership.analysis.owners.owners_of`` on the data
already read (the part ``owners`` adds), how many owners and upstream entities it found, and then the wall
and CPU seconds of the whole command (``exposure owners ... --format json``) as its own process, reading
included. The machine is shared: the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.analysis import largest_upstream


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", type=Path)
    parser.add_argument("entities", nargs="*")
    parser.add_argument("--all", action="store_true", help="list the intermediaries too")
    parser.add_argument("--sample", type=int, default=300, help="entities sampled to find the largest")
    args = parser.parse_args(argv)

    import ownership
    from ownership.analysis.owners import owners_of
    from ownership.api import resolve_rules

    start = time.perf_counter()
    data = ownership.read(args.input)
    print(f"read {args.input}: {time.perf_counter() - start:.2f} s", flush=True)
    policy = resolve_rules([], settings={"jurisdictions": ["CN"]}).policies[0]
    entities = args.entities or largest_upstream(data, args.sample, seed=1)
    exposure = Path(sys.executable).with_name("exposure")
    for entity in entities:
        wall, cpu = time.perf_counter(), time.process_time()
        found = owners_of(data, entity, policy, intermediates=args.all)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"{entity}: owners_of {wall:.2f} s wall, {cpu:.2f} s CPU; {len(found.owners)} owners listed, "
            f"status {found.verdict_status}, load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        command = [str(exposure), "owners", str(args.input), "--entity", entity, "-j", "CN", "--format", "json", "-q"]
        if args.all:
            command.append("--all")
        before = os.times()
        wall = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=False)
        wall = time.perf_counter() - wall
        after = os.times()
        cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        print(f"{entity}: the command, reading included, {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
