"""The public facilitator directory (pages and API): contracted vendors with their lots.

It reads the lot memberships, so it sits in the catalogue, above the vendor companies it
shows (app.vendors).
"""
