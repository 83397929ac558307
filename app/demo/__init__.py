"""Demo data (data.py) and its idempotent seeding (seed.py)."""
