"""The profiles cite what the published texts say (issue 15): checked against the texts, not from memory."""

from __future__ import annotations

from ownership.policy import profile_table


def sources() -> dict[str, str]:
    return {row["name"]: f"{row['description']} {row['source']}" for row in profile_table()}


def test_default_says_it_is_not_a_regulation() -> None:
    text = sources()["default"]
    assert text.startswith("Not a regulation but a reading")
    assert "reading of an AI provider's published sales restriction" in text
    assert "more than 50% owned, directly or indirectly, by companies headquartered in unsupported regions" in text


def test_ofac_cites_the_faqs_for_what_they_say() -> None:
    text = sources()["ofac"]
    assert "13 August 2014" in text
    assert "398 (the 50 Percent Rule concerns ownership, not control)" in text
    assert "401" in text and "50 percent or more in the aggregate" in text


def test_uk_cites_regulation_7_by_its_title_and_ofsi_on_aggregation() -> None:
    text = sources()["uk"]
    assert "regulation 7 ('Meaning of \"owned or controlled directly or indirectly\"')" in text
    assert "SI 2019/855" in text and "Schedule 1" in text
    assert "paragraph 4.14" in text


def test_bis_eu_and_amlr_dates_and_articles() -> None:
    found = sources()
    assert "effective 29 September 2025" in found["bis"] and "9 November 2026" in found["bis"]
    assert "3 July 2024" in found["eu"] and "recital 28" in found["eu"]
    assert "Article 52(1)" in found["amlr"] and "50% plus one" in found["amlr"] and "10 July 2027" in found["amlr"]
