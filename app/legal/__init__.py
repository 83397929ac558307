"""Legal and trust pages (accessibility, privacy, legal notice, contact) and the personal data
rights: a person's data export and erasure requests, handled by staff (docs/personal-data.md).

It sits above every domain (it reads orders, offers, invoices and notifications to export
them) and below app.api and app.main, which register it.
"""
