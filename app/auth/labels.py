"""The one wording of the accounts' enumerations (roles, organisation types, adhesion)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.common.labels import Labels

ROLE_LABELS = Labels({
    "buyer": _l("Buyer"),
    "vendor": _l("Vendor user"),
    "staff": _l("Staff"),
    "admin": _l("Administrator"),
})

ORGANISATION_TYPE_LABELS = Labels({
    "commune": _l("Commune"),
    "cpas": _l("CPAS / OCMW (public social welfare centre)"),
    "regional_administration": _l("Regional administration"),
    "regional_agency": _l("Regional agency"),
    "public_interest_body": _l("Other public-interest body"),
    "citizen_collective": _l("Citizen collective"),
})

ADHESION_STATUS_LABELS = Labels({
    "pending": _l("Waiting for approval"),
    "approved": _l("Approved"),
    "suspended": _l("Suspended"),
})


def template_labels() -> dict[str, Any]:
    """What the staff templates read the words from."""
    return {"role_labels": ROLE_LABELS, "organisation_type_labels": ORGANISATION_TYPE_LABELS,
            "adhesion_status_labels": ADHESION_STATUS_LABELS}
