"""Several rules on the Spark engine (``ownership.spark.rules``): one check per rule, side by side as the in-memory
``CheckSet``: the first rule's columns and a status column per rule, the disagreements, the strictest exit code.

The data: CN holds exactly 50% of T (a US company, the rest held by a US person), 60% of F and 10% of C. Under
"more than 50%" T is clear; under "50% or more" it is flagged: the two rules disagree on T alone.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ownership.model import Comparison, Entity, EntityType, Holding, OwnershipData, Policy, SourceInfo, Stake
from ownership.pipeline import check
from ownership.result import CheckSet, FailOn
from ownership.spark.rules import spark_check_rules
from ownership.writers.canonical_folder import write_canonical_folder

DATA = OwnershipData(
    (
        Entity("CN", "Beijing Fund", EntityType.COMPANY, "CN", ultimate=True),
        Entity("US", "Usher", EntityType.PERSON, "US"),
        Entity("T", "Tie Ltd", EntityType.COMPANY, "US"),
        Entity("F", "Flag Ltd", EntityType.COMPANY, "US"),
        Entity("C", "Clear Ltd", EntityType.COMPANY, "US"),
    ),
    (
        Holding("CN", "T", Stake.exact(0.5)),
        Holding("US", "T", Stake.exact(0.5)),
        Holding("CN", "F", Stake.exact(0.6)),
        Holding("US", "F", Stake.exact(0.4)),
        Holding("CN", "C", Stake.exact(0.1)),
        Holding("US", "C", Stake.exact(0.9)),
    ),
    SourceInfo("rules-spark", "0" * 64, "test"),
)
AS_OF = date(2026, 6, 30)
RULES = (
    Policy(jurisdictions=frozenset({"CN"}), as_of=AS_OF, name="gt"),
    Policy(jurisdictions=frozenset({"CN"}), as_of=AS_OF, comparison=Comparison.GE, name="ge"),
)


def test_several_rules_side_by_side_as_in_memory(spark: Any, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    write_canonical_folder(DATA, folder)
    found = spark_check_rules(spark, str(folder), RULES)
    memory = CheckSet(tuple(check(DATA, policy) for policy in RULES))
    table = {r["id"]: r for r in found.report().collect()}
    for k, policy in enumerate(RULES):
        for v in memory.results[k].entities:
            assert table[v.entity.id][f"status_{policy.name}"] == v.status.value, (policy.name, v.entity.id)
    # By hand: T is clear under "more than 50%", flagged under "50% or more"; F flagged under both.
    assert (table["T"]["status_gt"], table["T"]["status_ge"], table["T"]["status"]) == ("clear", "flagged", "clear")
    assert table["F"]["status_gt"] == table["F"]["status_ge"] == "flagged"
    assert found.disagreements() == (1, ["T"])
    summary = found.summary(FailOn.FLAGGED)
    assert [p["name"] for p in summary["profiles"]] == ["gt", "ge"]
    assert summary["profiles"][1]["summary"]["flagged"] == 2
    assert summary["disagreements_count"] == 1 and summary["disagreements_first"] == ["T"]
    assert found.exit_code(FailOn.FLAGGED) == memory.exit_code(FailOn.FLAGGED) == 1
