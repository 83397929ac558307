"""The vendor companies, as the accounts see them (DESIGN §7: vendors sit above auth).

A vendor user belongs to a company of ``app.vendors``; auth may not import it, so it asks
these hooks, which ``app.vendors.accounts.register(app)`` answers at start-up. Unanswered
(auth alone), there is no company: no choice, and no vendor user can be created.
"""

from __future__ import annotations

from app.common.hooks import Hook


def _no_choices() -> list[tuple[int, str]]:
    return []


def _no_company(vendor_id: int) -> bool:
    return False


# (id, name) of every vendor company, by name: the staff's "new user" form offers them.
vendor_choices: Hook[[], list[tuple[int, str]]] = Hook("auth.vendor_choices", _no_choices)
# Whether a vendor company with this id exists.
vendor_exists: Hook[[int], bool] = Hook("auth.vendor_exists", _no_company)
