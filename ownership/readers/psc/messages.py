"""The words of the counted warnings the PSC reader gives (one per kind of record set aside, with the count
and the first place it happened), and the statement codes they distinguish."""

from __future__ import annotations

from typing import Final

from ownership.errors import short

__all__ = ["NOBODY", "UNIDENTIFIED", "tally_message"]

# Statements that a registrable person (or beneficial owner) exists whom the register does not name.
UNIDENTIFIED: Final = frozenset(
    {
        "psc-exists-but-not-identified",
        "psc-details-not-confirmed",
        "steps-to-find-psc-not-yet-completed",
        "psc-contacted-but-no-response",
        "restrictions-notice-issued-to-psc",
        "awaiting-confirmation-from-psc",
        "no-beneficial-owner-identified",
        "at-least-one-beneficial-owner-unidentified",
        "information-not-provided-for-at-least-one-beneficial-owner",
        "at-least-one-beneficial-owner-unidentified-and-information-not-provided-for-at-least-one-beneficial-owner",
    }
)
# The register spells it "signficant".
NOBODY: Final = "no-individual-or-entity-with-signficant-control"

_UNKNOWN_WHAT: Final = {
    "nationality": "that nationality",
    "country_of_residence": "their country of residence",
    "address.country": "their headquarters country",
    "CountryOfOrigin": "the company's country of origin",
}


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def tally_message(code: str, key: str, count: int) -> str:
    """The warning for ``count`` records set aside under ``code`` (and ``key``: a statement, a nature, a
    country text as "field\\0text")."""
    if code == "psc_ceased":
        if key == "dated":
            return (
                f"{_plural(count, 'ceased record is', 'ceased records are')} kept from notified_on until the day "
                "before ceased_on, so they count only at earlier as-of dates"
            )
        if key == "undated":
            return (
                f"{_plural(count, 'record is', 'records are')} marked ceased without a readable ceased_on date, "
                "which cannot be placed in time: not read"
            )
        return (
            f"{_plural(count, 'ceased record', 'ceased records')} that name no holder (a statement that nobody has "
            "significant control, an exemption): not read"
        )
    if code == "psc_super_secure":
        return (
            f"{_plural(count, 'super-secure PSC has', 'super-secure PSCs have')} particulars withheld by law: read as "
            "a holder of unknown country with an unknown stake (0-100%)"
        )
    if code == "psc_exemption":
        return (
            f"{_plural(count, 'company is', 'companies are')} exempt from keeping a PSC register as "
            f"{'its' if count == 1 else 'their'} shares are traded on a regulated market: read as listed "
            f"{'company' if count == 1 else 'companies'}, {'its' if count == 1 else 'their'} own ultimate owner"
            f"{'' if count == 1 else 's'}"
        )
    if code == "psc_unknown_kind":
        return (
            f"{_plural(count, 'record', 'records')} of kind '{short(key)}' {'is' if count == 1 else 'are'} not a PSC "
            "record exposure knows: not read"
        )
    if code == "psc_unknown_stake":
        return (
            f"{_plural(count, 'PSC has', 'PSCs have')} no natures of control exposure can read: "
            "read with an unknown stake (0-100%)"
        )
    if code == "psc_nature_ignored":
        if key == "nominee":
            return (
                f"{_plural(count, 'nominee registration', 'nominee registrations')} (an overseas entity holding UK "
                f"land for its owner) {'says' if count == 1 else 'say'} nothing about shares or control: not read"
            )
        return f"{_plural(count, 'PSC has', 'PSCs have')} the unknown nature of control '{short(key)}': not read"
    if code == "psc_no_current_psc":
        return (
            f"{_plural(count, 'company has', 'companies have')} no current PSC here (none, only ceased records, or "
            "a statement that nobody has significant control): owners unknown, read as a holder of unknown country "
            "with an unknown stake (0-100%, up to what remains unallocated)"
        )
    if code == "psc_company_unused":
        return (
            f"{_plural(count, 'company data row is', 'company data rows are')} about companies with no PSC record "
            "here (or repeat one): not read"
        )
    if code == "unknown_country":
        fieldname, text = key.split("\0", 1)
        if fieldname == "identification":
            return (
                f"{_plural(count, 'corporate PSC gives', 'corporate PSCs give')} no country of registration: "
                "their country of incorporation is unknown"
            )
        what = _UNKNOWN_WHAT.get(fieldname, "their country of incorporation")
        return (
            f"the {fieldname} '{short(text)}' of {_plural(count, 'record', 'records')} names no country exposure "
            f"recognises: {what} is unknown"
        )
    return _statement_message(key, count)


def _statement_message(statement: str, count: int) -> str:
    base = statement.removesuffix("-partnership")
    head = f"{_plural(count, 'company filed', 'companies filed')} the PSC statement '{short(statement)}'"
    if base in UNIDENTIFIED:
        return f"{head}: a registrable person exists but is not named; read as a holder of unknown country (0-100%)"
    if base == NOBODY:
        return (
            f"{head}: nobody holds more than 25% or controls it, so its owners are not listed; read as unknown "
            "owners (0-100%)"
        )
    return f"{head}: it names no holder; not read"
