"""The admin pages of the catalogue: frameworks, lots and their cascades, items and prices,
the CSV import and export, the admin log, and the vendor companies (which show their lot
memberships). Blueprint ``admin`` is declared in :mod:`.blueprint`, its routes by subject in
the sibling modules; ``vendor_admin`` in :mod:`.vendors`.
"""
