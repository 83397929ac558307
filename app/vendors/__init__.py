"""Contracted vendor companies, their lot memberships and the vendor portal."""
